"""Orders every training row keeps between two columns, kept by every engine's rows.

ISLR's College table never accepts more students than applied (`Accept ≤ Apps`), nor
enrols more than it accepted; a day's low is never above its high. The report lists such
orders (`common.contracts.orderings` finds them: beyond chance, at most `MAX_PAIRS`), and
tabular_argn broke `Accept ≤ Apps` in 268 of 622 rows, gaussian_copula in 49. Training stores
the orders the training rows keep, with quantiles of the low value's share of the high one
(Accept / Apps) or, where the low column reaches 0 or below (temperatures), of the gap
between them. Generation makes the low value of a row that breaks one anew from its high
value and a share drawn from those quantiles, rounded down to the column's precision and at
least its real minimum (Apps 1,713, Accept 3,310 becomes Accept 1,420: an acceptance rate the
real colleges have); where that value would leave the column's range, or the order has no
quantiles (dates, numbers on a grid), the two values are swapped when both then lie within
the other column's range.

Only between columns written alike (both whole numbers, or the same decimals, grid and
unit), never a column that something else sets or ties (a total or its parts, a formula, a
determined column, a winner's numbers, a month or a day of a date written in parts, a
column a condition fixes). A row breaking a chain (`Enroll ≤ Accept ≤ Apps`) is mended over
at most `MAX_PASSES` passes; what is left stays as generated, and the report counts it.
Models trained before generate as before; a model trained with differential privacy keeps
no order (they are found on the real rows).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.orderings import kept_orders
from services.training.engines.profile import ColumnProfile, TableProfile

# Passes over the orders of a chunk: each pass mends one more link of a chain.
MAX_PASSES = 8
# Quantiles of the real shares (or gaps) an order keeps, to mend broken rows with.
QUANTILES = 21


@dataclass(frozen=True)
class KeptOrder:
    """``low`` ≤ ``high`` in every training row; ``shares``: quantiles of ``low / high``
    (both positive numbers) or of ``high - low`` (``by_gap``) in those rows, to mend with."""

    low: str
    high: str
    shares: tuple[float, ...] = ()
    by_gap: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "shares": self.shares, "by_gap": self.by_gap}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeptOrder:
        shares = tuple(float(v) for v in data.get("shares") or ())
        return cls(data["low"], data["high"], shares, bool(data.get("by_gap")))


def find_orders(
    rows: pd.DataFrame, metadata: Mapping[str, Any], profile: TableProfile
) -> tuple[KeptOrder, ...]:
    """The orders all ``rows`` (the training rows) keep between columns that can swap."""
    usable = frozenset(
        c.name
        for c in profile.columns
        if c.name in rows.columns and c.name not in _tied(profile) and _plain(c)
    )
    specs = metadata.get("columns") or {}
    return tuple(
        _kept(rows, profile.column(o.low), profile.column(o.high))
        for o in kept_orders(rows, specs, only=usable)
        if _alike(profile.column(o.low), profile.column(o.high))
    )


def _kept(rows: pd.DataFrame, low: ColumnProfile | None, high: ColumnProfile | None) -> KeptOrder:
    assert low is not None and high is not None and low.minimum is not None
    if low.kind != "numeric" or low.step is not None:
        return KeptOrder(low.name, high.name)
    first = pd.to_numeric(rows[low.name], errors="coerce")
    then = pd.to_numeric(rows[high.name], errors="coerce")
    by_gap = low.minimum <= 0
    shares = (then - first) if by_gap else (first / then)
    shares = shares[first.notna() & then.notna()].to_numpy(dtype=float)
    quantiles = np.quantile(shares, np.linspace(0, 1, QUANTILES)) if len(shares) else ()
    return KeptOrder(low.name, high.name, tuple(float(q) for q in quantiles), by_gap)


def keep_orders(
    rows: pd.DataFrame,
    orders: Sequence[KeptOrder],
    profile: TableProfile,
    frozen: Collection[str] = (),
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """``rows`` with each broken order mended, in place: the low value made anew from the
    high one as the real rows have them, or else the two values swapped."""
    rng = np.random.default_rng([seed, 7])
    pairs = [
        o
        for o in orders
        if o.low in rows.columns and o.high in rows.columns and not {o.low, o.high} & set(frozen)
    ]
    for _ in range(MAX_PASSES if pairs else 0):
        mended = False
        for order in pairs:
            broken = (rows[order.low] > rows[order.high]).to_numpy(dtype=bool, na_value=False)
            if broken.any():
                _mend(rows, order, broken, profile, rng)
                mended = True
        if not mended:
            break
    return rows


def _mend(
    rows: pd.DataFrame,
    order: KeptOrder,
    broken: np.ndarray,
    profile: TableProfile,
    rng: np.random.Generator,
) -> None:
    low, high = profile.column(order.low), profile.column(order.high)
    first, then = rows[order.low], rows[order.high]
    if order.shares and low is not None:
        made = _made_low(then[broken].to_numpy(dtype=float), order, low, rng)
        fits = _within(pd.Series(made), low) & (made <= then[broken].to_numpy(dtype=float))
        index = np.flatnonzero(broken)[fits]
        new = made[fits]
        if pd.api.types.is_integer_dtype(first.dtype):
            new = new.astype(np.int64)
        rows.loc[rows.index[index], order.low] = new
        broken = broken.copy()
        broken[index] = False
        first = rows[order.low]
    broken &= _within(then, low) & _within(first, high)
    if broken.any():
        rows.loc[broken, order.low], rows.loc[broken, order.high] = then[broken], first[broken]


def _made_low(
    highs: np.ndarray, order: KeptOrder, low: ColumnProfile, rng: np.random.Generator
) -> np.ndarray:
    """Low values for these high ones: a real share (or gap) drawn between the quantiles,
    rounded down to the low column's precision so that the order holds, and at least the
    column's real minimum."""
    shares = np.interp(rng.random(len(highs)), np.linspace(0, 1, len(order.shares)), order.shares)
    made = highs - shares if order.by_gap else highs * shares
    decimals = 0 if low.integer else low.decimals
    if decimals is not None:
        scale = 10.0**decimals
        made = np.floor(np.round(made * scale, 6)) / scale
    # Not below the real minimum, a value the low column holds (kept where it is <= high).
    return np.maximum(made, low.minimum if low.minimum is not None else -np.inf)


