"""A text column written, in every real row, as other columns' values joined by one separator:
MASS's `Cars93` writes `Make` as `Manufacturer` + " " + `Model` ("Acura Integra"). Every
value of all three is unique or nearly so, so no column determines another
(`common.contracts.dependencies` needs repeating values) and the engines drew them apart
("Acura" beside "Buick LeSabre"). Training stores the recipe, generation writes the column
from its row's parts (`services/training/engines/conform.py`), and the report counts the
synthetic rows where it is anything else (`services/evaluation/report/dependencies.py`).

The rule. Text column T is the *concatenation* of columns P1..Pk (2 ≤ k ≤ ``MAX_PARTS``) with
separator s (one of ``SEPARATORS``) when, in every real row, T is missing exactly when a part
is, and otherwise equals the parts' text (a whole number without ".0") joined by s; at least
``MIN_ROWS`` rows have T, and T and at least two parts take two values or more. By accident
that is all but impossible: every row of T would have to spell its parts' values.

Bounds: the first ``MAX_TARGETS`` category columns of text (in the first batch's first
2,000 rows) are looked at as T and the first ``MAX_PART_COLUMNS`` category columns as parts,
on the first ``_PROBE_ROWS`` of those rows with T (a part must start, or follow the
separator in, every one of them); what holds there is followed through every row. A column
is in one concatenation at most, and a concatenation is never a part of another. Columns
alike in those rows are tried once (the first), and a target is given up after
``MAX_CHECKS`` checks of a part against its rows: 100 one-hot flag columns, "0" in each of
them, each start every row of a code written "0012": 100 x 99 x 98 chains were tried, half
a minute for 60 flags and one code, before the table's training began.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_PARTS = 3
# Separators tried between parts, in this order (the empty one last: "AB" + "12").
SEPARATORS = (" ", ", ", " - ", "-", "_", "/", ".", ":", "|", "")
MIN_ROWS = 20
MAX_TARGETS = 50
MAX_PART_COLUMNS = 100
_PROBE_ROWS = 500
# Checks of a part against a target's probed rows, per target (a second at most).
MAX_CHECKS = 5_000
# Real values of a joined column split into their parts' values (to keep real pairings).
MAX_SPLIT_VALUES = 100_000
MAX_SPLIT_CHARS = 1_000


@dataclass(frozen=True)
class Concatenation:
    """``column`` is ``parts`` joined by ``separator`` in every real row."""

    column: str
    parts: tuple[str, ...]
    separator: str

    @property
    def description(self) -> str:
        joiner = f' + "{self.separator}" + ' if self.separator else " + "
        return f"{self.column} = {joiner.join(self.parts)}"

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "parts": list(self.parts), "separator": self.separator}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Concatenation:
        return cls(data["column"], tuple(data["parts"]), data["separator"])

    def expected(self, rows: pd.DataFrame) -> pd.Series:
        """The value each row's parts make (missing where a part is)."""
        texts = [_texts(rows[part]) for part in self.parts]
        joined = texts[0]
        for text in texts[1:]:
            joined = joined + self.separator + text
        return joined.astype(object).where(joined.notna(), None)

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row's column is not its parts' text joined."""
        wanted = self.expected(rows)
        have = _texts(rows[self.column])
        same = (have == wanted).fillna(False).to_numpy(dtype=bool)
        both_missing = (have.isna() & wanted.isna()).to_numpy()
        return ~(same | both_missing)

    def keep_real(
        self,
        rows: pd.DataFrame,
        categories: Mapping[str, Sequence[Any]],
        rng: np.random.Generator,
        frozen: Collection[str] = (),
    ) -> None:
        """In place: a row whose parts join into no real value of the column (a Model drawn
        beside another maker: "Subaru Swift") takes the parts of its own value of the column
        where that is a real one they spell in one way only ("Suzuki Swift": Suzuki, Swift);
        where that would change a ``frozen`` part (conditioned on), the parts of a real value
        drawn among those that keep it. ``categories``: each column's real values."""
        split = _splits(
            tuple(categories.get(self.column) or ()),
            tuple(tuple(categories.get(part) or ()) for part in self.parts),
            self.separator,
        )
        if not split or any(part not in rows.columns for part in self.parts):
            return
        real = {_text(whole) for whole in categories.get(self.column) or ()}
        kept = [offset for offset, part in enumerate(self.parts) if part in frozen]
        given = list(zip(*(rows[self.parts[k]].map(_text) for k in kept), strict=True))
        options: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        at, made = [], []
        for i, (whole, text) in enumerate(zip(rows[self.column], self.expected(rows), strict=True)):
            if not isinstance(text, str) or text in real:
                continue
            way = split.get(_text(whole))
            key = given[i] if kept else ()
            if kept and (way is None or tuple(_text(way[k]) for k in kept) != key):
                if key not in options:
                    ways = split.values()
                    options[key] = [w for w in ways if tuple(_text(w[k]) for k in kept) == key]
                way = options[key][rng.integers(len(options[key]))] if options[key] else None
            if way is not None:
                at.append(i)
                made.append(way)
        for offset, part in enumerate(self.parts):
            values = rows[part].to_numpy(dtype=object, copy=True)
            values[at] = [way[offset] for way in made]
            rows[part] = pd.Series(values, index=rows.index).astype(rows[part].dtype)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set the column, in place, from its row's parts."""
        if self.column in rows.columns:
            rows[self.column] = self.expected(rows).to_numpy(dtype=object)


