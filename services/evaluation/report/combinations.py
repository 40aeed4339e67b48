"""Combinations of two category columns that the real rows rule out (lunch on a Saturday in
plotly's `tips`), and the synthetic rows that have one.

A user sees "Sat, Lunch" in a row, and no column or pair score notices: each column's shares
are about right, and a pair score averages the cell over all the others. The rule is
training's (`common.contracts.combinations`): models trained with it never generate these.
The real holdout's rows are the baseline: a real table's holdout has about none.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from common.contracts.combinations import ImpossibleCombinations, find_impossible_combinations
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.models import CombinationCheck

_CATEGORY_SDTYPES = ("categorical", "boolean")


def combination_checks(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    derived: Collection[str],
) -> list[CombinationCheck]:
    """Every pair of category columns with combinations the real training rows rule out,
    with the synthetic rows (and, as the baseline, the holdout rows) that have one.
    ``derived``: the columns another column determines (`real_dependencies`), left out."""
    columns = allowed_columns(metadata, train, synthetic, _CATEGORY_SDTYPES)
    pairs = find_impossible_combinations(train, columns, set(derived))
    return [_check(pair, holdout, synthetic.reset_index(drop=True)) for pair in pairs]


def _check(
    pair: ImpossibleCombinations, holdout: pd.DataFrame, synthetic: pd.DataFrame
) -> CombinationCheck:
    broken = int(pair.broken(synthetic).sum())
    in_holdout = set(pair.columns) <= set(holdout.columns) and len(holdout) > 0
    real_broken = int(pair.broken(holdout.reset_index(drop=True)).sum()) if in_holdout else 0
    return CombinationCheck(
        first=pair.first,
        second=pair.second,
        description=pair.description,
        combinations=pair.named(),
        violation_count=broken,
        violation_share=broken / len(synthetic) if len(synthetic) else 0.0,
        holdout_violation_count=real_broken,
        holdout_share=real_broken / len(holdout) if in_holdout else None,
        real_rows=sum(sum(row) for row in pair.counts),
    )
