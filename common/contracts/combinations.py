"""Pairs of category values that never occur together in the real rows although they would
often if the two columns were independent: lunch on a Saturday in plotly's `tips` (lunch is
served on Thursdays and Fridays only), a husband who never married. Training stores them and
generation mends the rows that have one (`services/training/engines/profile.py`,
`conform.py`); the report counts the synthetic rows that have one
(`services/evaluation/report/combinations.py`). Both find them with
:class:`CombinationFinder`, so they agree on what is ruled out.

The rule. For two category columns A and B (each with 2 to ``MAX_VALUES`` real values; never
ids, PII, free text, nor a column another column determines, see
`common.contracts.dependencies`), over the ``n`` rows where both have a value, the
combination (a, b) is *ruled out* when no row has it although independence expects many:

    count(a, b) == 0  and  n · p(a) · p(b) ≥ λ  and  p(a), p(b) ≥ MIN_SHARE

A combination that does occur at a rate ``μ = n · p(a) · p(b)`` misses every one of ``n``
rows with a probability of about ``e^-μ`` (Poisson), so across the ``cells`` combinations
looked at, the chance of flagging any real-but-unseen one is at most ``cells · e^-λ``.
λ is chosen so that this is ``FALSE_ALARM`` (1 in 1,000): ``λ = ln(cells / FALSE_ALARM)``
(11.5 for the 96 combinations of tips' 5 category columns, 14.2 for adult's 1,483).
Almost never is never: a combination held at most ``MAX_RARITY`` (1 %) as often as
independence expects is ruled out alike (adult's one husband who is a woman, of 4,364
expected): such a row is a slip of the data, and an engine writing them by the hundred
(gaussian_copula: 262 in 2,000 rows) shows a user what it never learned. A value that goes with
one value of the other column only, in rows that independence would spread over the others
at least λ times (all 55 Chinstrap penguins on Dream, where 35 would be elsewhere), rules out
its combinations with every other value (Chinstrap on Torgersen: 8 rows if independent, too
few alone); each such value is a test too, so λ counts combinations and values.

Independence is the wrong yardstick where two columns are strongly associated, and most wrong
for rare values, which tend to be specialised groups: in adult, no doctorate and no one from
a professional school cleans or handles goods (an expected 17 and 24 rows), though some
surely do. So both values must be common, each held by at least ``MIN_SHARE`` (5 %) of the
rows, or independence must expect at least ``MIN_EXPECTED_RARE`` (100) rows: specialisation
explains a few dozen rows missing, not hundreds (adult's wives are 4.8 % of its rows, and
none of 514 expected never married). What remains in adult is what cannot be (a husband or
wife who never married or is divorced, a woman husband, a married person "unmarried" in the
household), and in tips, lunch on a Saturday or Sunday (expected 24 and 21 rows).

The work is capped: the first ``MAX_COLUMNS`` category columns with at most ``MAX_VALUES``
values in the first batch are looked at (a column that later shows more values leaves), so
at most 435 pairs of at most 400 combinations each, counted with one `bincount` per pair and
batch.
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

from common.contracts.rule_checks import value_keys

# Columns with more real values than this are not looked at (free text, codes, countries).
MAX_VALUES = 20
# At most this many columns are paired (the first in column order).
MAX_COLUMNS = 30
# Only values held by at least this share of the rows are paired (see the module's rule).
MIN_SHARE = 0.05
# Held at most this share of the rows independence expects: ruled out as if never seen.
MAX_RARITY = 0.01
# A rare value (under MIN_SHARE) is paired where independence expects this many rows.
MIN_EXPECTED_RARE = 100
# The chance of ruling out, in a whole table, a combination that does occur.
FALSE_ALARM = 0.001
# Rounds of mending: a value drawn for one pair can make a ruled-out combination of another.
MEND_ROUNDS = 4


@dataclass(frozen=True)
class ImpossibleCombinations:
    """Two columns, the real values of each (``values[0]`` of ``first``, ``values[1]`` of
    ``second``), the training rows of every combination (``counts[i][j]``: rows with the
    i-th value of ``first`` and the j-th of ``second``) and the combinations ruled out."""

    first: str
    second: str
    values: tuple[tuple[Any, ...], tuple[Any, ...]]
    counts: tuple[tuple[int, ...], ...]
    combinations: tuple[tuple[Any, Any], ...]

    @property
    def columns(self) -> tuple[str, str]:
        return (self.first, self.second)

    @property
    def description(self) -> str:
        return f"{self.first} & {self.second}"

    def named(self) -> list[str]:
        """The ruled-out combinations as a user reads them ("Sat, Lunch")."""
        return [f"{a}, {b}" for a, b in self.combinations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "second": self.second,
            "values": [list(v) for v in self.values],
            "counts": [list(row) for row in self.counts],
            "combinations": [list(c) for c in self.combinations],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImpossibleCombinations:
        first, second = (tuple(v) for v in data["values"])
        return cls(
            first=data["first"],
            second=data["second"],
            values=(first, second),
            counts=tuple(tuple(int(c) for c in row) for row in data["counts"]),
            combinations=tuple((a, b) for a, b in data["combinations"]),
        )

    @functools.cached_property
    def _matrix(self) -> np.ndarray:
        return np.asarray(self.counts, dtype=np.float64).reshape(
            len(self.values[0]), len(self.values[1])
        )

    @functools.cached_property
    def _ruled_out(self) -> np.ndarray:
        """True for each ruled-out (i, j)."""
        first, second = (_positions(v) for v in self.values)
        mask = np.zeros(self._matrix.shape, dtype=bool)
        for a, b in self.combinations:
            ka, kb = value_keys(pd.Series([a, b], dtype=object))
            mask[first[ka], second[kb]] = True
        return mask

    def codes(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The position of each row's values among the real ones (-1: missing or unknown)."""
        return coded(rows[self.first], self.values[0]), coded(rows[self.second], self.values[1])

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has a ruled-out combination."""
        first, second = self.codes(rows)
        known = (first >= 0) & (second >= 0)
        broken = np.zeros(len(rows), dtype=bool)
        broken[known] = self._ruled_out[first[known], second[known]]
        return broken

    def mend(self, rows: pd.DataFrame, rng: np.random.Generator, frozen: Collection[str]) -> int:
        """Mend, in place, each row with a ruled-out combination (a column in ``frozen`` is
        never changed: both frozen, the rows stay). First by swapping one column's values
        with another row's where both rows then hold allowed combinations ((Sat, Lunch) and
        (Thu, Dinner) become (Sat, Dinner) and (Thu, Lunch)): each column keeps exactly the
        values it had, so its shares do not move. A row no swap fixes gets a value of one of
        the two columns drawn from the training rows that have its value of the other.
        Returns the rows mended."""
        if {self.first, self.second} <= set(frozen):
            return 0
        first, second = self.codes(rows)
        broken = self._broken_positions(first, second)
        mended = len(broken)
        if not mended:
            return 0
        for column in (self.second, self.first):
            if column not in frozen and len(broken):
                broken = self._swap(rows, column, first, second, broken, rng)
        self._redraw(rows, first, second, broken, rng, frozen)
        return mended

    def _broken_positions(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        known = (first >= 0) & (second >= 0)
        return np.flatnonzero(known)[self._ruled_out[first[known], second[known]]]

    def _swap(
        self,
        rows: pd.DataFrame,
        column: str,
        first: np.ndarray,
        second: np.ndarray,
        broken: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Swap ``column``'s values between broken rows and unbroken partners where both
        rows come out allowed, kind by kind of row; updates the codes in place and returns
        the rows still broken."""
        on_second = column == self.second
        moving, staying = (second, first) if on_second else (first, second)
        allowed = ~(self._ruled_out if on_second else self._ruled_out.T)  # [staying, moving]
        free = np.ones(len(rows), dtype=bool)
        free[broken] = False
        free &= (first >= 0) & (second >= 0)
        candidates = rng.permutation(np.flatnonzero(free))
        pools = _groups(staying[candidates], moving[candidates], candidates)
        broken = rng.permutation(broken)
        kinds = _groups(staying[broken], moving[broken], broken)
        changed, left = [], []
        # Two broken rows that mend each other first ((A, y) and (B, x) into (A, x), (B, y)).
        names = list(kinds)
        for i, (a, b) in enumerate(names):
            for a2, b2 in names[i + 1 :]:
                mine, theirs = kinds[(a, b)], kinds[(a2, b2)]
                if len(mine) and len(theirs) and allowed[a, b2] and allowed[a2, b]:
                    k = min(len(mine), len(theirs))
                    moving[mine[:k]], moving[theirs[:k]] = b2, b
                    changed += [mine[:k], theirs[:k]]
                    kinds[(a, b)], kinds[(a2, b2)] = mine[k:], theirs[k:]
        for (a, b), group in kinds.items():
            for (a2, b2), pool in pools.items():
                if not len(group):
                    break
                if not (len(pool) and allowed[a, b2] and allowed[a2, b]):
                    continue
                k = min(len(group), len(pool))
                mine, theirs = group[:k], pool[:k]
                moving[mine], moving[theirs] = b2, b
                changed += [mine, theirs]
                group, pools[(a2, b2)] = group[k:], pool[k:]
            left.append(group)
        if changed:
            where = np.concatenate(changed)
            values = self.values[1] if on_second else self.values[0]
            _set(rows, column, where, [values[i] for i in moving[where]])
        return np.concatenate(left) if left else np.empty(0, dtype=np.int64)

    def _redraw(
        self,
        rows: pd.DataFrame,
        first: np.ndarray,
        second: np.ndarray,
        broken: np.ndarray,
        rng: np.random.Generator,
        frozen: Collection[str],
    ) -> None:
        """Give each of ``broken`` a value of one of the two columns drawn from the training
        rows that have its value of the other."""
        if not len(broken):
            return
        change_first = rng.random(len(broken)) < 0.5
        if self.first in frozen:
            change_first[:] = False
        elif self.second in frozen:
            change_first[:] = True
        allowed = np.where(self._ruled_out, 0.0, self._matrix)  # the rare ones never again
        for changing, kept, column, choices, weights in (
            (change_first, second, self.first, self.values[0], allowed.T),
            (~change_first, first, self.second, self.values[1], allowed),
        ):
            where = broken[changing]
            if len(where):
                drawn = _draw(weights, kept[where], rng)
                _set(rows, column, where, [choices[i] for i in drawn])


