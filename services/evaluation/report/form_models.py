"""The report's parts on columns missing where a category value rules them out
(`missing.py`), on keys of a name and a year (`keys.py`) and on how left-out columns are
written (`forms.py`): apart from `models` only to keep that module within its length."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MissingWhenCheck(_Model):
    """Columns missing in every real row where ``category`` is ``value`` (as text), and the
    synthetic rows with that value that have one of them."""

    columns: list[str]
    category: str
    value: str
    description: str
    violation_count: int
    # Real rows with the value, every one missing the columns.
    real_rows: int


class KeyCheck(_Model):
    """A name and a time column no two real rows share (a country once a year), and the
    synthetic rows repeating an earlier row's pair."""

    name: str
    time: str
    description: str
    violation_count: int
    # Of those, the rows past what the real values allow: a name in more synthetic rows than
    # the time column has real values.
    unavoidable_count: int
    # Real rows with both values, each pair once.
    real_rows: int


class FormCheck(_Model):
    """A column the scores leave out (an id, PII): the share of synthetic values written in a
    form no real value has (`forms.py`), one of them, and a real value."""

    column: str
    sdtype: str
    unlike_share: Annotated[float | None, BeforeValidator(_finite_or_none)]
    example: str | None
    real_example: str
    # How far the mix of forms of the synthetic values written like a real one is from the
    # real mix: half the summed differences of each form's share (0: the same mix; None:
    # none written like a real one). A real phone
    # column writing `(555) 010-1234` and `555-010-1234` half and half, faked in one: 0.5.
    form_gap: Annotated[float | None, BeforeValidator(_finite_or_none)] = None


class GroupCheck(_Model):
    """Columns constant within each group of real rows sharing an id (an order's date on each
    of its lines: `common.contracts.group_constants`), and the synthetic rows that differ from
    their group's first row; with how often ids repeat in either table."""

    key: str
    columns: list[str]
    description: str
    violation_count: int
    # Real groups of two rows or more, each with one value of every column.
    real_groups: int
    # Share of rows whose id another row has, real (training) and synthetic.
    real_repeated_share: float
    synthetic_repeated_share: float
