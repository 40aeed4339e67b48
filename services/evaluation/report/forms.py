"""How the values of the columns the scores leave out (ids and PII, made anew by generation)
are written, against the real ones: a share of synthetic values written in a form no real
value has.

Scores measure numbers, dates and categories; an id or a phone column is left out of them,
its values fake by design. But a fake must look like the real ones: a pizzeria's time of day
(`11:57:40`) once taken for an IPv6 address came back `86.228.88.182` in every row, and an
order number `2015-000002` as a phone number `(564) 664-9257`, while the report said
nothing. A value's form is its characters by kind, a run of each kind written once (`9:9:9`
for `11:57:40`, `9.9.9.9` for an address, `Aa Aa` for `Mary Smith`); the share counts the
synthetic values whose form none of the real values has.

Bounded: the first ``SAMPLE_ROWS`` values of each table, and the ``MAX_COLUMNS`` first such
columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from services.evaluation.report.form_models import FormCheck

SAMPLE_ROWS = 20_000
MAX_COLUMNS = 100
_KINDS = (("[0-9]+", "9"), ("[A-Z]+", "A"), ("[a-z]+", "a"))


def form_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any], excluded: list[str]
) -> list[FormCheck]:
    """Each left-out column of text in both tables, with the share of synthetic values in a
    form no real value has."""
    checks = []
    columns = metadata.get("columns") or {}
    for name in [c for c in excluded if c in train.columns and c in synthetic.columns]:
        real = _texts(train[name])
        fake = _texts(synthetic[name])
        if real is None or fake is None or real.empty or fake.empty:
            continue
        forms = set(_forms(real))
        unlike = ~_forms(fake).isin(forms)
        checks.append(
            FormCheck(
                column=name,
                sdtype=str(columns.get(name, {}).get("sdtype")),
                unlike_share=float(unlike.mean()),
                example=str(fake[unlike.to_numpy()].iloc[0]) if unlike.any() else None,
                real_example=str(real.iloc[0]),
            )
        )
        if len(checks) >= MAX_COLUMNS:
            break
    return checks


def _texts(values: pd.Series) -> pd.Series | None:
    present = values.dropna().head(SAMPLE_ROWS)
    if not (pd.api.types.is_object_dtype(present) or pd.api.types.is_string_dtype(present)):
        return None
    return present.astype(str)


def _forms(values: pd.Series) -> pd.Series:
    for pattern, kind in _KINDS:
        values = values.str.replace(pattern, kind, regex=True)
    return values
