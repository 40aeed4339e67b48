"""Columns that one column determines in all but a few of its values: ggplot2's `mpg` sells
each of 36 of its 38 models in one class (a camry solara is always a compact), but the
altima and the impreza awd changed class between 1999 and 2008. The one-column rule
(`common.contracts.dependencies`) wants every value to agree, so it kept nothing, and
synthetic camry solaras came back as pickups. Found here, such a column is kept for the
values that agree (a `Dependency` holding those values only: the others, unknown to it, are
left as generated and break nothing), by training and the report alike.

The rule. Column B is *determined but for a few values* by column A when B is not determined
by A outright (that is the one-column rule's), A's values repeat as that rule wants, and:

- the values of A whose rows disagree on B hold at most ``MAX_FREE_SHARE`` (10 %) of the
  rows and are at most that share of A's values (mpg: 2 models of 38, 14 rows of 234);
- it is no accident: were B drawn for every row on its own, as often as it is in the table,
  the ``n`` rows of an agreeing value would all agree with a chance of at most
  ``max_b p(b) ** (n - 1)``; the product over the agreeing values must be at most
  ``FALSE_ALARM`` divided by the number of (A, B) candidates followed.

Bounds: A is one of the first ``MAX_SOURCE_COLUMNS`` category columns and has at most
``MAX_SOURCE_VALUES`` values (the mapping is stored with the model); candidates are those
whose rows agree on B for at least 90 % of the pairs of rows sharing a value of A in a
batch's first rows, at most ``MAX_FOLLOWED`` of them (in column order) are followed through
every row, and a candidate whose (A, B) combinations pass ``MAX_COMBINATIONS`` leaves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from common.contracts.dependencies import (
    MIN_REPEATED_SHARE,
    MIN_REPEATING_VALUES,
    Dependency,
    _codes,
    _neighbours,
    _plain,
)

MAX_SOURCE_VALUES = 1_000
MAX_SOURCE_COLUMNS = 100
MAX_COMBINATIONS = 20_000
MAX_FOLLOWED = 200
MAX_FREE_SHARE = 0.1
FALSE_ALARM = 0.001
# In the probed rows, at least this share of the pairs of rows alike in A agree on B.
_MIN_AGREEING = 0.9
_PROBE_ROWS = 2_000
_ROWS = "\0rows"


class NearDependencyFinder:
    """Finds them in a table read whole or in batches (`add` each, then `dependencies`);
    ``sources`` and ``targets`` as for `common.contracts.dependencies.DependencyFinder`."""

    def __init__(self, sources: Sequence[str], targets: Sequence[str]) -> None:
        self._sources = list(sources)
        self._targets = list(targets)
        self._candidates: list[tuple[str, str]] | None = None
        self._counts: dict[tuple[str, str], pd.DataFrame] = {}

    def add(self, frame: pd.DataFrame) -> None:
        if self._candidates is None:
            self._candidates = _probe(frame.head(_PROBE_ROWS), self._sources, self._targets)
        for pair in list(self._candidates):
            source, target = pair
            counts = frame.groupby([source, target], dropna=False, sort=False, observed=True)
            counts = counts.size().rename(_ROWS).reset_index()
            if pair in self._counts:
                counts = pd.concat([self._counts[pair], counts], ignore_index=True)
                grouped = counts.groupby([source, target], dropna=False, sort=False)
                counts = grouped[_ROWS].sum().reset_index()
            if len(counts) > MAX_COMBINATIONS:
                self._candidates.remove(pair)
                self._counts.pop(pair, None)
            else:
                self._counts[pair] = counts

    def dependencies(self, exact: Sequence[Dependency] = ()) -> list[Dependency]:
        """The columns found, each as a `Dependency` of its agreeing values, but none that
        ``exact`` (the one-column rule's) sets or reads, nor a source it sets (no chains)."""
        taken = {c for d in exact for c in (d.source, *d.columns)}
        derived = {c for d in exact for c in d.columns}
        limit = math.log(FALSE_ALARM / max(len(self._counts), 1))
        found: list[Dependency] = []
        for (source, target), counts in self._counts.items():
            if target in taken or source in derived or target in {d.source for d in found}:
                continue
            if source in {c for d in found for c in d.columns}:
                continue
            rows = _agreeing(counts, source, target, limit)
            if rows:
                found.append(Dependency(source, (target,), rows, partial=True))
        return found


def _agreeing(
    counts: pd.DataFrame, source: str, target: str, limit: float
) -> tuple[tuple, ...] | None:
    """The (source value, target value) rows of the values whose rows agree, when the rule
    holds (see the module), else None."""
    per_value = counts.groupby(source, dropna=False, sort=False)[_ROWS].agg(["size", "sum"])
    total = int(per_value["sum"].sum())
    if len(per_value) > MAX_SOURCE_VALUES or total == 0:
        return None
    repeated = per_value["sum"][per_value["sum"] >= 2]
    if len(repeated) < MIN_REPEATING_VALUES or repeated.sum() < MIN_REPEATED_SHARE * total:
        return None
    free = per_value["size"] > 1
    if not free.any() or free.all():
        return None  # the one-column rule's, or nothing
    if per_value["sum"][free].sum() > MAX_FREE_SHARE * total:
        return None
    if free.sum() > MAX_FREE_SHARE * len(per_value):
        return None
    shares = counts.groupby(target, dropna=False, sort=False)[_ROWS].sum() / total
    if shares.size < 2:
        return None
    agreeing = per_value["sum"][~free].to_numpy(dtype=float)
    if float(((agreeing - 1) * math.log(shares.max())).sum()) > limit:
        return None
    pure = counts[counts[source].isin(per_value.index[~free])]
    return tuple((_plain(a), _plain(b)) for a, b in pure[[source, target]].itertuples(index=False))


def _probe(rows: pd.DataFrame, sources: Sequence[str], targets: Sequence[str]) -> list:
    """The (source, target) pairs whose rows alike in the source agree on the target for at
    least `_MIN_AGREEING` of the pairs of rows (all columns of a source at once), of the first
    MAX_SOURCE_COLUMNS sources, at most MAX_FOLLOWED pairs in all."""
    if rows.empty or not targets:
        return []
    matrix = np.column_stack([_codes(rows[name]) for name in targets])
    found: list[tuple[str, str]] = []
    for source in sources[:MAX_SOURCE_COLUMNS]:
        keys = _codes(rows[source])
        if keys.max(initial=-1) >= MAX_SOURCE_VALUES:
            continue
        later, earlier = _neighbours(keys)
        if not len(later):
            continue
        agree = (matrix[later] == matrix[earlier]).mean(axis=0)
        found += [
            (source, t)
            for t, a in zip(targets, agree, strict=True)
            if a >= _MIN_AGREEING and t != source
        ]
        if len(found) >= MAX_FOLLOWED:
            return found[:MAX_FOLLOWED]
    return found
