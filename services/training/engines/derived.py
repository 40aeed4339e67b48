"""What a table profile keeps about how columns go together, found among the learned columns
on a whole table or batch by batch (`add` each, then `found`): the columns one column
determines in every training row (`common.contracts.dependencies`) or in all but a few of its
values (`common.contracts.near_dependencies`), the combinations of two
category columns the training rows rule out (`common.contracts.combinations`), the range a
number or date column keeps within each value of a category column
(`common.contracts.category_ranges`: no doctorate under 24, no run before 2005 flagged after
2004), the number
columns that are the sum of others (`common.contracts.totals`) and the category columns
naming the largest of some number columns (`common.contracts.leaders`), and the month and
day columns of a date (`common.contracts.date_parts`); the columns two category columns
determine together (`common.contracts.pair_dependencies`) and the text columns joining other
columns' values (`common.contracts.concatenations`); the columns missing in the same rows
(`common.contracts.missing_together`); the columns constant within each group of rows sharing
an id (`common.contracts.group_constants`: an order's date). Generation sets the
derived columns from their sources and mends the ruled-out combinations (`conform`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.category_ranges import CategoryRangeFinder
from common.contracts.combinations import CombinationFinder
from common.contracts.concatenations import ConcatenationFinder
from common.contracts.date_parts import DatePartsFinder
from common.contracts.dependencies import DependencyFinder
from common.contracts.group_constants import GroupConstantFinder
from common.contracts.joint_rules import choose_joint_rules, set_columns
from common.contracts.leaders import LeaderFinder
from common.contracts.missing_together import MissingTogetherFinder
from common.contracts.missing_when import MissingWhenFinder
from common.contracts.near_dependencies import NearDependencyFinder
from common.contracts.pair_dependencies import PairDependencyFinder
from common.contracts.totals import TotalFinder
from common.contracts.unique_keys import UniqueKeyFinder, time_columns


class DerivedRules:
    """All four finders, given each column's profile kind: categorical sources with
    categorical or numeric dependants; pairs of categorical columns, less the columns set
    from others; totals of the number columns (of categories written as numbers too: a
    year of three values); categories naming the largest of the number columns."""

    def __init__(self, kinds: Mapping[str, str]) -> None:
        categorical = [name for name, kind in kinds.items() if kind == "categorical"]
        numeric = [name for name, kind in kinds.items() if kind == "numeric"]
        targets = [name for name, kind in kinds.items() if kind in ("categorical", "numeric")]
        # Number columns may be a source when they are ids written as numbers (ChickWeight's
        # Chick): the finder keeps those of whole numbers that repeat enough.
        self._dependencies = DependencyFinder(categorical, targets, numbered=numeric)
        self._near = NearDependencyFinder(categorical, targets)
        self._combinations = CombinationFinder(categorical)
        dated = [name for name, kind in kinds.items() if kind == "datetime"]
        self._ranges = CategoryRangeFinder(categorical, [*numeric, *dated])
        self._totals = TotalFinder(numeric, coded=categorical)
        self._leaders = LeaderFinder(categorical, numeric)
        self._dates = DatePartsFinder(targets)
        self._pairs = PairDependencyFinder(categorical, targets)
        self._concatenations = ConcatenationFinder(categorical)
        learned = [name for name, kind in kinds.items() if kind not in ("id", "pii")]
        self._missing = MissingTogetherFinder(learned)
        self._missing_when = MissingWhenFinder(categorical, learned)
        self._keys = UniqueKeyFinder(categorical, time_columns(kinds))
        ids = [name for name, kind in kinds.items() if kind == "id"]
        self._groups = GroupConstantFinder(ids, learned)

    def add(self, frame: pd.DataFrame) -> None:
        for finder in (
            self._dependencies,
            self._near,
            self._combinations,
            self._ranges,
            self._totals,
            self._leaders,
            self._dates,
            self._pairs,
            self._concatenations,
            self._missing,
            self._missing_when,
            self._keys,
            self._groups,
        ):
            finder.add(frame)

    def found(self) -> dict[str, Any]:
        """The `TableProfile` fields: ``dependencies``, ``impossible_combinations``,
        ``category_ranges``, ``totals``, ``leaders``, ``date_parts``, ``pair_dependencies``,
        ``concatenations`` and ``missing_together`` (of the columns no other rule sets); the
        joint ones as `common.contracts.joint_rules` chooses them (as the report does). No
        column another rule sets is in a ruled-out combination or a range."""
        exact = self._dependencies.dependencies()
        dependencies = (*exact, *self._near.dependencies(exact))
        leaders = tuple(self._leaders.leaders())
        totals = tuple(self._totals.totals())
        dates = tuple(self._dates.found())
        joint = choose_joint_rules(
            dependencies=dependencies,
            totals=totals,
            leaders=leaders,
            date_parts=dates,
            concatenations=self._concatenations,
            pairs=self._pairs,
        )
        derived = set_columns(
            dependencies=dependencies, totals=totals, leaders=leaders, joint=joint
        )
        groups = self._missing.found(derived)
        return {
            "dependencies": dependencies,
            "impossible_combinations": tuple(self._combinations.found(derived)),
            "category_ranges": tuple(self._ranges.found(derived)),
            "totals": totals,
            "leaders": leaders,
            "date_parts": dates,
            "pair_dependencies": joint.pair_dependencies,
            "concatenations": joint.concatenations,
            "missing_together": (*groups, *self._missing_when.found(derived, groups)),
            "unique_keys": tuple(self._keys.found()),
            "group_constants": self._groups.found(tuple(derived)),
        }
