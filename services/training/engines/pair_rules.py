"""What a table profile keeps about pairs of columns: the columns one column determines in
every training row (`common.contracts.dependencies`) and the combinations of two category
columns the training rows rule out (`common.contracts.combinations`), found on a whole table
or batch by batch (`add` each, then `found`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.combinations import CombinationFinder
from common.contracts.dependencies import DependencyFinder


class PairRules:
    """Finds both among the learned columns, given each column's profile kind: categorical
    sources, categorical or numeric dependants; pairs of categorical columns, less the
    columns a dependency sets."""

    def __init__(self, kinds: Mapping[str, str]) -> None:
        categorical = [name for name, kind in kinds.items() if kind == "categorical"]
        targets = [name for name, kind in kinds.items() if kind in ("categorical", "numeric")]
        self._dependencies = DependencyFinder(categorical, targets)
        self._combinations = CombinationFinder(categorical)

    def add(self, frame: pd.DataFrame) -> None:
        self._dependencies.add(frame)
        self._combinations.add(frame)

    def found(self) -> dict[str, Any]:
        """The `TableProfile` fields: ``dependencies`` and ``impossible_combinations``."""
        dependencies = tuple(self._dependencies.dependencies())
        derived = {column for d in dependencies for column in d.columns}
        impossible = tuple(self._combinations.found(derived))
        return {"dependencies": dependencies, "impossible_combinations": impossible}
