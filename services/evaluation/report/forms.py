"""How the values of the columns the scores leave out (ids and PII, made anew by generation)
are written, against the real ones: a share of synthetic values written in a form no real
value has.

Scores measure numbers, dates and categories; an id or a phone column is left out of them,
its values fake by design. But a fake must look like the real ones: a pizzeria's time of day
(`11:57:40`) once taken for an IPv6 address came back `86.228.88.182` in every row, and an
order number `2015-000002` as a phone number `(564) 664-9257`, while the report said
nothing. A value's form is its characters by kind, a run of each kind written once (`9:9:9`
for `11:57:40`, `9.9.9.9` for an address, `Aa Aa` for `Mary Smith`); the share counts the
synthetic values whose form none of the real values has; for phones, the gap between the
forms' shares among the synthetic values written like a real one (`form_gap`: a column
mixing `(555) 010-1234`, `555-010-1234` and `+1 555 010 1234` half, 30 % and 20 %, faked
in the first form only, is 0.5 off, though no fake is unlike a real one).

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
# Kinds whose mix of forms is compared (a name's or a city's count of words is no form).
MIXED_FORMS = ("phone_number",)
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
        real_forms, fake_forms = _forms(real), _forms(fake)
        unlike = ~fake_forms.isin(set(real_forms))
        # The mix among the fakes written like some real value (the others: `unlike_share`).
        alike = fake_forms[~unlike.to_numpy()].value_counts(normalize=True)
        shares = pd.concat([real_forms.value_counts(normalize=True), alike], axis=1).fillna(0.0)
        sdtype = str(columns.get(name, {}).get("sdtype"))
        checks.append(
            FormCheck(
                column=name,
                sdtype=sdtype,
                unlike_share=float(unlike.mean()),
                example=str(fake[unlike.to_numpy()].iloc[0]) if unlike.any() else None,
                real_example=str(real.iloc[0]),
                form_gap=_gap(shares) if len(alike) and sdtype in MIXED_FORMS else None,
            )
        )
        if len(checks) >= MAX_COLUMNS:
            break
    return checks


def _gap(shares: pd.DataFrame) -> float:
    return float((shares.iloc[:, 0] - shares.iloc[:, 1]).abs().sum() / 2)


def _texts(values: pd.Series) -> pd.Series | None:
    present = values.dropna().head(SAMPLE_ROWS)
    if not (pd.api.types.is_object_dtype(present) or pd.api.types.is_string_dtype(present)):
        return None
    return present.astype(str)


def _forms(values: pd.Series) -> pd.Series:
    for pattern, kind in _KINDS:
        values = values.str.replace(pattern, kind, regex=True)
    return values
