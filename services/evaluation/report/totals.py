"""Number columns that are the sum of others in every real row (an election's `total` of
each candidate's votes) and the synthetic rows whose parts do not add up to them.

A user adds up the first row and finds "629 + 360 + 634 = 1516"; no column or pair score
notices, each column's shape being about right. The rule is training's
(`common.contracts.totals`): models trained with it set every total from its parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.totals import find_totals
from services.evaluation.report.models import TotalCheck


def total_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[TotalCheck]:
    """Every total of the real rows, with the synthetic rows (with the total and every part)
    whose parts add up to another number."""
    specs = metadata.get("columns") or {}
    numbers = [
        name
        for name, spec in specs.items()
        if spec.get("sdtype") == "numerical"
        and not spec.get("pii")
        and name != metadata.get("primary_key")
        and name in train.columns
        and name in synthetic.columns
    ]
    checks = []
    for total in find_totals(train, numbers):
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
