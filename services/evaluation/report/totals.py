"""Number columns that are the sum of others in every real row (an election's `total` of
each candidate's votes; also another exact formula of them, or a function of one: Wage's
`logwage` = ln(`wage`)), category columns that name the largest of some number columns (its
`winner`), and the synthetic rows that break them.

A user adds up the first row and finds "629 + 360 + 634 = 1516, winner Bergeron"; no column
or pair score notices, each column's shape being about right. The rules are training's
(`common.contracts.totals`, `.leaders`): models trained with them set every total from its
parts and every leader from its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from common.contracts.leaders import Leader, find_leaders
from common.contracts.totals import Total, find_totals
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.models import LeaderCheck, TotalCheck


def real_totals(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[Total]:
    """Every total of the real rows (training's rule, on the columns both tables have)."""
    numbers = allowed_columns(metadata, train, synthetic, ("numerical",))
    coded = allowed_columns(metadata, train, synthetic, ("categorical",))
    return find_totals(train, numbers, coded)


def total_checks(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    found: Sequence[Total] | None = None,
) -> list[TotalCheck]:
    """Every total of the real rows (``found`` already, or found here), with the synthetic
    rows (with the total and every part) whose parts add up to another number."""
    found = real_totals(train, synthetic, metadata) if found is None else found
    checks = []
    for total in found:
        real_rows = int(train[[total.column, *total.parts]].notna().all(axis=1).sum())
        checks.append(
            TotalCheck(
                column=total.column,
                parts=list(total.parts),
                description=total.description,
                violation_count=int(total.broken(synthetic.reset_index(drop=True)).sum()),
                real_rows=real_rows,
            )
        )
    return checks


def real_leaders(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[Leader]:
    """Every category column naming the largest of some number columns in the real rows."""
    categories = allowed_columns(metadata, train, synthetic, ("categorical", "boolean"))
    numbers = allowed_columns(metadata, train, synthetic, ("numerical",))
    return find_leaders(train, categories, numbers)


def leader_checks(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    found: Sequence[Leader] | None = None,
) -> list[LeaderCheck]:
    """Every category column naming the largest of some number columns in the real rows
    (``found`` already, or found here), with the synthetic rows (with the category and every
    number) where it names another."""
    found = real_leaders(train, synthetic, metadata) if found is None else found
    checks = []
    for leader in found:
        checks.append(
            LeaderCheck(
                column=leader.column,
                columns=list(leader.columns),
                description=leader.description,
                violation_count=int(leader.broken(synthetic.reset_index(drop=True)).sum()),
                real_rows=int(leader.checked(train).sum()),
            )
        )
    return checks
