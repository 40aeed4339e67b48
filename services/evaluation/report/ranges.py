"""The range a number or date keeps within each value of a category column (adult: no
doctorate under 24, though ages start at 17; no 6 kg Adelie penguin; no run before 2005
with `After2004` = 1), and the synthetic rows whose number lies outside it, with a verdict.

A user sees a 21-year-old doctorate in a row, and no column or pair score notices: the ages
and the educations each have their real shares. The rule is training's
(`common.contracts.category_ranges`), found on the training rows: models trained with it
mend such rows. The real holdout's rows are the baseline: a few of them lie outside the
training rows' ranges (8 of adult's 16,281 test rows).

The verdict's baseline is the larger of the holdout's share and the share expected of new real
rows (`_expected_share`): a small holdout alone says too little (ecoli's 67 rows: none).

Bounded as the rule bounds itself (columns, values, sampled rows); the document lists at
most ``MAX_LISTED`` ranges, those with the most synthetic rows outside first, and the
verdict counts them all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from common.contracts.category_ranges import CategoryRange, as_numbers, find_category_ranges
from common.contracts.combinations import coded
from services.evaluation.report.combinations import PASS_MARGIN, WARN_SHARE
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.range_models import RangeCheck, RangeVerdict

_CATEGORY_SDTYPES = ("categorical", "boolean")
MAX_LISTED = 500
# A batch of real rows fails this seldom: the verdict's false alarm.
FALSE_ALARM = 0.001


def range_checks(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    derived: Collection[str],
) -> tuple[list[RangeCheck], RangeVerdict | None]:
    """Every (category value, number column) range the training rows hold
    (`common.contracts.category_ranges`), with the synthetic rows (and, as the baseline, the
    holdout rows) outside it, and the verdict on all of them (None when the real rows bound
    nothing). ``derived``: the columns other columns set, left out as training leaves them."""
    categories = allowed_columns(metadata, train, synthetic, _CATEGORY_SDTYPES)
    numbers = allowed_columns(metadata, train, synthetic, ("numerical", "datetime"))
    ranges = find_category_ranges(train, categories, numbers, set(derived))
    if not ranges:
        return [], None
    synthetic = synthetic.reset_index(drop=True)
    holdout = holdout.reset_index(drop=True)
    checks = [c for bound in ranges for c in _checks(bound, train, holdout, synthetic)]
    checks.sort(key=lambda c: -c.violation_count)  # stable: the rule's order otherwise
    return checks[:MAX_LISTED], _verdict(ranges, train, holdout, synthetic)


def _outside(bound: CategoryRange, rows: pd.DataFrame) -> np.ndarray | None:
    """Rows outside per value of ``bound`` (None where ``rows`` lack its columns)."""
    if not set(bound.columns) <= set(rows.columns):
        return None
    codes = coded(rows[bound.category], bound.values)
    return np.bincount(codes[bound.broken(rows) & (codes >= 0)], minlength=len(bound.values))


def _checks(
    bound: CategoryRange, train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame
) -> list[RangeCheck]:
    broken = _outside(bound, synthetic)
    real_broken = _outside(bound, holdout) if len(holdout) else None
    codes = coded(train[bound.category], bound.values)
    known = ~np.isnan(as_numbers(train[bound.number]))
    real_rows = np.bincount(codes[known & (codes >= 0)], minlength=len(bound.values))
    named = bound.named()
    assert broken is not None  # the columns are the synthetic rows' own
    return [
        RangeCheck(
            category=bound.category,
            value=str(value),
            number=bound.number,
            low=low,
            high=high,
            description=f"{bound.description} = {named[i]}",
            violation_count=int(broken[i]),
            violation_share=int(broken[i]) / len(synthetic) if len(synthetic) else 0.0,
            holdout_violation_count=0 if real_broken is None else int(real_broken[i]),
            holdout_share=None if real_broken is None else int(real_broken[i]) / len(holdout),
            real_rows=int(real_rows[i]),
        )
        for i, (value, low, high) in enumerate(
            zip(bound.values, bound.lows, bound.highs, strict=True)
        )
    ]


def _rows_outside(ranges: list[CategoryRange], rows: pd.DataFrame) -> int:
    """Rows with a number outside any range, each counted once."""
    broken = np.zeros(len(rows), dtype=bool)
    for bound in ranges:
        if set(bound.columns) <= set(rows.columns):
            broken |= bound.broken(rows)
    return int(broken.sum())


def _expected_share(ranges: list[CategoryRange], train: pd.DataFrame) -> float:
    """The share of new real rows expected outside the ranges: a real row of a value held by
    ``n`` training rows lies below their minimum with a chance of 1 in ``n + 1`` (any of the
    ``n + 1`` rows is the lowest alike), alike above; for each number the likeliest of a
    row's ranges, summed over the numbers (at most 1), averaged over the training rows."""
    by_number: dict[str, np.ndarray] = {}
    for bound in ranges:
        codes = coded(train[bound.category], bound.values)
        known = ~np.isnan(as_numbers(train[bound.number]))
        held = known & (codes >= 0)
        rows = np.bincount(codes[held], minlength=len(bound.values))
        sides = np.array(
            [
                (low is not None) + (high is not None)
                for low, high in zip(bound.lows, bound.highs, strict=True)
            ]
        )
        chance = by_number.setdefault(bound.number, np.zeros(len(train)))
        # One number's ranges overlap (a penguin's mass by species and by sex): the likeliest.
        chance[held] = np.maximum(chance[held], (sides / (rows + 1))[codes[held]])
    total = sum(by_number.values(), np.zeros(len(train)))
    return float(np.minimum(total, 1.0).mean()) if len(train) else 0.0


def _verdict(
    ranges: list[CategoryRange],
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> RangeVerdict:
    rows = _rows_outside(ranges, synthetic)
    share = rows / len(synthetic) if len(synthetic) else 0.0
    real_rows = _rows_outside(ranges, holdout)
    real_share = real_rows / len(holdout) if len(holdout) else None
    expected = _expected_share(ranges, train)
    baseline = max(real_share or 0.0, expected)
    # As many rows as real rows would have by chance (1 in 1,000) in a batch this size pass.
    by_chance = binom.ppf(1 - FALSE_ALARM, len(synthetic), baseline) if len(synthetic) else 0
    if rows <= by_chance or share <= baseline + PASS_MARGIN:
        verdict = "pass"
    else:
        verdict = "warn" if share <= baseline + WARN_SHARE else "fail"
    holdout_line = "no holdout" if real_share is None else f"real holdout: {real_share:.2%}"
    summary = (
        f"{verdict}: {rows:,} of {len(synthetic):,} synthetic rows ({share:.2%}) have a number "
        f"outside the range the real rows give its category ({holdout_line}; new real rows: "
        f"{expected:.2%} expected)"
    )
    return RangeVerdict(
        rows=rows,
        share=share,
        holdout_rows=real_rows,
        holdout_share=real_share,
        expected_share=expected,
        verdict=verdict,
        summary=summary,
    )