def mend_rows(
    rows: pd.DataFrame,
    pairs: Sequence[ImpossibleCombinations],
    rng: np.random.Generator,
    frozen: Collection[str] = (),
) -> None:
    """Mend, in place, the rows with a ruled-out combination of any pair, a few rounds over
    the pairs (see :meth:`ImpossibleCombinations.mend`)."""
    present = [p for p in pairs if p.first in rows.columns and p.second in rows.columns]
    for _ in range(MEND_ROUNDS):
        if not sum(pair.mend(rows, rng, frozen) for pair in present):
            return


class CombinationFinder:
    """Finds the impossible combinations of a table read whole or in batches (`add` each,
    then `found`); ``columns`` are the category columns allowed."""

    def __init__(self, columns: Sequence[str]) -> None:
        self._allowed = list(columns)
        self._columns: list[str] | None = None
        self._values: dict[str, dict[Any, int]] = {}
        self._raw: dict[str, list[Any]] = {}
        self._counts: dict[tuple[str, str], np.ndarray] = {}

    def add(self, frame: pd.DataFrame) -> None:
        if self._columns is None:
            fits = [c for c in self._allowed if c in frame and _few(frame[c])]
            self._columns = fits[:MAX_COLUMNS]
            self._values = {c: {} for c in self._columns}
            self._raw = {c: [] for c in self._columns}
        codes = {}
        for column in list(self._values):
            found = self._encode(column, frame[column])
            if found is None:
                self._drop(column)
            else:
                codes[column] = found
        # Codes from 1 (0: missing), so one bincount per pair counts without masking rows.
        width = MAX_VALUES + 1
        for first, second in itertools.combinations(self._values, 2):
            cells = codes[first] * width + codes[second]
            counted = np.bincount(cells, minlength=width**2).reshape(width, width)[1:, 1:]
            pair = (first, second)
            self._counts[pair] = self._counts.get(pair, 0) + counted

    def _encode(self, column: str, values: pd.Series) -> np.ndarray | None:
        """Each value's number from 1 in the order first seen (0: missing); None past
        MAX_VALUES."""
        local, uniques = pd.factorize(values, use_na_sentinel=True)
        known = self._values[column]
        for key, value in zip(value_keys(pd.Series(uniques, dtype=object)), uniques, strict=True):
            if key not in known:
                known[key] = len(known)
                self._raw[column].append(value)
        if len(known) > MAX_VALUES:
            return None
        mapping = np.array(
            [known[k] for k in value_keys(pd.Series(uniques, dtype=object))], dtype=np.int64
        )
        present = local >= 0
        out = np.zeros(len(values), dtype=np.int64)
        out[present] = mapping[local[present]] + 1
        return out

    def _drop(self, column: str) -> None:
        del self._values[column]
        self._counts = {p: c for p, c in self._counts.items() if column not in p}

    def found(self, derived: Collection[str] = ()) -> list[ImpossibleCombinations]:
        """The pairs with a ruled-out combination (see the module's rule); columns in
        ``derived`` (set from another column) are left out."""
        tables = {}
        for (first, second), counts in self._counts.items():
            if first in derived or second in derived:
                continue
            counts = counts[: len(self._values[first]), : len(self._values[second])]
            if counts.shape[0] >= 2 and counts.shape[1] >= 2 and counts.sum():
                tables[(first, second)] = counts
        # Each combination is a test, and so is each value (the one-partner rule).
        tests = sum(c.size + sum(c.shape) for c in tables.values())
        if not tests:
            return []
        threshold = math.log(tests / FALSE_ALARM)
        found = []
        for (first, second), counts in tables.items():
            n = counts.sum()
            first_share, second_share = counts.sum(axis=1) / n, counts.sum(axis=0) / n
            expected = np.outer(first_share, second_share) * n
            common = np.outer(first_share >= MIN_SHARE, second_share >= MIN_SHARE)
            common |= expected >= MIN_EXPECTED_RARE
            alone = _one_partner(counts, threshold) | _one_partner(counts.T, threshold).T
            almost_never = (counts <= MAX_RARITY * expected) & (expected >= threshold)
            ruled_out = ((counts == 0) & alone | almost_never) & common
            if ruled_out.any():
                found.append(self._pair(first, second, counts, ruled_out))
        return found

    def _pair(
        self, first: str, second: str, counts: np.ndarray, ruled_out: np.ndarray
    ) -> ImpossibleCombinations:
        values = (
            tuple(_plain(v) for v in self._raw[first]),
            tuple(_plain(v) for v in self._raw[second]),
        )
        combinations = tuple(
            (values[0][i], values[1][j]) for i, j in zip(*np.nonzero(ruled_out), strict=True)
        )
        return ImpossibleCombinations(
            first=first,
            second=second,
            values=values,
            counts=tuple(tuple(int(c) for c in row) for row in counts),
            combinations=combinations,
        )


