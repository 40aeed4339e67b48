"""Keys of two columns: a name or code and a year or date that no two real rows share
(openintro's hfi scores each country once a year: `countries` and `year` are unique together,
though each repeats alone). A synthetic table naming a country twice in one year is one a
user spots at once; the engines learn the columns apart and wrote 89-100 such rows in 500.

The rule. A pair (``name``, ``time``) is a key when every real row with both values holds a
pair no other row holds, over at least ``MIN_ROWS`` rows, the name repeats and each time is
shared by two rows or more on average (years, not the seconds of a timestamp).
``name`` is a text column of a category or id (at least ``MIN_NAMES`` values); ``time`` a
datetime column, or one named like a year or a date (`year`, `date`, `month`, `period`,
`season`). Bounded: the first ``MAX_NAMES`` such names and ``MAX_TIMES`` times, on the first
``SAMPLE_ROWS`` rows (a hash per row and pair).

Mending (`distinct_keys`), within the rows generated together: a row repeating an earlier
row's key takes, for its time, a real time value its name has in no other row yet, drawn by
the real values' counts; a name whose times are all taken keeps the repeat. A table asked
for more rows than the real keys (a name's times) can have repeats, and the report counts
them (`unique_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_ROWS = 20
MIN_NAMES = 10
MAX_NAMES = 10
MAX_TIMES = 5
SAMPLE_ROWS = 1_000_000
_TIME_NAME = re.compile(r"(^|[^a-z])(year|date|month|period|season)", re.IGNORECASE)


@dataclass(frozen=True)
class UniqueKey:
    """No two rows share a (``name``, ``time``) pair."""

    name: str
    time: str

    @property
    def columns(self) -> tuple[str, str]:
        return (self.name, self.time)

    @property
    def description(self) -> str:
        return f"one row per {self.name} and {self.time}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "time": self.time}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UniqueKey:
        return cls(name=data["name"], time=data["time"])

    def repeated(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row repeats the key of an earlier row (both values present)."""
        both = rows[list(self.columns)].notna().all(axis=1)
        return (rows.duplicated(list(self.columns)) & both).to_numpy(dtype=bool)


class UniqueKeyFinder:
    """Finds the keys of a table read whole or in batches (`add` each, then `found`), on its
    first ``SAMPLE_ROWS`` rows: ``names`` and ``times`` are the candidate columns."""

    def __init__(self, names: Sequence[str], times: Sequence[str]) -> None:
        self._names, self._times = list(names), list(times)
        self._pairs: list[tuple[str, str]] | None = None
        self._hashes: dict[tuple[str, ...], list[np.ndarray]] = {}
        self._rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        if self._pairs is None:
            names = [n for n in self._names if n in frame and _is_text(frame[n])][:MAX_NAMES]
            times = [t for t in self._times if t in frame and t not in names][:MAX_TIMES]
            self._pairs = [(n, t) for n in names for t in times]
        if not self._pairs or self._rows >= SAMPLE_ROWS:
            return
        frame = frame.iloc[: SAMPLE_ROWS - self._rows]
        self._rows += len(frame)
        for name, time in self._pairs:
            both = frame[[name, time]].dropna()
            for columns in ((name, time), (name,), (time,)):
                hashed = pd.util.hash_pandas_object(both[list(columns)], index=False)
                self._hashes.setdefault((name, time, *columns), []).append(hashed.to_numpy())

    def found(self) -> list[UniqueKey]:
        keys = []
        for name, time in self._pairs or []:
            pair, names, times = (
                np.concatenate(self._hashes[(name, time, *c)])
                for c in ((name, time), (name,), (time,))
            )
            distinct = [len(np.unique(h)) for h in (pair, names, times)]
            repeats = distinct[1] < len(names) and distinct[1] >= MIN_NAMES
            shared = distinct[2] <= len(times) / 2  # times several names have (years)
            if len(pair) >= MIN_ROWS and distinct[0] == len(pair) and repeats and shared:
                keys.append(UniqueKey(name, time))
        return keys


def find_unique_keys(
    frame: pd.DataFrame, specs: Mapping[str, Mapping[str, Any]]
) -> list[UniqueKey]:
    """The keys of ``frame`` (see the module's rule; ``specs``: the metadata's columns)."""
    names = [n for n, s in specs.items() if s.get("sdtype") == "categorical" and not s.get("pii")]
    finder = UniqueKeyFinder(names, time_columns({n: s.get("sdtype") for n, s in specs.items()}))
    finder.add(frame)
    return finder.found()


def time_columns(sdtypes: Mapping[str, Any]) -> list[str]:
    """The columns that may be a key's time: datetimes, and any named like a year or date."""
    return [n for n, kind in sdtypes.items() if kind == "datetime" or _TIME_NAME.search(n)]


def distinct_keys(
    rows: pd.DataFrame,
    keys: Sequence[UniqueKey],
    times: Mapping[str, tuple[tuple[Any, ...], tuple[int, ...]]],
    rng: np.random.Generator,
) -> int:
    """Mend, in place, the rows repeating a key (see the module's mending); ``times``: each
    time column's real values and their counts. Returns the rows changed."""
    changed = 0
    for key in keys:
        if not set(key.columns) <= set(rows.columns) or key.time not in times:
            continue
        values, counts = times[key.time]
        repeated = key.repeated(rows)
        if not repeated.any() or not values:
            continue
        weights = np.asarray(counts, dtype=float)
        if len(weights) != len(values):
            weights = np.ones(len(values))
        held = rows.loc[~repeated, list(key.columns)].dropna()
        taken = held.groupby(key.name, sort=False)[key.time].agg(set).to_dict()
        column = rows[key.time].copy()
        for index in np.flatnonzero(repeated):
            name = rows[key.name].iloc[index]
            used = taken.setdefault(name, set())
            free = np.array([v not in used for v in values])
            if not free.any():
                continue
            pick = values[rng.choice(np.flatnonzero(free), p=weights[free] / weights[free].sum())]
            column.iloc[index] = pick
            used.add(pick)
            changed += 1
        rows[key.time] = column
    return changed


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