def _tied(profile: TableProfile) -> set[str]:
    """Columns set from or tied to others."""
    tied = set(profile.derived)
    for total in profile.totals:
        tied |= {total.column, *total.parts}
    for leader in profile.leaders:
        tied |= set(leader.columns)
    for parts in profile.date_parts:
        tied |= {parts.month, parts.day} | ({parts.year} if parts.year else set())
    return tied


def _plain(column: ColumnProfile | None) -> bool:
    return (
        column is not None
        and column.kind in ("numeric", "datetime")
        and column.minimum is not None
        and column.maximum is not None
        and not column.clock_minutes
        and not column.sentinels
        and column.pii_kind is None
        and column.id_shape is None
    )


def _alike(low: ColumnProfile | None, high: ColumnProfile | None) -> bool:
    if low is None or high is None:
        return False
    return (low.kind, low.arrow_type, low.integer, low.decimals, low.datetime_unit) == (
        high.kind,
        high.arrow_type,
        high.integer,
        high.decimals,
        high.datetime_unit,
    ) and _same_grid(low, high)


def _same_grid(low: ColumnProfile, high: ColumnProfile) -> bool:
    if low.step is None and high.step is None:
        return True
    if low.step != high.step or low.step is None:
        return False
    assert low.minimum is not None and high.minimum is not None
    offset = (high.minimum - low.minimum) / low.step
    return bool(np.isclose(offset, round(offset)))


def _within(values: pd.Series, column: ColumnProfile | None) -> np.ndarray:
    """Whether each value lies in ``column``'s real range (seconds since 1970 for times)."""
    assert column is not None and column.minimum is not None and column.maximum is not None
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.dt.tz_convert("UTC").dt.tz_localize(None) if values.dt.tz else values
        seconds = stamps.to_numpy(dtype="datetime64[us]").astype(np.int64) / 1e6
        numbers = pd.Series(seconds, index=values.index).where(values.notna())
    else:
        numbers = pd.to_numeric(values, errors="coerce")
    inside = (numbers >= column.minimum) & (numbers <= column.maximum)
    return inside.to_numpy(dtype=bool, na_value=False)
