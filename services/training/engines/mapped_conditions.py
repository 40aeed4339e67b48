"""Conditions that no real row of a mapping meets, refused when the request comes: a
dependency's source and the columns set from it (`common.contracts.dependencies`), a pair
and the columns it fixes (`common.contracts.pair_dependencies`).

Generation sets those columns from their sources (`conform`), so a condition no mapped row
meets could only be broken or met by rows on no real pair: `{"origin": "EWR", "dest":
"BGR"}` asked for flights on a route EWR never flies, and got them with any distance the
engine drew (187, 2,475, 762 miles). Refused instead, naming the pair, as conditions on a
combination the training rows rule out are (`ruled_out`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.dependencies import Dependency
from common.contracts.rule_checks import value_keys
from services.training.engines.base import InvalidConditionError
from services.training.engines.obeying import ONE_OF, outside
from services.training.engines.profile import TableProfile


def refuse_unmapped(profile: TableProfile, fixed: Mapping[str, Any]) -> None:
    """Refuse now, not after every round of drawing, conditions on a mapping's sources and
    columns that no row of it meets together: a value, list or range of a derived column
    that no source value goes with, or not the ones given for the source or another of its
    columns (`{"continent": "Asia", "iso_alpha": "FRA"}`); a pair of values never seen
    together (`{"origin": "EWR", "dest": "BGR"}`)."""
    for dependency in profile.dependencies:
        if dependency.partial and not _mapped_source(dependency, fixed):
            continue  # a source value the mapping leaves out may go with any value
        _refuse((dependency.source,), dependency.columns, dependency.rows, fixed)
    for pair in profile.pair_dependencies:
        _refuse(pair.sources, pair.columns, pair.rows, fixed)


def narrowed(profile: TableProfile, fixed: Mapping[str, Any]) -> dict[str, Any]:
    """``fixed`` with a list on a dependency's source narrowed to the values whose columns
    meet the conditions on them, one value left a fixed one (given to the engine): with
    `{"Chick": [1, 45], "Diet": 1}` rows of chick 45 (always diet 4) were drawn and turned
    down until drawing gave up. Call after `refuse_unmapped`: some value is left."""
    out = dict(fixed)
    for dependency in profile.dependencies:
        condition = out.get(dependency.source)
        if not (isinstance(condition, Mapping) and set(condition) == {ONE_OF}):
            continue
        if not set(dependency.columns) & set(out):
            continue
        names = [dependency.source, *dependency.columns]
        mapping = pd.DataFrame(list(dependency.rows), columns=names, dtype=object)
        meets = np.ones(len(mapping), dtype=bool)
        for column in dependency.columns:
            if column in out:
                meets &= ~_misses(mapping[column], out[column])
        sources = mapping[dependency.source]
        good, mapped = set(value_keys(sources[meets])), set(value_keys(sources))
        values = condition[ONE_OF]
        keys = value_keys(pd.Series(values, dtype=object))
        # A source value a partial mapping leaves out may go with any value.
        kept = [v for v, k in zip(values, keys, strict=True) if k in good or k not in mapped]
        if kept and len(kept) < len(values):
            out[dependency.source] = kept[0] if len(kept) == 1 else {ONE_OF: kept}
    return out


def _mapped_source(dependency: Dependency, fixed: Mapping[str, Any]) -> bool:
    """Whether the condition on a partial dependency's source is one value of its rows
    (mpg's camry solara, sold as a compact only; not the altima, sold in two classes)."""
    condition = fixed.get(dependency.source)
    if condition is None or isinstance(condition, Mapping):
        return False
    (wanted,) = value_keys(pd.Series([condition], dtype=object))
    return wanted in value_keys(pd.Series([row[0] for row in dependency.rows], dtype=object))


def _refuse(
    sources: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fixed: Mapping[str, Any],
) -> None:
    names = [*sources, *columns]
    if not set(names) & set(fixed):
        return
    mapping = pd.DataFrame(list(rows), columns=names, dtype=object)
    meets = np.ones(len(mapping), dtype=bool)
    given: list[str] = []
    for column in names:
        condition = fixed.get(column)
        if condition is None:
            continue
        meets &= ~_misses(mapping[column], condition)
        if not meets.any():
            if len(sources) == 1:
                message = _no_source(sources[0], given, fixed, column)
            else:
                message = _no_pair(sources, columns, given, fixed, column)
            raise InvalidConditionError(column, message)
        given.append(column)


def _misses(values: pd.Series, condition: Any) -> np.ndarray:
    """Where a value of the mapping misses a condition (a value, `in` list or range)."""
    if isinstance(condition, Mapping):
        return outside(values, condition)
    (wanted,) = value_keys(pd.Series([condition], dtype=object))
    return np.array([key != wanted for key in value_keys(values)], dtype=bool)


def _no_source(source: str, given: list[str], fixed: Mapping[str, Any], column: str) -> str:
    condition = fixed[column]
    if not given:
        return f"no value of {source} goes with {condition!r}"
    if given == [source] and not isinstance(fixed[source], Mapping):
        return f"{source} {fixed[source]!r} goes with another {column}"
    return f"no value of {source} goes with {condition!r} and the conditions on {', '.join(given)}"


def _no_pair(
    sources: Sequence[str],
    columns: Sequence[str],
    given: list[str],
    fixed: Mapping[str, Any],
    column: str,
) -> str:
    first, second = sources
    plain = not any(isinstance(fixed.get(s), Mapping) for s in sources)
    if given == [first] and column == second and plain:
        return (
            f"{first} {fixed[first]!r} and {second} {fixed[second]!r} never occur together in "
            f"the training rows, so {', '.join(columns)} has no value for them"
        )
    wanted = f"no pair of {first} and {second} seen in the training rows goes with {column}"
    wanted += f" {_shown(fixed[column])}"
    return wanted + (f" and the conditions on {', '.join(given)}" if given else "")


def _shown(condition: Any) -> str:
    """A condition as a user wrote it: 'BGR', one of ['BGR', 'OAK'], {'gt': 4000}."""
    if isinstance(condition, Mapping) and set(condition) == {ONE_OF}:
        return f"one of {condition[ONE_OF]!r}"
    return repr(condition)
