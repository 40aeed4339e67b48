"""Columns missing wherever a category column has one value: Stat2Data's Marathon log
records no `ShoeBrand` for any of its 752 runs before 2005 (`After2004` = 0), and records one
for all but 4 of the 375 after. Engines learn the brand's missing values on their own:
gaussian_copula, tabular_argn and ctgan all wrote a brand beside `After2004` = 0 in one row
of seven.

The rule. For a learned category column C (at most ``MAX_VALUES`` values) and a column X with
at least ``MIN_MISSING`` missing and present values, a value c of C held by ``n`` rows (at
least ``MIN_ROWS``) in none of which X is present makes X missing where C is c, when that is
no accident: were X missing at random, with its share ``m`` of missing values, the chance
that all ``n`` rows miss it is ``m ** n``, which must be at most ``FALSE_ALARM`` divided by
the (C, c, X) tried. The columns missing in the same rows as X (`missing_together`) go with
it, as one rule.

Generation (`MissingTogether.mend` with ``when``) moves the values of the rows that have c and
the columns to rows without c that miss them all (the engine's values stay, in rows where
they may be), and leaves the rest of the rows with c missing them; never to a row another such
rule keeps missing one of the columns (hfi misses a daughter's inheritance in 2008-2010 and
beside some operating scores: 86 of 300 rows broke one rule moving values into another's rows).
After the other mendings, a value one of them moved into such a row is dropped (`blank_when`).

Bounded: the first ``MAX_CATEGORY_COLUMNS`` category columns, one `groupby` each per batch.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np
import pandas as pd

from common.contracts.missing_together import MIN_MISSING, MissingTogether

MIN_ROWS = 20
MAX_VALUES = 100
MAX_CATEGORY_COLUMNS = 30
MAX_COLUMNS = 1000
FALSE_ALARM = 0.001


class MissingWhenFinder:
    """Rows of each category value and where each column is present in them, batch by batch
    (`add`, then `found`)."""

    def __init__(self, categories: Iterable[str], columns: Iterable[str]) -> None:
        self._categories = list(categories)[:MAX_CATEGORY_COLUMNS]
        self._columns = list(columns)[:MAX_COLUMNS]
        # Per category column: rows of each value, and of them those missing each column
        # (only columns with a missing value: the others miss none anywhere).
        self._rows: dict[str, pd.Series] = {}
        self._absent: dict[str, pd.DataFrame] = {}
        self._missing = dict.fromkeys(self._columns, 0)
        self._total = 0
        # Per category column: its values, and per other category column the pairs of value
        # indices (missing: -1) rows hold, to tell a rule implied by others (`_implied`).
        self._values: dict[str, dict[object, int]] = {}
        self._pairs: dict[tuple[str, str], set[tuple[int, int]]] = {}

    def add(self, frame: pd.DataFrame) -> None:
        columns = [c for c in self._columns if c in frame.columns]
        missing = frame[columns].isna()
        counts = missing.sum()
        for column in columns:
            self._missing[column] += int(counts[column])
        self._total += len(frame)
        gaps = missing.loc[:, (counts > 0).to_numpy()]
        for category in [c for c in self._categories if c in frame.columns]:
            rows = frame[category].value_counts(dropna=True)
            absent = gaps.groupby(frame[category], dropna=True, observed=True).sum()
            if category in self._rows:
                rows = self._rows[category].add(rows, fill_value=0)
                absent = self._absent[category].add(absent, fill_value=0)
            if len(rows) > MAX_VALUES:  # a column this varied is no category of a few values
                self._categories.remove(category)
                self._rows.pop(category, None)
                self._absent.pop(category, None)
                continue
            self._rows[category], self._absent[category] = rows, absent
        self._pair(frame)

    def _pair(self, frame: pd.DataFrame) -> None:
        codes = {}
        for category in [c for c in self._categories if c in frame.columns]:
            known = self._values.setdefault(category, {})
            for value in frame[category].dropna().unique():
                known.setdefault(value, len(known))
            codes[category] = frame[category].map(known).fillna(-1).to_numpy(dtype="int64")
        names, size = list(codes), MAX_VALUES + 2  # a value index, or -1 for missing
        for k, first in enumerate(names):
            for second in names[k + 1 :]:
                if max(codes[first].max(initial=0), codes[second].max(initial=0)) >= size - 1:
                    continue  # a column too varied: `add` drops it
                joined = np.flatnonzero(np.bincount((codes[first] + 1) * size + codes[second] + 1))
                ab = self._pairs.setdefault((first, second), set())
                ba = self._pairs.setdefault((second, first), set())
                for j in joined:
                    a, b = divmod(int(j), size)
                    ab.add((a - 1, b))
                    ba.add((b - 1, a))

    def found(
        self, excluded: Collection[str] = (), groups: Sequence[MissingTogether] = ()
    ) -> tuple[MissingTogether, ...]:
        """The rules, less the columns in ``excluded`` (columns other rules set)."""
        counted = [
            c
            for c in self._columns
            if c not in excluded
            and min(self._missing[c], self._total - self._missing[c]) >= MIN_MISSING
        ]
        tries = max(1, sum(len(r) for r in self._rows.values()) * len(counted))
        found: dict[tuple[str, object, tuple[str, ...]], MissingTogether] = {}
        for category, rows in self._rows.items():
            if category in excluded:
                continue
            absent = self._absent[category]
            for column in counted:
                if column == category or column not in absent.columns:
                    continue
                share = self._missing[column] / self._total
                misses = absent[column]
                for value, n in rows.items():
                    if n < MIN_ROWS or misses.get(value, 0) != n or share**n > FALSE_ALARM / tries:
                        continue
                    group = _group_of(column, groups, category)
                    when = (category, _plain(value))
                    found.setdefault((category, when[1], group), MissingTogether(group, when))
        return tuple(r for r in found.values() if not self._implied(r, found.values()))

    def _implied(self, rule: MissingTogether, found: Iterable[MissingTogether]) -> bool:
        """Whether the rows of ``rule``'s value are all rows of values of another category
        column with rules of their own for the same columns, more rows in all: hfi scores a
        country's operating rights in thirds (3.33, 6.67) only in 2008-2010, the years that
        miss a daughter's inheritance; a rule "missing where an operating score is 3.33"
        emptied the inheritance of every synthetic row of 2011-2013 with a third (0.56 of
        the rows missed it, against the real 0.37)."""
        category, value = rule.when or ("", None)
        code = self._values.get(category, {}).get(value)
        rows = self._rows[category].get(value, 0)
        for other in {r.when[0] for r in found if r.when and r.when[0] != category}:
            values = {
                self._values[other].get(r.when[1])
                for r in found
                if r.when and r.when[0] == other and r.columns == rule.columns
            }
            paired = {b - 1 for a, b in self._pairs.get((category, other), ()) if a == code}
            covering = sum(self._rows[other].get(v, 0) for v in _named(self._values[other], values))
            if paired and paired <= values and (covering, other) > (rows, category):
                return True
        return False


def _named(values: dict[object, int], codes: Collection[int | None]) -> list[object]:
    return [v for v, code in values.items() if code in codes]


def _group_of(column: str, groups: Sequence[MissingTogether], category: str) -> tuple[str, ...]:
    for group in groups:
        if column in group.columns and category not in group.columns:
            return group.columns
    return (column,)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value a profile stores."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