def find_impossible_combinations(
    frame: pd.DataFrame, columns: Sequence[str], derived: Collection[str] = ()
) -> list[ImpossibleCombinations]:
    """The impossible combinations of a whole table (see the module's rule)."""
    finder = CombinationFinder(columns)
    finder.add(frame)
    return finder.found(derived)


def _one_partner(counts: np.ndarray, threshold: float) -> np.ndarray:
    """True for each (i, j) where the i-th value goes with one other value only, in rows
    that independence would spread over the others at least ``threshold`` times."""
    n = counts.sum()
    partners = (counts > 0).sum(axis=1)
    rows = counts.sum(axis=1)
    partner_share = counts.sum(axis=0)[counts.argmax(axis=1)] / n
    alone = (partners == 1) & (rows * (1 - partner_share) >= threshold)
    return np.repeat(alone[:, None], counts.shape[1], axis=1)


def _few(values: pd.Series) -> bool:
    return values.nunique(dropna=True) <= MAX_VALUES


def _positions(values: Sequence[Any]) -> dict[Any, int]:
    return {k: i for i, k in enumerate(value_keys(pd.Series(list(values), dtype=object)))}


def coded(values: pd.Series, real: Sequence[Any]) -> np.ndarray:
    """Each value's position among ``real`` (-1: missing or not a real value). Looked up as
    they are, and by their `value_keys` (3.0 for 3) only where that finds nothing."""
    index = pd.Index(list(real), dtype=object)
    missing = values.isna().to_numpy()
    found = np.full(len(values), -1, dtype=np.int64)
    if index.is_unique:  # 1 and True are one key of an Index
        found = index.get_indexer(values.astype(object)).astype(np.int64)
    found[missing] = -1
    retry = (found < 0) & ~missing
    if retry.any():
        positions = _positions(real)
        found[retry] = [positions.get(k, -1) for k in value_keys(values[retry])]
    return found


