"""Keys of a name and a year that no two real rows share (openintro's hfi: a country once a
year), and the synthetic rows repeating one: a country scored twice in 2012 is one a user
spots at once, while every column's shape and the pairs' scores are about right.

The rule is training's (`common.contracts.unique_keys`): models trained with it give a row
repeating a key another year. Rows past what the real names and years allow (more rows of a
country than it has years) repeat a key whatever a model does: ``unavoidable_count``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.unique_keys import find_unique_keys
from services.evaluation.report.form_models import KeyCheck


def unique_key_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[KeyCheck]:
    """Every key of the real rows, with the synthetic rows repeating it."""
    specs = metadata.get("columns") or {}
    checks = []
    for key in find_unique_keys(train, specs):
        if not set(key.columns) <= set(synthetic.columns):
            continue
        times = train[key.time].nunique()
        per_name = synthetic[list(key.columns)].dropna()[key.name].value_counts()
        checks.append(
            KeyCheck(
                name=key.name,
                time=key.time,
                description=key.description,
                violation_count=int(key.repeated(synthetic).sum()),
                unavoidable_count=int((per_name - times).clip(lower=0).sum()),
                real_rows=int(train[list(key.columns)].notna().all(axis=1).sum()),
            )
        )
    return checks
