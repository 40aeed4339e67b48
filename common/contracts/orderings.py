"""Orders between two columns that every real row keeps (an order is placed before it is
delivered, a day's low is below its high, a college accepts at most the students who
applied): found once here, for the report (which counts the synthetic rows that break one)
and for training (whose rows keep them: `services/training/engines/orders.py`).

Two date columns are an order when every real row keeps it (and not all dates are equal). Two
numerical columns must also be an order no accident explains: columns on different scales
(an age and an income) keep any order by their ranges alone, and two unrelated columns of a
small table may keep one by chance. So the order counts only when independent columns with
the same values would keep it in every real row with a probability of at most
`CHANCE_ORDER` (the share of value pairs out of order, `p`, over `n` rows: `(1 - p) ** n`).

Counts typed as categories (a category column of whole numbers, three values or more:
openintro's email counts images among its attachments, `image ≤ attach` in every email) are
a third kind, ordered among themselves as numbers are, beyond chance. Flags of two values are
left to the combinations of two category columns (`common.contracts.combinations`).

Bounded for wide tables: all pairs of a kind are tried at once, a block of rows at a time,
and of those that pass the first `_PROBE_ROWS` rows at most `MAX_PAIRS` (in column order)
go on: 500 numerical columns of 50,000 rows take seconds (a quarter of a million pairs were
tried one by one, a millisecond each), and a table whose columns all keep one order lists at
most `MAX_PAIRS` of them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Fewer real rows with both values than this say little about an order.
MIN_REAL_ROWS = 20
# How likely two independent numerical columns may be to keep an order in every real row.
CHANCE_ORDER = 1e-3
# Pairs followed past the first rows, and so listed at most, per kind of column.
MAX_PAIRS = 500
_PROBE_ROWS = 1_000
KINDS = ("datetime", "numerical", "coded")
# Distinct values a category column of whole numbers needs to be ordered as a count.
MIN_CODES = 3


@dataclass(frozen=True)
class Order:
    """``low`` ≤ ``high`` in each of ``real_rows`` real rows with both (not all equal)."""

    low: str
    high: str
    kind: str
    real_rows: int


def kept_orders(
    real: pd.DataFrame,
    columns: Mapping[str, Mapping[str, Any]],
    *,
    only: frozenset[str] | None = None,
) -> list[Order]:
    """The orders every row of ``real`` keeps between its datetime columns, between its
    numerical ones and between its categories of whole numbers (``columns``: the metadata's
    column specs; ``only``: these columns)."""
    orders = []
    for kind, values in (
        ("datetime", comparable_times),
        ("numerical", _numbers),
        ("coded", _numbers),
    ):
        names = [
            n
            for n, spec in columns.items()
            if n in real.columns and (only is None or n in only) and _kind(spec, real[n]) == kind
        ]
        series = {n: values(real[n]) for n in names}
        for low, high in _kept_orders(series, by_chance=kind != "datetime"):
            both = series[low].notna() & series[high].notna()
            if int(both.sum()) < MIN_REAL_ROWS:
                continue
            first, then = series[low][both], series[high][both]
            if not (first <= then).all() or (first == then).all():
                continue
            if kind != "datetime" and not _beyond_chance(first, then):
                continue
            orders.append(Order(low, high, kind, int(both.sum())))
    return orders


def _kind(spec: Mapping[str, Any], values: pd.Series) -> str | None:
    sdtype = spec.get("sdtype")
    if sdtype in ("datetime", "numerical"):
        return sdtype
    return "coded" if sdtype == "categorical" and is_coded(values) else None


def is_coded(values: pd.Series) -> bool:
    """Whole numbers of at least MIN_CODES distinct values (a count typed as a category)."""
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    if not numeric or pd.api.types.is_bool_dtype(values.dtype):
        return False  # text codes (`02134`) are no counts
    present = values.dropna()
    return present.nunique() >= MIN_CODES and bool((present == present.round()).all())


def comparable_times(values: pd.Series) -> pd.Series:
    """Times comparable across columns (naive ones read as UTC, as rules read them)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(values.dtype):
        # Not through to_datetime: its cache check boxed every value (40 s for 2,000 columns).
        return values.dt.tz_localize("UTC")
    return pd.to_datetime(values, errors="coerce", utc=True)


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _kept_orders(real: Mapping[str, pd.Series], by_chance: bool) -> list[tuple[str, str]]:
    """The pairs (low, high), in column order, whose order no real row breaks (a missing
    value breaks nothing): values as floats (a rounding that never reverses an order; the
    pairs left are checked on the values themselves), every pair of a block of rows at once,
    and past `_PROBE_ROWS` rows only the first `MAX_PAIRS` pairs left. With ``by_chance``,
    not the pairs whose ranges do not overlap (`_beyond_chance` never takes them)."""
    names = list(real)
    if len(names) < 2:
        return []
    matrix = np.column_stack([_floats(real[n]) for n in names])
    alive = ~np.eye(len(names), dtype=bool)
    if by_chance and len(matrix):
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column
            lowest, highest = np.nanmin(matrix, axis=0), np.nanmax(matrix, axis=0)
        alive &= ~(highest[:, None] <= lowest[None, :])
    start, stop = 0, 64  # most pairs break within the first rows: blocks grow from there
    while start < len(matrix) and alive.any():
        block = matrix[start:stop]
        for low in np.flatnonzero(alive.any(axis=1)):
            highs = np.flatnonzero(alive[low])
            alive[low, highs] = ~(block[:, [low]] > block[:, highs]).any(axis=0)
        if stop >= _PROBE_ROWS:
            _first_pairs(alive)
        start, stop = stop, stop + min(4 * (stop - start), 4_096)
        if start < _PROBE_ROWS < stop:
            stop = _PROBE_ROWS
    _first_pairs(alive)
    return [(names[low], names[high]) for low, high in zip(*np.nonzero(alive), strict=True)]


def _first_pairs(alive: np.ndarray) -> None:
    """Keeps the first MAX_PAIRS pairs of ``alive`` (in column order), in place."""
    alive[np.cumsum(alive).reshape(alive.shape) > MAX_PAIRS] = False


def _floats(values: pd.Series) -> np.ndarray:
    """Numbers, or times as seconds since 1970, as floats; missing as NaN."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        # In the column's own unit: years 1 to 9999 do not fit in nanoseconds.
        seconds = values.array.asi8 / {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[values.dtype.unit]
        seconds[values.isna().to_numpy()] = np.nan
        return seconds
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _beyond_chance(first: pd.Series, then: pd.Series) -> bool:
    """Whether independent columns holding these values would rarely keep `first ≤ then` in
    every row: `p`, the share of (first, then) value pairs out of order, is large enough that
    `(1 - p) ** n <= CHANCE_ORDER`."""
    highs = np.sort(then.to_numpy(dtype=float))
    below = np.searchsorted(highs, first.to_numpy(dtype=float), side="left")
    p = float(below.sum()) / (len(first) * len(highs))
    return p > 0 and len(first) * -np.log1p(-min(p, 1 - 1e-12)) >= -np.log(CHANCE_ORDER)
