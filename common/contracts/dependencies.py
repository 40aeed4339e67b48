"""Columns that another column determines in every real row (country → continent, iso code,
centroid; product_id → product_name; zip → city): training stores the mapping and generation
keeps it (`services/training/engines/profile.py`, `conform.py`), the report counts the
synthetic rows that break it (`services/evaluation/report/dependencies.py`). Both find them
with :class:`DependencyFinder`, so they agree on what a dependency is.

The rule. Column B is *determined* by column A when, over the rows, every value of A (a
missing value counts as a value) goes with exactly one value of B (missing counts too), and
the finding is not an accident:

- A is a categorical column (integer-coded categories included), never an id, PII or
  unique column; B is a categorical or numerical column, never an id or PII;
- or A is a *numbered* column (a number column offered as ``numbered``: ChickWeight's Chick,
  1 to 50, each chick weighed a dozen times) whose values are all whole numbers and that has
  at most one distinct value per ``MIN_ROWS_PER_NUMBER`` rows: an id written as a number
  that repeats, not a measure (adult's age, 73 values in 32,561 rows, repeats as much but
  determines nothing; a measure's values are mostly few rows each);
- A's values repeat: the rows whose A value occurs at least twice are at least half of the
  rows, and at least ``MIN_REPEATING_VALUES`` values of A repeat;
- B is not constant (at least two values, missing counting as one);
- A has at most ``MAX_SOURCE_VALUES`` distinct values (the mapping is stored with a model).

Bounds, for tables of up to 1,000 columns and sources of 10,000 values: all pairs are tried
at once on a batch's first rows, at most ``MAX_PAIRS`` of those that pass are followed through
every row, and a mapping holds at most ``MAX_MAPPING_VALUES`` values and
``MAX_MAPPING_CHARS`` characters of text (a column past them is not derived).

Among columns that determine each other (country ↔ iso_alpha ↔ iso_num), the first in
column order is the *source* and the others are derived from it. A column that another
column determines but does not determine back (city, when zip → city) is never a source:
its dependants are derived from the finer column (zip → state), which determines them too.
So no derived column is the source of another: no chains, no cycles. Each derived column has
one source, the first in column order among those that determine it. A column one column
determines in all but a few of its values is found apart (`common.contracts.near_dependencies`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.rule_checks import value_keys

# A source column with more distinct values than this is not looked at (the mapping of its
# values is stored in the model's profile).
MAX_SOURCE_VALUES = 10_000
# At least this many values of a source repeat, and their rows are at least this share.
MIN_REPEATING_VALUES = 5
MIN_REPEATED_SHARE = 0.5
# A numbered source (a number column) has at least this many rows per distinct value.
MIN_ROWS_PER_NUMBER = 5
# Pairs are first tried on this many rows of a batch: most fail there, cheaply.
_PROBE_ROWS = 2_000
# The rows each source value had, kept beside the source's column: a name no column has
# (services refuse NUL in text), so a source column called "n" is counted like any other.
_ROWS = "\0rows"
# Of a table's (source, column) pairs that pass those rows, at most this many (in column
# order) are followed through all the rows: each costs a pass over them, and a table of 1,000
# copies of one column would otherwise follow a million pairs.
MAX_PAIRS = 2_000
# A mapping is stored with the model and held by every generation: its values (source and
# columns, one per source value) count at most this many, and their text this many
# characters; a column that does not fit (in column order) is left to the engine.
MAX_MAPPING_VALUES = 1_000_000
MAX_MAPPING_CHARS = 16_000_000


@dataclass(frozen=True)
class Dependency:
    """Columns that ``source`` determines, and the value of each for every real value of
    the source: ``rows`` holds ``(source value, value of columns[0], ...)``, missing as None."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # The rows hold only the source values that agree (`common.contracts.near_dependencies`):
    # the source's other real values leave the columns free.
    partial: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {"source": self.source, "columns": list(self.columns), "rows": self.rows}
        return data | ({"partial": True} if self.partial else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Dependency:
        rows = tuple(tuple(row) for row in data["rows"])
        partial = bool(data.get("partial"))
        return cls(data["source"], tuple(data["columns"]), rows, partial)

    @functools.cached_property
    def _positions(self) -> dict[Any, int]:
        keys = value_keys(pd.Series([row[0] for row in self.rows], dtype=object))
        return {key: index for index, key in enumerate(keys)}

    @functools.cached_property
    def _index(self) -> pd.Index:
        return pd.Index([row[0] for row in self.rows], dtype=object)

    @functools.cached_property
    def _values(self) -> dict[str, np.ndarray]:
        values = {}
        for offset, column in enumerate(self.columns, start=1):
            values[column] = np.empty(len(self.rows), dtype=object)
            values[column][:] = [row[offset] for row in self.rows]
        return values

    def _rows_of(self, sources: pd.Series) -> np.ndarray:
        """The mapping's row of each source value (-1: none). Values are looked up as they
        are, and only those not found by their `value_keys` (3.0 for 3): a chunk of 100,000
        rows took 0.24 s key by key."""
        missing = sources.isna().to_numpy()
        found = np.full(len(sources), -1, dtype=np.int64)
        if self._index.is_unique:
            found = self._index.get_indexer(sources.astype(object)).astype(np.int64)
        found[missing] = self._positions.get(None, -1)
        retry = (found < 0) & ~missing
        if retry.any():
            keys = value_keys(sources[retry])
            found[retry] = [self._positions.get(k, -1) for k in keys]
        return found

    def expected(self, sources: pd.Series) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Which rows have a source value of the mapping, and for those rows (in order) the
        value each column goes with."""
        found = self._rows_of(sources)
        known = found >= 0
        return known, {column: mapped[found[known]] for column, mapped in self._values.items()}

    def sources_of(self, column: str, value: Any) -> list[Any]:
        """The keys (`value_keys`) of the source values that ``value`` of ``column`` goes with."""
        offset = self.columns.index(column) + 1
        (wanted,) = value_keys(pd.Series([value], dtype=object))
        found = value_keys(pd.Series([row[offset] for row in self.rows], dtype=object))
        sources = value_keys(pd.Series([row[0] for row in self.rows], dtype=object))
        return [source for source, key in zip(sources, found, strict=True) if key == wanted]

    def broken(self, rows: pd.DataFrame) -> dict[str, np.ndarray]:
        """Per column: True where a row's value is not the one its source value goes with (a
        source value the real rows never had breaks nothing)."""
        known, values = self.expected(rows[self.source])
        masks = {}
        for column, wanted in values.items():
            mask = np.zeros(len(rows), dtype=bool)
            ids: dict[Any, int] = {}
            have = _key_ids(rows[column][known], ids)
            mask[known] = have != _key_ids(pd.Series(wanted, dtype=object), ids)
            masks[column] = mask
        return masks

    def derive(self, rows: pd.DataFrame) -> None:
        """Set each column, in place, to the value its row's source value goes with."""
        known, values = self.expected(rows[self.source])
        if not known.any():
            return
        for column, wanted in values.items():
            if column in rows.columns:
                set_values(rows, column, known, wanted)