def _groups(
    kinds_a: np.ndarray, kinds_b: np.ndarray, positions: np.ndarray
) -> dict[tuple[int, int], np.ndarray]:
    """``positions`` grouped by their (a, b) kind, each group in the order given."""
    if not len(positions):
        return {}
    key = kinds_a.astype(np.int64) * (int(kinds_b.max()) + 1) + kinds_b
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    return {(int(kinds_a[g[0]]), int(kinds_b[g[0]])): positions[g] for g in np.split(order, bounds)}


def _draw(weights: np.ndarray, given: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each of ``given`` (a row of ``weights``), a position drawn by that row's weights."""
    drawn = np.empty(len(given), dtype=np.int64)
    for value in np.unique(given):
        rows = given == value
        row = weights[value]
        drawn[rows] = rng.choice(len(row), size=int(rows.sum()), p=row / row.sum())
    return drawn


def _set(rows: pd.DataFrame, column: str, where: np.ndarray, values: list[Any]) -> None:
    """Set ``column`` at positions ``where``, keeping its dtype where the values allow."""
    before = rows[column]
    changed = before.to_numpy(dtype=object, copy=True)
    changed[where] = values
    after = pd.Series(changed, index=rows.index)
    try:
        rows[column] = after.astype(before.dtype)
    except (TypeError, ValueError):
        rows[column] = after


def _plain(value: Any) -> Any:
    """A JSON value: numpy scalars as Python ones."""
    return value.item() if hasattr(value, "item") else value
