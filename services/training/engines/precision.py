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


def on_clock(numbers: pd.Series, step: float | None, maximum: float | None) -> pd.Series:
    """Whole hhmm numbers moved to the nearest time of day: 1088 (minute 88 of 10) is 11:00,
    1062 is 10:59 (the last minute on the column's grid of ``step`` minutes); never past
    ``maximum``."""
    hours, minutes = numbers // 100, numbers % 100
    last = 59 - 59 % int(step) if step and step == int(step) and step < 60 else 59
    up = (hours + 1) * 100
    late = (minutes >= 80) & (maximum is None or up <= maximum)
    moved = numbers.where(minutes < 60, hours * 100 + last)
    return moved.where(~((minutes >= 60) & late), up)


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
