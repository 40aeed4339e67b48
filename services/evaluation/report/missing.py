"""Columns missing wherever a category column has one value, and the synthetic rows that have
them there: Stat2Data's Marathon log records no shoe brand for any run before 2005
(`After2004` = 0), and a synthetic run of 2003 with a brand is one a user spots at once,
though every column's shape and missing share are about right.

The rule is training's (`common.contracts.missing_when`, with the columns missing together
as one, `.missing_together`): models trained with it keep those columns missing there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.missing_together import MissingTogetherFinder
from common.contracts.missing_when import MissingWhenFinder
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.form_models import MissingWhenCheck

_LEARNED = ("numerical", "categorical", "boolean", "datetime")


def missing_when_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[MissingWhenCheck]:
    """Every such rule of the real rows, with the synthetic rows breaking it."""
    learned = allowed_columns(metadata, train, synthetic, _LEARNED)
    categories = allowed_columns(metadata, train, synthetic, ("categorical", "boolean"))
    together = MissingTogetherFinder(learned)
    together.add(train)
    finder = MissingWhenFinder(categories, learned)
    finder.add(train)
    checks = []
    for rule in finder.found((), together.found()):
        category, value = rule.when or ("", None)
        at = synthetic[category].isin([value])
        broken = at & synthetic[list(rule.columns)].notna().any(axis=1)
        checks.append(
            MissingWhenCheck(
                columns=list(rule.columns),
                category=category,
                value=str(value),
                description=f"{', '.join(rule.columns)} missing wherever {category} is {value}",
                violation_count=int(broken.sum()),
                real_rows=int(train[category].isin([value]).sum()),
            )
        )
    return checks
