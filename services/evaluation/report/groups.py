"""Columns constant within each group of rows sharing an id, and the synthetic rows that
break it: gt's pizzaplace writes an order's number on each of its lines, all of one date and
time; synthetic lines of one order sold on different days are what a user spots, though the
ids repeat about as often as the real ones. The rule is training's
(`common.contracts.group_constants`): models trained with it keep the groups alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.group_constants import GroupConstantFinder
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.form_models import GroupCheck

_LEARNED = ("numerical", "categorical", "boolean", "datetime")


def group_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[GroupCheck]:
    """Every such rule of the real rows, with the synthetic rows breaking it."""
    columns = metadata.get("columns") or {}
    keys = [
        name
        for name, spec in columns.items()
        if spec.get("sdtype") == "id" and name in train.columns and name in synthetic.columns
    ]
    if not keys:
        return []
    finder = GroupConstantFinder(keys, allowed_columns(metadata, train, synthetic, _LEARNED))
    finder.add(train)
    rows = synthetic.reset_index(drop=True)
    return [
        GroupCheck(
            key=rule.key,
            columns=list(rule.columns),
            description=rule.description,
            violation_count=int(rule.broken(rows).sum()),
            real_groups=int(train[rule.key].value_counts().gt(1).sum()),
            real_repeated_share=_repeated(train[rule.key]),
            synthetic_repeated_share=_repeated(rows[rule.key]),
        )
        for rule in finder.found()
    ]


def _repeated(ids: pd.Series) -> float:
    present = ids.dropna()
    return float(present.duplicated(keep=False).mean()) if len(present) else 0.0
