"""Combinations of two category columns that the real rows rule out (lunch on a Saturday in
plotly's `tips`), or almost never though the columns' shares would pair them often (adult's
one husband who is a woman), and the synthetic rows that have one, with a verdict.

A user sees "Sat, Lunch" in a row, and no column or pair score notices: each column's shares
are about right, and a pair score averages the cell over all the others. The rule is
training's (`common.contracts.combinations`): models trained with it never generate these.
The real holdout's rows are the baseline: a real table's holdout has about none.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.combinations import ImpossibleCombinations, find_impossible_combinations
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.models import CombinationCheck, CombinationVerdict

_CATEGORY_SDTYPES = ("categorical", "boolean")
# Pass: at most the real holdout's share of rows with one, and this much more (its noise).
PASS_MARGIN = 0.001
# Warn up to this share of the synthetic rows; fail beyond.
WARN_SHARE = 0.01


def combination_checks(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    derived: Collection[str],
) -> tuple[list[CombinationCheck], CombinationVerdict | None]:
    """Every pair of category columns with combinations the real training rows rule out
    (never, or far more rarely than the columns' shares say: `common.contracts.combinations`),
    with the synthetic rows (and, as the baseline, the holdout rows) that have one, and the
    verdict on all of them (None when the real rows rule nothing out). ``derived``: the
    columns another column determines (`real_dependencies`), left out."""
    columns = allowed_columns(metadata, train, synthetic, _CATEGORY_SDTYPES)
    pairs = find_impossible_combinations(train, columns, set(derived))
    synthetic = synthetic.reset_index(drop=True)
    checks = [_check(pair, holdout, synthetic) for pair in pairs]
    return checks, (_verdict(pairs, holdout, synthetic) if pairs else None)


def _verdict(
    pairs: list[ImpossibleCombinations], holdout: pd.DataFrame, synthetic: pd.DataFrame
) -> CombinationVerdict:
    rows = _rows_with_one(pairs, synthetic)
    share = rows / len(synthetic) if len(synthetic) else 0.0
    holdout = holdout.reset_index(drop=True)
    real_rows = _rows_with_one(pairs, holdout)
    real_share = real_rows / len(holdout) if len(holdout) else None
    if share <= (real_share or 0.0) + PASS_MARGIN:
        verdict = "pass"
    else:
        verdict = "warn" if share <= WARN_SHARE else "fail"
    baseline = "no holdout" if real_share is None else f"real holdout: {real_share:.2%}"
    summary = (
        f"{verdict}: {rows:,} of {len(synthetic):,} synthetic rows ({share:.2%}) pair values that "
        f"the real rows never or almost never pair ({baseline})"
    )
    return CombinationVerdict(
        rows=rows,
        share=share,
        holdout_rows=real_rows,
        holdout_share=real_share,
        verdict=verdict,
        summary=summary,
    )


def _rows_with_one(pairs: list[ImpossibleCombinations], rows: pd.DataFrame) -> int:
    """Rows with a ruled-out combination of any pair, each counted once."""
    broken = np.zeros(len(rows), dtype=bool)
    for pair in pairs:
        if set(pair.columns) <= set(rows.columns):
            broken |= pair.broken(rows)
    return int(broken.sum())


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
