"""Which joint rules a table keeps: the one choice of concatenations (`concatenations`) and of
pair dependencies (`pair_dependencies`) among those their finders hold, given the other rules
found on the same rows.

Training stores what this chooses (`services/training/engines/derived.py`) and generation sets
those columns; the report re-finds the rules on the train split and counts the synthetic rows
that break what this chooses there (`services/evaluation/report/dependencies.py`). With one
chooser the report never counts breaks of a rule the model was never asked to keep, nor misses
one it kept: before, the report set aside fewer columns (not the leaders' numbers, nor a date's
year, month and day) and could list a pair training had refused.

The choice. A concatenation writes no column another rule sets or reads (a one-column
dependency's source or columns, a total, a leader or its numbers, a date's parts); a pair
dependency sets none of those nor a concatenation's column, and reads no column another rule
sets. Concatenations are chosen first: their recipe holds for any combination of parts.
Neither looks for combinations of two category columns the rows rule out in a column any rule
sets (`set_columns`): generation sets it after mending those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from common.contracts.concatenations import Concatenation, ConcatenationFinder
from common.contracts.date_parts import DateParts
from common.contracts.dependencies import Dependency
from common.contracts.leaders import Leader
from common.contracts.pair_dependencies import PairDependency, PairDependencyFinder
from common.contracts.totals import Total


@dataclass(frozen=True)
class JointRules:
    """The concatenations and pair dependencies a table keeps."""

    concatenations: tuple[Concatenation, ...]
    pair_dependencies: tuple[PairDependency, ...]

    @property
    def written(self) -> set[str]:
        """The columns these rules set."""
        joined = {c.column for c in self.concatenations}
        return joined | {c for pair in self.pair_dependencies for c in pair.columns}


def choose_joint_rules(
    *,
    dependencies: Sequence[Dependency],
    totals: Sequence[Total],
    leaders: Sequence[Leader],
    date_parts: Sequence[DateParts],
    concatenations: ConcatenationFinder,
    pairs: PairDependencyFinder,
) -> JointRules:
    """The concatenations and pair dependencies ``concatenations`` and ``pairs`` (finders fed
    the same rows as the other rules' finders) hold that the table keeps beside
    ``dependencies``, ``totals``, ``leaders`` and ``date_parts`` (see the module's choice)."""
    # Set by another rule (nothing else may set them), or tied to one.
    taken = {c for d in dependencies for c in d.columns}
    taken |= {x.column for x in leaders} | {c for x in leaders for c in x.columns}
    taken |= {x.column for x in totals}
    taken |= {c for x in date_parts for c in (x.year, x.month, x.day) if c}
    read = {d.source for d in dependencies}
    joined = tuple(concatenations.found(taken | read))
    written = {x.column for x in joined}
    chosen = pairs.dependencies(taken | read | written, not_sources=taken | written)
    return JointRules(joined, tuple(chosen))


def set_columns(
    *,
    dependencies: Sequence[Dependency],
    totals: Sequence[Total],
    leaders: Sequence[Leader],
    joint: JointRules,
) -> set[str]:
    """The columns the rules set from others: never in a ruled-out combination
    (`common.contracts.combinations`), for training and the report alike."""
    made = {c for d in dependencies for c in d.columns}
    made |= {x.column for x in totals} | {x.column for x in leaders}
    return made | joint.written
