"""A phone column mixing forms (`(555) 010-1234`, `555-010-1234`, `+1 555 010 1234`) gets fakes
in the same mix of forms, never a real number (`id_shapes.phone_forms`); the report's forms
check gives the gap between the mixes (`FormCheck.form_gap`).

The table: palmerpenguins (real) with a phone column of fictional numbers (555-01xx, reserved
for fiction) added, half in the first form, 30 % in the second and 20 % in the third. Before,
every fake was written in the commonest length's form, `(999) 999-9999`: a gap of 0.5 that
the report did not show (no fake was in a form the real column lacks).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import render_html
from tests.services.training.faithful_world import (
    FIXTURES,
    QUICK_PARAMS,
    Ingested,
    ingested,
    reported,
    sample,
    train,
)

SHARES = {"(999) 999-9999": 0.5, "999-999-9999": 0.3, "+1 999 999 9999": 0.2}


@pytest.fixture(scope="module")
def phones(work: Path) -> Ingested:
    table = pd.read_csv(FIXTURES / "penguins.csv")
    rng = np.random.default_rng(5)
    n = len(table)
    area, last = rng.integers(201, 989, n), rng.integers(100, 200, n)
    form = rng.choice(3, n, p=list(SHARES.values()))
    written = [
        (f"({a}) 555-0{b}", f"{a}-555-0{b}", f"+1 {a} 555 0{b}")[f]
        for a, b, f in zip(area, last, form, strict=True)
    ]
    table.insert(0, "phone", written)
    path = work / "penguins_phones.csv"
    table.to_csv(path, index=False)
    return ingested(path, work)


def _shares(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\d", "9", regex=True).str.replace(r"^\+9 ", "+1 ", regex=True)


def test_the_phone_column_is_personal_data_of_three_forms(phones):
    assert phones.metadata["columns"]["phone"]["sdtype"] == "phone_number"
    real = _shares(phones.frame["phone"]).value_counts(normalize=True)
    assert set(real.index) == set(SHARES)


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_fake_phones_keep_the_real_mix_of_forms(engine, phones, work):
    rows = pd.read_parquet(sample(train(phones, engine, work, **QUICK_PARAMS[engine]), 300, work))
    fake = _shares(rows["phone"]).value_counts(normalize=True)
    real = _shares(phones.frame["phone"]).value_counts(normalize=True)
    assert set(fake.index) == set(SHARES), fake
    assert (fake - real).abs().max() < 0.1, (fake, real)
    assert not rows["phone"].isin(set(phones.frame["phone"])).any()  # never a real number
    (check,) = [f for f in reported(phones, rows).forms if f.column == "phone"]
    assert check.unlike_share == 0.0 and check.form_gap is not None and check.form_gap < 0.1


def test_the_report_shows_fakes_in_one_form_only(phones):
    """What a user got before: every fake in the commonest form."""
    rng = np.random.default_rng(7)
    area, last = rng.integers(201, 989, 300), rng.integers(100, 200, 300)
    one_form = pd.Series([f"({a}) 555-0{b}" for a, b in zip(area, last, strict=True)])
    rows = phones.frame.sample(300, random_state=1, replace=True).reset_index(drop=True)
    rows["phone"] = one_form
    report = reported(phones, rows)
    (check,) = [f for f in report.forms if f.column == "phone"]
    assert check.unlike_share == 0.0 and check.form_gap is not None and check.form_gap > 0.4
    page = render_html(report)
    section = page.split("Values written unlike the real ones")[1]
    assert "<td>phone</td>" in section.split("</table>")[0], section[:600]
