"""The report's parts on the range a number keeps within each value of a category column
(`ranges.py`): apart from `models` only to keep that module within its length."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RangeCheck(_Model):
    """A number column's real range within one value of a category column (adult's
    doctorates: from 24), and the rows whose number lies outside it."""

    category: str
    # The category value, written as text ("Doctorate").
    value: str
    number: str
    # The real training rows' minimum and maximum; None: that side bounds nothing.
    low: float | None
    high: float | None
    # "age by education = Doctorate: from 24".
    description: str
    # Synthetic rows of the value with the number outside, and their share of all synthetic
    # rows.
    violation_count: int
    violation_share: float
    # The same among the real holdout rows (the baseline: a few); share None without them.
    holdout_violation_count: int
    holdout_share: float | None
    # Training rows with the value and a number.
    real_rows: int


class RangeVerdict(_Model):
    """The synthetic rows with a number outside any `RangeCheck`, against what real rows
    have (the baseline: the holdout's share, or ``expected_share``, the larger): pass at most
    as many as real rows would have by chance (1 in 1,000) or the baseline and 0.1 % more,
    warn up to the baseline and 1 %, else fail."""

    rows: int
    share: float
    holdout_rows: int
    holdout_share: float | None
    # New real rows outside the ranges, expected from the training rows of each value (a new
    # row is the lowest of n + 1 with a chance of 1 in n + 1); older reports: 0.
    expected_share: float = 0.0
    verdict: Literal["pass", "warn", "fail"]
    # "fail: 23 of 2,000 synthetic rows (1.15%) have a number outside ...".
    summary: str
