"""Columns that one column determines in every real row (country → continent, iso code,
centroid) and the synthetic rows that break them.

A user sees "Indonesia, Europe, HTI" in the first row, and no column or pair score notices:
each column's shares and each pair's are about right. The rule is training's
(`common.contracts.dependencies`): models trained with it keep these columns; for an older
model, a `FIXED_COMBINATIONS` rule on the columns keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.dependencies import Dependency, find_dependencies
from services.evaluation.report.models import DependencyCheck

_SOURCE_SDTYPES = ("categorical", "boolean")
_TARGET_SDTYPES = ("categorical", "boolean", "numerical")


def real_dependencies(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[Dependency]:
    """Every column (the source) that determines other columns in all the real rows."""
    sources = allowed_columns(metadata, train, synthetic, _SOURCE_SDTYPES)
    targets = allowed_columns(metadata, train, synthetic, _TARGET_SDTYPES)
    return find_dependencies(train, sources, targets)


def dependency_checks(
    dependencies: list[Dependency], synthetic: pd.DataFrame
) -> list[DependencyCheck]:
    """Each dependency with the synthetic rows whose value of one of its columns is not the
    one their source value goes with (a source value the real rows never had breaks nothing)."""
    checks = []
    for dependency in dependencies:
        broken = dependency.broken(synthetic.reset_index(drop=True))
        columns = list(dependency.columns)
        checks.append(
            DependencyCheck(
                source=dependency.source,
                columns=columns,
                description=f"{dependency.source} → {', '.join(columns)}",
                violation_count=int(np.logical_or.reduce(list(broken.values())).sum()),
                column_violation_counts=[int(broken[c].sum()) for c in columns],
                source_values=len(dependency.rows),
            )
        )
    return checks


def allowed_columns(
    metadata: Mapping[str, Any],
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: tuple[str, ...],
) -> list[str]:
    """The columns of ``sdtypes`` in both tables, never PII nor the primary key."""
    key = metadata.get("primary_key")
    return [
        name
        for name, spec in (metadata.get("columns") or {}).items()
        if spec.get("sdtype") in sdtypes
        and not spec.get("pii")
        and name != key
        and name in train.columns
        and name in synthetic.columns
    ]