def set_values(rows: pd.DataFrame, column: str, at: np.ndarray, wanted: Any) -> None:
    """Set ``column`` of the rows ``at`` (a mask), in place, to ``wanted``: as numbers in a
    float64 column (numbers, as `conform` makes them), else in the column's own dtype."""
    before = rows[column]
    if before.dtype == np.float64:
        numbers = before.to_numpy(copy=True)
        numbers[at] = pd.to_numeric(pd.Series(wanted), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        rows[column] = numbers
        return
    changed = before.to_numpy(dtype=object, copy=True)
    changed[at] = wanted
    write_column(rows, column, changed)


def write_column(rows: pd.DataFrame, column: str, values: np.ndarray) -> None:
    """Write ``values`` as ``column``, in place, in its dtype where they allow it."""
    before = rows[column]
    after = pd.Series(values, index=rows.index)
    try:
        rows[column] = after.astype(before.dtype)
    except (TypeError, ValueError):  # a missing value in an integer column
        rows[column] = after


class DependencyFinder:
    """Finds the dependencies of a table read whole or in batches (`add` each, then
    `dependencies`); ``sources`` and ``targets`` are the columns allowed as A and as B,
    ``numbered`` the number columns allowed as A under the numbered rule (see the module)."""

    def __init__(
        self, sources: Sequence[str], targets: Sequence[str], numbered: Sequence[str] = ()
    ) -> None:
        self._targets = list(targets)
        self._numbered = {n for n in numbered if n not in sources}
        sources = [*sources, *(n for n in numbered if n in self._numbered)]
        # Per source still in the running: one row per distinct value seen so far, with the
        # value of every target it still determines, and how many rows each value had.
        self._pairs: dict[str, pd.DataFrame] = {}
        self._counts: dict[str, pd.DataFrame] = {}
        self._alive = {s: [t for t in targets if t != s] for s in sources}
        self._order: list[str] = []

    def add(self, frame: pd.DataFrame) -> None:
        if not self._order:
            self._order = list(frame.columns)
        survivors = _probe(frame.head(_PROBE_ROWS), self._alive)
        for source in list(self._alive):
            self._add(source, frame, survivors[source])

    def _add(self, source: str, frame: pd.DataFrame, alive: list[str]) -> None:
        if not alive or (source in self._numbered and not _whole(frame[source])):
            self._drop(source)
            return
        counts = frame[[source]].groupby(source, dropna=False, sort=False, observed=True).size()
        counts = counts.rename(_ROWS).reset_index()
        seen = self._counts.get(source)
        if seen is not None:
            counts = pd.concat([seen, counts], ignore_index=True)
            counts = counts.groupby(source, dropna=False, sort=False, observed=True)[_ROWS].sum()
            counts = counts.reset_index()
        if len(counts) > MAX_SOURCE_VALUES:
            self._drop(source)
            return
        later, earlier = _neighbours(_codes(frame[source]))
        alive = [t for t in alive if _constant(_codes(frame[t]), later, earlier)]
        if not alive:
            self._drop(source)
            return
        # Every column left goes with one value per source value: its first row says which.
        pairs = frame.drop_duplicates(subset=[source])[[source, *alive]]
        if source in self._pairs:
            pairs = pd.concat([self._pairs[source], pairs], ignore_index=True).drop_duplicates()
            alive = [t for t in alive if _determines(pairs, source, t)]
            if not alive:
                self._drop(source)
                return
            pairs = pairs[[source, *alive]].drop_duplicates()
        self._alive[source] = alive
        self._pairs[source] = pairs
        self._counts[source] = counts

    def _drop(self, source: str) -> None:
        del self._alive[source]
        self._pairs.pop(source, None)
        self._counts.pop(source, None)

    def dependencies(self) -> list[Dependency]:
        determined = {s: set(self._determined(s)) for s in self._alive}
        determined = {s: found for s, found in determined.items() if found}
        order = self._order or [*determined]
        sources: list[str] = []
        for name in order:
            if name not in determined:
                continue
            finer = [x for x in determined if x != name and name in determined[x]]
            strictly = any(x not in determined[name] for x in finer)
            earlier_equal = any(order.index(x) < order.index(name) for x in finer)
            if not strictly and not earlier_equal:
                sources.append(name)
        derived: dict[str, list[str]] = {s: [] for s in sources}
        for name in order:
            owner = next((s for s in sources if name in determined[s]), None)
            if owner is not None and name not in sources:
                derived[owner].append(name)
        found = (self._dependency(s, derived[s]) for s in sources if derived[s])
        return [dependency for dependency in found if dependency.columns]

    def _determined(self, source: str) -> list[str]:
        counts = self._counts[source][_ROWS]
        repeated = counts[counts >= 2]
        if len(repeated) < MIN_REPEATING_VALUES:
            return []
        if repeated.sum() < MIN_REPEATED_SHARE * counts.sum():
            return []
        if source in self._numbered and len(counts) * MIN_ROWS_PER_NUMBER > counts.sum():
            return []
        pairs = self._pairs[source]
        return [t for t in self._alive[source] if pairs[t].nunique(dropna=False) >= 2]

    def _dependency(self, source: str, columns: list[str]) -> Dependency:
        pairs = self._pairs[source][[source, *columns]].drop_duplicates()
        values, chars = len(pairs), _chars(pairs[source])
        kept = []
        for column in columns:
            more = _chars(pairs[column])
            if values + len(pairs) <= MAX_MAPPING_VALUES and chars + more <= MAX_MAPPING_CHARS:
                values, chars = values + len(pairs), chars + more
                kept.append(column)
        columns, pairs = kept, pairs[[source, *kept]]
        rows = tuple(
            tuple(_plain(v) for v in row) for row in pairs.itertuples(index=False, name=None)
        )
        return Dependency(source=source, columns=tuple(columns), rows=rows)


def find_dependencies(
    frame: pd.DataFrame,
    sources: Iterable[str],
    targets: Iterable[str],
    numbered: Iterable[str] = (),
) -> list[Dependency]:
    """The dependencies of a whole table (see the module's rule)."""
    finder = DependencyFinder(list(sources), list(targets), list(numbered))
    finder.add(frame)
    return finder.dependencies()


def _probe(rows: pd.DataFrame, alive: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Per source, the columns of ``alive[source]`` that it determines in ``rows``, all
    columns at once (a thousand columns' million pairs take a second, not a millisecond
    each), and of those at most MAX_PAIRS in all, in column order."""
    names = list(dict.fromkeys([*alive, *(t for targets in alive.values() for t in targets)]))
    if rows.empty or not names:
        return _first_pairs({source: list(targets) for source, targets in alive.items()})
    codes = np.column_stack([_codes(rows[n]) for n in names])
    position = {name: index for index, name in enumerate(names)}
    survivors, budget = {}, MAX_PAIRS
    for source, targets in alive.items():
        if budget <= 0:
            survivors[source] = []
            continue
        later, earlier = _neighbours(codes[:, position[source]])
        columns = np.array([position[t] for t in targets], dtype=np.intp)
        # Most columns differ within the first few pairs of rows: only the rest meet them all.
        for stop in (64, len(later)):
            if not columns.size:
                break
            now = codes[np.ix_(later[:stop], columns)]
            before = codes[np.ix_(earlier[:stop], columns)]
            columns = columns[(now == before).all(axis=0)]
        survivors[source] = [names[c] for c in columns[:budget]]
        budget -= len(survivors[source])
    return survivors


def _first_pairs(alive: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``alive`` cut to its first MAX_PAIRS (source, column) pairs."""
    kept, budget = {}, MAX_PAIRS
    for source, targets in alive.items():
        kept[source] = targets[: max(budget, 0)]
        budget -= len(kept[source])
    return kept


def _codes(values: pd.Series) -> np.ndarray:
    """Each value as an integer, equal values alike and every missing value as one."""
    return pd.factorize(values, use_na_sentinel=True)[0]


def _neighbours(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows sorted by key, as (row, the row before it) where both have the same key."""
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    return order[1:][same], order[:-1][same]


def _constant(codes: np.ndarray, later: np.ndarray, earlier: np.ndarray) -> bool:
    """Whether a column (as `_codes`) has one value within each source value (`_neighbours`)."""
    return bool((codes[later] == codes[earlier]).all())


def _whole(values: pd.Series) -> bool:
    """Whether every value present is a whole number."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return False
    if pd.api.types.is_integer_dtype(values.dtype):
        return True
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().ne(values.isna()).any():
        return False
    present = numbers.dropna().to_numpy(dtype=np.float64)
    return bool(np.isfinite(present).all() and (present % 1 == 0).all())


def _determines(rows: pd.DataFrame, source: str, target: str) -> bool:
    """Whether every value of ``source`` in ``rows`` goes with one value of ``target``."""
    pairs = rows[[source, target]].drop_duplicates()
    return not pairs[source].duplicated().any()


def _key_ids(values: pd.Series, ids: dict[Any, int]) -> np.ndarray:
    """Each value's `value_keys` key as a number (equal keys alike, numbered in ``ids``),
    each distinct value looked at once: a million rows' keys one by one took seconds."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    keys = [*value_keys(pd.Series(uniques, dtype=object)), None]  # the last: missing (-1)
    return np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int64)[codes]


def _chars(values: pd.Series) -> int:
    """The characters of a column's text values (numbers count nothing)."""
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return 0
    return int(sum(len(v) for v in values.astype(object) if isinstance(v, str)))


def _plain(value: Any) -> Any:
    """A JSON value: numpy scalars as Python ones, missing (NaN, NaT, None) as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
