"""How finely a real column's values are written: the decimals of its numbers, the grid they
lie on, the unit of its times. Generation writes its values as finely, never finer
(see `conform`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from common.timestamps import NS_SECONDS

# Digits of precision looked for in a float column (values rounded to fewer are kept).
MAX_DECIMALS = 8
# Distinct values a numerical column needs before the grid they lie on is taken as its own.
GRID_MIN_DISTINCT = 8
# Whole-number columns of at most this many distinct values keep to them (`levels_of`).
MAX_LEVELS = 20
FRACTION_LEVEL_ROWS = 10


def levels_of(values: np.ndarray, integer: bool = True) -> tuple[float, ...] | None:
    """The distinct values of a whole-number column, when at most MAX_LEVELS: mtcars'
    cylinders (4, 6, 8), gears, carburettors, ChickWeight's days; None above. Of a column
    of fractions too, when its values repeat (``FRACTION_LEVEL_ROWS`` rows each on
    average): COUNT's rwm1984 writes years of schooling 9, 10.5, 11.5 and 11.8182
    (gaussian_copula wrote 13.424525); a small table's measurements are no levels."""
    finite = values[np.isfinite(values)]
    distinct = np.unique(finite)
    if not integer and (
        len(finite) < FRACTION_LEVEL_ROWS * len(distinct) or not (distinct % 1).any()
    ):
        return None  # few repeats, or whole numbers beside an infinity: as before
    return tuple(float(v) for v in distinct) if len(distinct) <= MAX_LEVELS else None


def level_counts(values: np.ndarray, levels: tuple[float, ...]) -> tuple[int, ...]:
    """The rows at each level (``levels`` sorted, every value one of them)."""
    finite = values[np.isfinite(values)]
    return tuple(
        int(c) for c in np.bincount(np.searchsorted(levels, finite), minlength=len(levels))
    )


def merged_counts(
    first: tuple[float, ...], first_counts: tuple[int, ...], second: tuple[float, ...],
    second_counts: tuple[int, ...], levels: tuple[float, ...] | None,
) -> tuple[int, ...]:  # fmt: skip
    """The rows at each of ``levels`` (two batches' levels merged) over both batches."""
    if not levels or not first_counts or not second_counts:
        return ()
    rows = dict.fromkeys(levels, 0)
    for values, counts in ((first, first_counts), (second, second_counts)):
        for value, count in zip(values, counts, strict=True):
            rows[value] += count
    return tuple(rows.values())


def merged_levels(
    first: tuple[float, ...] | None, second: tuple[float, ...] | None
) -> tuple[float, ...] | None:
    """The levels of two batches of one column (None: too many in either or together)."""
    if first is None or second is None:
        return None
    union = sorted(set(first) | set(second))
    return tuple(union) if len(union) <= MAX_LEVELS else None


def to_levels(
    numbers: pd.Series, levels: tuple[float, ...], counts: tuple[int, ...] = ()
) -> pd.Series:
    """Each number as its nearest level (missing ones stay missing; at most MAX_LEVELS
    levels, so the distances are a small matrix). With ``counts`` (a fraction column's rows
    per level), the border between two levels splits their gap by their rows: a level of
    2 rows between levels of 714 and 188 (11.8182 years of schooling between 10.5 and 12)
    takes the numbers very near it only, not a third of the engine's numbers between them."""
    points = np.asarray(levels, dtype="float64")
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(values)
    nearest = np.full(len(values), np.nan)
    if counts and len(points) > 1:
        rows = np.asarray(counts, dtype="float64") + 1e-9
        borders = points[:-1] + np.diff(points) * rows[:-1] / (rows[:-1] + rows[1:])
        nearest[present] = points[np.searchsorted(borders, values[present])]
    else:
        distances = np.abs(values[present, None] - points[None, :])
        nearest[present] = points[distances.argmin(axis=1)]
    return pd.Series(nearest, index=numbers.index)


def datetime_unit(stamps: pd.Series) -> str | None:
    """The coarsest unit that every timestamp is a whole number of."""
    for unit in ("s", "min", "h", "D"):
        if not (stamps.dt.floor(unit) == stamps).all():
            return {"s": None, "min": "s", "h": "min", "D": "h"}[unit]
    if not (stamps.dt.day == 1).all():
        return "D"
    if not (stamps.dt.month == 1).all():
        return "M"
    return "Y"


