"""Columns that one column determines in every real row (country → continent, iso code,
centroid) and the synthetic rows that break them.

A user sees "Indonesia, Europe, HTI" in the first row, and no column or pair score notices:
each column's shares and each pair's are about right. The rule is training's
(`common.contracts.dependencies`): models trained with it keep these columns; for an older
model, a `FIXED_COMBINATIONS` rule on the columns keeps them.

Beside them, in the same list: columns two columns determine together (JFK → LAX is 2,475
miles; `common.contracts.pair_dependencies`), with the synthetic rows whose pair the real rows
never had counted apart, and text columns joining other columns' values (Make = Manufacturer
+ " " + Model; `common.contracts.concatenations`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.concatenations import ConcatenationFinder
from common.contracts.date_parts import DateParts
from common.contracts.dependencies import Dependency, find_dependencies
from common.contracts.joint_rules import choose_joint_rules
from common.contracts.leaders import Leader
from common.contracts.near_dependencies import NearDependencyFinder
from common.contracts.pair_dependencies import PairDependencyFinder
from common.contracts.totals import Total
from services.evaluation.report.models import DependencyCheck

_SOURCE_SDTYPES = ("categorical", "boolean")
_TARGET_SDTYPES = ("categorical", "boolean", "numerical")


def real_dependencies(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[Dependency]:
    """Every column (the source) that determines other columns in all the real rows."""
    sources = allowed_columns(metadata, train, synthetic, _SOURCE_SDTYPES)
    targets = allowed_columns(metadata, train, synthetic, _TARGET_SDTYPES)
    numbered = allowed_columns(metadata, train, synthetic, ("numerical",))
    exact = find_dependencies(train, sources, targets, numbered)
    near = NearDependencyFinder(sources, targets)
    near.add(train)
    return [*exact, *near.dependencies(exact)]


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
                sources=[dependency.source],
            )
        )
    return checks


def joint_checks(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    dependencies: list[Dependency],
    *,
    totals: Sequence[Total],
    leaders: Sequence[Leader],
    date_parts: Sequence[DateParts],
) -> list[DependencyCheck]:
    """The columns two columns determine together, and the text columns joining others, in
    all the real rows, with the synthetic rows that break them: those training keeps, chosen
    as it chooses them (`common.contracts.joint_rules`), beside the real rows' other rules
    (``dependencies``, ``totals``, ``leaders``, ``date_parts``: as the report found them)."""
    rows = synthetic.reset_index(drop=True)
    sources = allowed_columns(metadata, train, synthetic, _SOURCE_SDTYPES)
    targets = allowed_columns(metadata, train, synthetic, _TARGET_SDTYPES)
    concatenations = ConcatenationFinder(sources)
    concatenations.add(train)
    pairs = PairDependencyFinder(sources, targets)
    pairs.add(train)
    joint = choose_joint_rules(
        dependencies=dependencies,
        totals=totals,
        leaders=leaders,
        date_parts=date_parts,
        concatenations=concatenations,
        pairs=pairs,
    )
    checks = []
    for concatenation in joint.concatenations:
        broken = concatenation.broken(rows)
        parts = list(concatenation.parts)
        checks.append(
            DependencyCheck(
                source=" + ".join(parts),
                columns=[concatenation.column],
                description=concatenation.description,
                violation_count=int(broken.sum()),
                column_violation_counts=[int(broken.sum())],
                source_values=len(train[parts].drop_duplicates()),
                sources=parts,
            )
        )
    for pair in joint.pair_dependencies:
        broken, unseen = pair.broken(rows)
        columns = list(pair.columns)
        checks.append(
            DependencyCheck(
                source=" & ".join(pair.sources),
                columns=columns,
                description=pair.description,
                violation_count=int(np.logical_or.reduce(list(broken.values())).sum()),
                column_violation_counts=[int(broken[c].sum()) for c in columns],
                source_values=len(pair.rows),
                sources=list(pair.sources),
                unseen_source_count=int(unseen.sum()),
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