class ConcatenationFinder:
    """Finds the concatenations of a table read whole or in batches (`add` each, then
    `found`); ``columns`` are the category columns (text ones are looked at as T)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self._columns = list(columns)
        self._alive: list[Concatenation] | None = None
        self._rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        if self._alive is None:
            self._alive = _probe(frame, [c for c in self._columns if c in frame.columns])
        self._alive = [c for c in self._alive if not c.broken(frame).any()]
        if self._alive:
            self._rows += int(frame[[c.column for c in self._alive]].notna().all(axis=1).sum())

    def found(self, taken: Collection[str] = ()) -> list[Concatenation]:
        """The concatenations, none writing a column of ``taken`` (set or read by another
        rule; they are written last, and may read any column), each column in one at most
        (the first found in column order)."""
        used: set[str] = set()
        kept = []
        for concatenation in self._alive or []:
            names = {concatenation.column, *concatenation.parts}
            if names & used or concatenation.column in taken or self._rows < MIN_ROWS:
                continue
            kept.append(concatenation)
            used |= names
        return kept


def find_concatenations(
    frame: pd.DataFrame, columns: Sequence[str], taken: Collection[str] = ()
) -> list[Concatenation]:
    """The concatenations of a whole table (see the module's rule)."""
    finder = ConcatenationFinder(columns)
    finder.add(frame)
    return finder.found(taken)


def _probe(frame: pd.DataFrame, columns: list[str]) -> list[Concatenation]:
    head = frame.head(_PROBE_ROWS * 4)  # each target's first rows with a value, mostly
    parts = [c for c in columns[:MAX_PART_COLUMNS] if head[c].nunique() >= 2]
    texts = {c: _texts(head[c]) for c in parts}
    targets = [c for c in columns if head[c].map(type).eq(str).sum() >= MIN_ROWS]
    targets = targets[:MAX_TARGETS]
    found = []
    for target in targets:
        rows = head.index[head[target].notna()][:_PROBE_ROWS]
        whole = _texts(head[target]).loc[rows].tolist()
        candidates: dict[str, list[Any]] = {}
        alike: set[tuple[Any, ...]] = set()
        for c in parts:
            values = texts[c].loc[rows].tolist()
            if c != target and tuple(values) not in alike:
                alike.add(tuple(values))
                candidates[c] = values
        try:
            recipe = _recipe(whole, candidates, _Checks())
        except _OutOfChecks:
            continue
        if recipe is not None:
            found.append(Concatenation(target, *recipe))
    return found


class _OutOfChecks(Exception):
    """A target's ``MAX_CHECKS`` are spent: it is no concatenation."""


class _Checks:
    """``_prefixes`` counting its calls for one target."""

    def __init__(self) -> None:
        self.left = MAX_CHECKS

    def __call__(self, values: list[Any], whole: list[str]) -> bool:
        self.left -= 1
        if self.left < 0:
            raise _OutOfChecks
        return _prefixes(values, whole)


def _recipe(
    whole: list[str], parts: Mapping[str, list[Any]], prefixes: _Checks
) -> tuple[tuple[str, ...], str] | None:
    """The first parts (in column order) and separator that spell every one of ``whole``."""
    for first, values in parts.items():
        if not prefixes(values, whole):
            continue
        rests = [w[len(v) :] for w, v in zip(whole, values, strict=True)]
        for separator in SEPARATORS:
            if not all(r.startswith(separator) for r in rests):
                continue
            rest = [r[len(separator) :] for r in rests]
            chain = _chain(rest, parts, separator, [first], prefixes)
            if chain is not None:
                return tuple(chain), separator
    return None


def _chain(
    rests: list[str],
    parts: Mapping[str, list[Any]],
    separator: str,
    chain: list[str],
    prefixes: _Checks,
) -> list[str] | None:
    """``chain`` and the parts that spell ``rests`` after it, joined by ``separator``."""
    for name, values in parts.items():
        if name in chain or not prefixes(values, rests):
            continue
        left = [r[len(v) :] for r, v in zip(rests, values, strict=True)]
        if all(not x for x in left):
            return [*chain, name]
        if len(chain) + 1 < MAX_PARTS and all(x.startswith(separator) and x for x in left):
            after = [x[len(separator) :] for x in left]
            found = _chain(after, parts, separator, [*chain, name], prefixes)
            if found is not None:
                return found
    return None


def _prefixes(values: list[Any], whole: list[str]) -> bool:
    """Whether every value (all text, none empty) starts its row's ``whole``."""
    return all(
        isinstance(v, str) and v and w.startswith(v) for v, w in zip(values, whole, strict=True)
    )


def _texts(values: pd.Series) -> pd.Series:
    """Each value as the text a join writes: whole numbers without ".0", missing as NaN."""
    return values.astype(object).map(_text)


def _text(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return np.nan
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


@functools.lru_cache(maxsize=16)
def _splits(
    wholes: tuple[Any, ...], parts: tuple[tuple[Any, ...], ...], separator: str
) -> dict[str, tuple[Any, ...]]:
    """Each real value of the column (as text) that the parts' real values spell in exactly
    one way, with those values; at most ``MAX_SPLIT_VALUES`` values looked at, each of at
    most ``MAX_SPLIT_CHARS`` characters (split where a first part's length ends)."""
    if not wholes or len(wholes) > MAX_SPLIT_VALUES or any(not p for p in parts):
        return {}
    texts = [{_text(v): v for v in values if isinstance(_text(v), str)} for values in parts]
    lengths = [sorted({len(t) for t in values}) for values in texts]
    found = {}
    for whole in wholes:
        text = _text(whole)
        if isinstance(text, str) and len(text) <= MAX_SPLIT_CHARS:
            ways = _ways(text, texts, lengths, separator)
            if len(ways) == 1:
                found[text] = ways[0]
    return found


def _ways(
    text: str, parts: list[dict[str, Any]], lengths: list[list[int]], separator: str
) -> list[tuple[Any, ...]]:
    """The ways ``parts`` (text → value, in order; ``lengths``: their texts' distinct
    lengths) spell ``text`` joined by ``separator`` (two at most: one is all that counts)."""
    if len(parts) == 1:
        return [(parts[0][text],)] if text in parts[0] else []
    ways: list[tuple[Any, ...]] = []
    for end in lengths[0]:
        if end >= len(text):
            break
        head, rest = text[:end], text[end:]
        if len(ways) < 2 and head in parts[0] and rest.startswith(separator):
            tails = _ways(rest[len(separator) :], parts[1:], lengths[1:], separator)
            ways += [(parts[0][head], *tail) for tail in tails]
    return ways