def decimals_of(values: np.ndarray) -> int | None:
    """The fewest decimal places that write every value exactly (None above MAX_DECIMALS):
    to within a billionth of the value (of 1 below 1), and a millionth of the value itself,
    so that capacitances of 3e-12 are not written as 0."""
    values = values[np.isfinite(values)]
    scale = np.maximum(np.abs(values), 1.0)
    for places in range(MAX_DECIMALS + 1):
        error = np.abs(np.round(values, places) - values)
        if np.all((error <= 1e-9 * scale) & (error <= 1e-6 * np.abs(values))):
            return places
    return None


def grid_step(values: np.ndarray, decimals: int | None) -> float | None:
    """The step of the grid every value lies on, from the smallest (`min + k·step`), when
    coarser than the values' precision: 5 for years 1952, 1957, ..., 2007. Only from
    GRID_MIN_DISTINCT distinct values: a few values share a divisor by chance (12, 36, 48).
    None from an infinite smallest value: no step reaches a number from -inf."""
    if decimals is None or np.isneginf(values).any():
        return None
    scale = 10.0**decimals
    units = np.unique(np.round(values[np.isfinite(values)] * scale))
    if len(units) < GRID_MIN_DISTINCT or np.abs(units).max() >= 2.0**53:
        return None
    step = int(np.gcd.reduce((units[1:] - units[0]).astype(np.int64)))
    return step / scale if step > 1 else None


def minute_counts(values: np.ndarray) -> tuple[int, ...]:
    """How many of the hhmm ``values`` are at each minute of the hour, 0 to 59."""
    minutes = (values[np.isfinite(values)] % 100).astype(np.int64)
    return tuple(int(c) for c in np.bincount(minutes, minlength=60)[:60])


def on_clock(
    numbers: pd.Series,
    minutes: tuple[int, ...],
    bounds: tuple[float | None, float | None],
    rng: np.random.Generator,
) -> pd.Series:
    """Whole hhmm numbers that are times of day: one with minutes of 60 or more (1088) keeps
    its hour and gets a minute drawn by the real ``minutes`` shares (10:00 often for
    scheduled times, any minute for actual ones), within ``bounds``. Moved to the nearest
    time instead (1088 to 11:00), TabularARGN's off-clock values, 13 % of them, piled up on
    :59 and :00. One past 24:00 (a DP model's coarse range reached 3339) comes round the
    clock within the hours ``bounds`` allow (09:39; wrapped round 24 hours, they fell below
    the earliest time and 14 % of the rows piled up on it)."""
    late = (numbers > 2400).to_numpy()
    off = (numbers % 100 >= 60).to_numpy()
    if not off.any() and not late.any():
        return numbers
    low, high = bounds
    first = int(low // 100) if low is not None and 0 <= low <= 2400 else 0
    hours = min(int(high // 100), 23) - first + 1 if high is not None else 24 - first
    values = numbers.to_numpy(dtype="float64", copy=True)
    past = values[late]
    values[late] = (first + (past // 100 - first) % max(hours, 1)) * 100 + past % 100
    shares = np.asarray(minutes, dtype="float64")
    drawn = rng.choice(60, size=int(off.sum()), p=shares / shares.sum())
    values[off] = values[off] // 100 * 100 + drawn
    return pd.Series(np.clip(values, low, high), index=numbers.index)


# At most this many distinct values beyond nanoseconds are sentinels, not a spread of dates.
MAX_SENTINELS = 10


def sentinels(seconds: pd.Series) -> dict[str, Any]:
    """The `sentinels` and `usual_range` of a datetime column (none for one within
    nanoseconds, or with many values beyond them: a spread of historical dates)."""
    beyond = (seconds < NS_SECONDS[0]) | (seconds > NS_SECONDS[1])
    distinct = seconds[beyond].unique()
    if not 0 < len(distinct) <= MAX_SENTINELS:
        return {}
    usual = seconds[~beyond]
    usual_range = (float(usual.min()), float(usual.max())) if len(usual) else None
    return {"sentinels": tuple(sorted(float(v) for v in distinct)), "usual_range": usual_range}


def sum_decimals(profile: Any) -> dict[str, int]:
    """The decimals a total set as the plain sum of its parts is written with (a
    `TableProfile`'s `totals`): the most of its own and its parts', for the float sum's
    noise to go (`0.43000000000000005` is `0.43`) and the sum to stay exact. Totals with
    weights or a function round themselves; a column of unknown decimals is left as is."""
    written = {}
    for total in profile.totals:
        columns = [profile.column(name) for name in (total.column, *total.parts)]
        places = [c.decimals if c is not None else None for c in columns]
        if total.weights is None and total.function is None and None not in places:
            written[total.column] = max(p for p in places if p is not None)
    return written
