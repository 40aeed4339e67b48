"""The range a number or date column keeps within each value of a category column: in adult,
no doctorate is under 24 and no one from a professional school under 25, though the table's
ages start at 17; in a runner's log, `After2004` is 1 on every run from 2005 on and 0 on
every run before (a flag that is a threshold on a date). Dates are compared as seconds
since 1970. Engines learn age and education apart from each other or loosely
(gaussian_copula wrote 21-year-old doctorates), and a user sees one at once. Training
stores these ranges (`services/training/engines/profile.py`) and generation gives a row
whose number lies outside its category's range another number (`conform`).

The rule. For a category column C and a number column X, a value c of C held by ``n`` rows
(at least ``MIN_ROWS``) with X from ``low`` to ``high`` bounds X from below when the rows'
``low`` is no accident: were those ``n`` values drawn from the whole column, the chance
that none is below ``low`` is ``(1 - share below low) ** n``, and that must be at most
``FALSE_ALARM`` divided by the bounds tried (every such value of every pair, both sides),
1 in 1,000 for the whole table. Alike from above. Adult's doctorates: 413 rows, 10 % of
all ages below 24, a chance of 1e-19. A small group (adult's one Dutch person) bounds
nothing, nor does a value whose rows spread over the column's range.

Mending. A number outside the bounds of its row's values (of every category column bounding
that number) is swapped with another row's number where both rows then lie within their
bounds (a 6 kg Adelie penguin's mass with a 4 kg Gentoo's): the column keeps exactly the
engine's values, only moved to rows where they fit. A row no swap mends takes the number of
a row within its own bounds, drawn among those within the row's; a row whose bounds leave
no such number (or contradict each other) keeps its own; a number column a condition fixes
to one value is never changed (one conditioned on a range is: its rows are checked after).

Bounded: the first ``MAX_CATEGORY_COLUMNS`` category columns with at most ``MAX_VALUES``
values against the first ``MAX_NUMBER_COLUMNS`` number columns, one `groupby` per category
column and batch; the share below a bound is read from the first ``SAMPLE_ROWS`` values of
the number column. Columns set from others are left out (they are set after mending).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.combinations import coded
from common.timestamps import epoch_seconds

MIN_ROWS = 20
MAX_VALUES = 1_000
MAX_CATEGORY_COLUMNS = 30
MAX_NUMBER_COLUMNS = 30
SAMPLE_ROWS = 100_000
FALSE_ALARM = 0.001
# Rows are swapped between kinds of bounds while a number has at most this many kinds.
MAX_KINDS = 200


@dataclass(frozen=True)
class CategoryRange:
    """Number column ``number`` bounded within the values of category column ``category``:
    ``values[i]``'s rows lie from ``lows[i]`` to ``highs[i]`` (None: not bounded)."""

    category: str
    number: str
    values: tuple[Any, ...]
    lows: tuple[float | None, ...]
    highs: tuple[float | None, ...]
    dated: bool = False  # a date column: its bounds in seconds since 1970

    @property
    def columns(self) -> tuple[str, str]:
        return (self.category, self.number)

    @property
    def description(self) -> str:
        return f"{self.number} by {self.category}"

    def named(self) -> list[str]:
        """The bounds as a user reads them ("Doctorate: from 24")."""
        return [
            f"{value}: {_range(low, high, self.dated)}"
            for value, low, high in zip(self.values, self.lows, self.highs, strict=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "number": self.number,
            "values": list(self.values),
            "lows": list(self.lows),
            "highs": list(self.highs),
        } | ({"dated": True} if self.dated else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryRange:
        return cls(
            category=data["category"],
            number=data["number"],
            values=tuple(data["values"]),
            lows=tuple(data["lows"]),
            highs=tuple(data["highs"]),
            dated=bool(data.get("dated", False)),
        )

    def limits(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each row's bounds on the number by its value of the category (±inf: none)."""
        codes = coded(rows[self.category], self.values)
        lows = np.array([-np.inf if x is None else x for x in self.lows] + [-np.inf])
        highs = np.array([np.inf if x is None else x for x in self.highs] + [np.inf])
        return lows[codes], highs[codes]  # -1 (missing, unknown): the last, no bound

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row's number lies outside its category's range."""
        low, high = self.limits(rows)
        numbers = as_numbers(rows[self.number])
        return (numbers < low) | (numbers > high)


def as_numbers(values: pd.Series) -> np.ndarray:
    """A number column's values, or a date column's in seconds since 1970 (NaN: none)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return epoch_seconds(values).to_numpy(dtype=float)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def mend_ranges(
    rows: pd.DataFrame,
    ranges: Sequence[CategoryRange],
    rng: np.random.Generator,
    frozen: Collection[str] = (),
) -> int:
    """Mend, in place, the rows whose number lies outside a range (see the module's
    mending); returns the numbers changed."""
    by_number: dict[str, list[CategoryRange]] = defaultdict(list)
    for bound in ranges:
        if set(bound.columns) <= set(rows.columns) and bound.number not in frozen:
            by_number[bound.number].append(bound)
    changed = 0
    for number, bounds in by_number.items():
        low, high = np.full(len(rows), -np.inf), np.full(len(rows), np.inf)
        for bound in bounds:
            lows, highs = bound.limits(rows)
            low, high = np.maximum(low, lows), np.minimum(high, highs)
        values = as_numbers(rows[number])
        broken = (values < low) | (values > high)
        if not broken.any():
            continue
        mended = values.copy()
        left = _swap(mended, low, high, broken, rng)
        _take(mended, low, high, left, rng)
        where = np.flatnonzero((mended != values) & ~np.isnan(values))  # missing stays
        column = rows[number].copy()
        if pd.api.types.is_datetime64_any_dtype(column):  # each mended date is another row's
            order = np.argsort(values, kind="stable")
            taken = order[np.searchsorted(values[order], mended[where])]
            column.iloc[where] = column.iloc[taken].to_numpy()
        else:
            column.iloc[where] = mended[where].astype(column.dtype, copy=False)
        rows[number] = column
        changed += len(where)
    return changed


def _swap(
    values: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    broken: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Swap, in place, the number of each broken row with another row's where both rows then
    lie within their bounds (a broken partner first: both are mended), kind by kind of
    bounds; the column keeps exactly its values. Returns the rows still broken."""
    keys, kinds = np.unique(np.column_stack([low, high]), axis=0, return_inverse=True)
    kinds = kinds.reshape(-1)
    if len(keys) > MAX_KINDS:
        return broken
    known = ~np.isnan(values)
    order = rng.permutation(len(values))
    order = order[np.argsort(~broken[order], kind="stable")]  # broken rows first
    members = [order[kinds[order] == kind] for kind in range(len(keys))]
    used = np.zeros(len(values), dtype=bool)
    for mine in rng.permutation(len(keys)):
        if not broken[members[mine]].any():
            continue
        for theirs in rng.permutation(len(keys)):
            if mine == theirs:  # a row outside its bounds fits no row of the same bounds
                continue
            rows = members[mine]
            x = values[rows]
            rows = rows[
                broken[rows] & ~used[rows] & (x >= keys[theirs, 0]) & (x <= keys[theirs, 1])
            ]
            if not len(rows):
                continue
            partners = members[theirs]
            y = values[partners]
            fits = known[partners] & ~used[partners] & (y >= keys[mine, 0]) & (y <= keys[mine, 1])
            partners = partners[fits]
            k = min(len(rows), len(partners))
            rows, partners = rows[:k], partners[:k]
            values[rows], values[partners] = values[partners], values[rows]
            used[rows] = used[partners] = True
    return broken & ~used


def _take(
    values: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    left: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Give each row in ``left`` (still broken) the number of a row within its own bounds,
    drawn among those within the row's; a row no number fits keeps its own."""
    fitting = ~left & ~np.isnan(values) & (values >= low) & (values <= high)
    fits = np.sort(values[fitting])
    first = np.searchsorted(fits, low[left], side="left")
    last = np.searchsorted(fits, high[left], side="right")
    mendable = last > first
    picks = first[mendable] + (rng.random(int(mendable.sum())) * (last - first)[mendable])
    values[np.flatnonzero(left)[mendable]] = fits[picks.astype(np.int64)]


class CategoryRangeFinder:
    """Finds the ranges in a table read whole or in batches (`add` each, then `found`)."""

    def __init__(self, categories: Sequence[str], numbers: Sequence[str]) -> None:
        self._categories = list(categories)
        self._numbers = list(numbers)
        self._started = False
        # (category, number) -> per value: rows, min, max.
        self._stats: dict[str, pd.DataFrame] = {}
        self._samples: dict[str, list[np.ndarray]] = {}
        self._sampled: dict[str, int] = {}
        self._dated: set[str] = set()

    def add(self, frame: pd.DataFrame) -> None:
        if not self._started:
            self._started = True
            self._categories = [
                c for c in self._categories if c in frame and frame[c].nunique() <= MAX_VALUES
            ][:MAX_CATEGORY_COLUMNS]
            self._numbers = [c for c in self._numbers if c in frame][:MAX_NUMBER_COLUMNS]
            self._dated = {
                c for c in self._numbers if pd.api.types.is_datetime64_any_dtype(frame[c])
            }
        if not self._numbers:
            return
        numbers = pd.DataFrame(
            {name: as_numbers(frame[name]) for name in self._numbers}, index=frame.index
        )
        for name in self._numbers:
            if self._sampled.get(name, 0) < SAMPLE_ROWS:
                kept = numbers[name].dropna().to_numpy()[: SAMPLE_ROWS - self._sampled.get(name, 0)]
                self._samples.setdefault(name, []).append(kept)
                self._sampled[name] = self._sampled.get(name, 0) + len(kept)
        for category in list(self._categories):
            grouped = numbers.groupby(frame[category], dropna=True, sort=False, observed=True)
            stats = grouped.agg(["count", "min", "max"])
            if category in self._stats:
                stats = _merged(self._stats[category], stats)
            if len(stats) > MAX_VALUES:
                self._categories.remove(category)
                self._stats.pop(category, None)
            else:
                self._stats[category] = stats

    def found(self, derived: Collection[str] = ()) -> list[CategoryRange]:
        """The ranges no accident explains (see the module's rule); columns in ``derived``
        (set from others) are left out."""
        samples = {name: np.sort(np.concatenate(parts)) for name, parts in self._samples.items()}
        pairs = [
            (category, number)
            for category in self._categories
            if category not in derived and category in self._stats
            for number in self._numbers
            if number not in derived and number != category and len(samples.get(number, ()))
        ]
        tests = sum(int((self._stats[c][(n, "count")] >= MIN_ROWS).sum()) * 2 for c, n in pairs)
        if not tests:
            return []
        limit = math.log(FALSE_ALARM / tests)
        found = []
        for category, number in pairs:
            stats = self._stats[category][number]
            stats = stats[stats["count"] >= MIN_ROWS]
            sample = samples[number]
            below = np.searchsorted(sample, stats["min"].to_numpy(), side="left") / len(sample)
            above = 1 - np.searchsorted(sample, stats["max"].to_numpy(), side="right") / len(sample)
            rows = stats["count"].to_numpy(dtype=float)
            lows = _significant(below, rows, limit)
            highs = _significant(above, rows, limit)
            keep = lows | highs
            if keep.any():
                found.append(
                    CategoryRange(
                        category=category,
                        number=number,
                        values=tuple(_plain(v) for v in stats.index[keep]),
                        lows=tuple(
                            float(v) if ok else None
                            for v, ok in zip(stats["min"][keep], lows[keep], strict=True)
                        ),
                        highs=tuple(
                            float(v) if ok else None
                            for v, ok in zip(stats["max"][keep], highs[keep], strict=True)
                        ),
                        dated=number in self._dated,
                    )
                )
        return found


def find_category_ranges(
    frame: pd.DataFrame,
    categories: Sequence[str],
    numbers: Sequence[str],
    derived: Collection[str] = (),
) -> list[CategoryRange]:
    """The ranges of a whole table (see the module's rule)."""
    finder = CategoryRangeFinder(categories, numbers)
    finder.add(frame)
    return finder.found(derived)


def _significant(outside: np.ndarray, rows: np.ndarray, limit: float) -> np.ndarray:
    """True where ``rows`` values of the whole column would all miss a share ``outside`` of
    it with a chance below e**limit."""
    with np.errstate(divide="ignore"):
        return (outside > 0) & (rows * np.log1p(-np.minimum(outside, 1.0)) <= limit)


def _merged(before: pd.DataFrame, batch: pd.DataFrame) -> pd.DataFrame:
    """Two batches' rows, minimum and maximum per value of every number column, as one."""
    grouped = pd.concat([before, batch]).groupby(level=0, sort=False)
    out, total, high = grouped.min(), grouped.sum(), grouped.max()
    counts = [c for c in out.columns if c[1] == "count"]
    highs = [c for c in out.columns if c[1] == "max"]
    out[counts], out[highs] = total[counts], high[highs]
    return out


def _range(low: float | None, high: float | None, dated: bool = False) -> str:
    """ "from 24", "up to 14344", "89 to 137" or "from 2005-01-02"."""
    if high is None:
        return f"from {_written(low, dated)}"
    if low is None:
        return f"up to {_written(high, dated)}"
    return f"{_written(low, dated)} to {_written(high, dated)}"


def _written(value: Any, dated: bool = False) -> str:
    if dated:
        stamp = pd.Timestamp(int(value * 1e6), unit="us")
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M:%S")
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
