"""Columns missing in the same real rows stay missing in the same synthetic rows: survival's
pbc (the 106 patients outside the trial have no treatment, symptoms, alkaline phosphatase or
AST) and Minneapolis police stops (a stop without a form has no searches and no race).

Before: gaussian_copula wrote `trt` NA beside `ascites` 0 and `hepato` NA, a treatment beside
missing symptoms, a race beside a missing `preRace`, in most rows with any of them missing.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from common.contracts.missing_together import MissingTogether
from tests.services.training.faithful_world import (
    FIXTURES,
    exported,
    ingested,
    sample,
    train,
    unmended,
)

TRIAL = ["trt", "ascites", "hepato", "spiders", "alk.phos", "ast"]
FORM = ["personSearch", "vehicleSearch", "preRace", "race"]


def _rows(csv_text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)


def _together(rows: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Per row, whether the columns are all NA or all present."""
    missing = rows[columns] == "NA"
    return missing.all(axis=1) | ~missing.any(axis=1)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_patients_outside_the_trial_miss_all_of_its_measures(engine, work):
    pbc = ingested(FIXTURES / "pbc.csv", work)
    trained = train(pbc, engine, work)
    rows = _rows(exported(sample(trained, 400, work), "csv"))
    assert _together(rows, TRIAL).all(), rows[~_together(rows, TRIAL)][TRIAL].head()
    outside = (rows["trt"] == "NA").mean()  # 25 % of the real patients
    assert 0.05 <= outside <= 0.6, outside
    # Values lent to a row are real ones of their column: symptoms stay 0 or 1.
    assert set(rows["ascites"]) <= {"0", "1", "NA"}
    # The other columns missing on their own keep doing so (chol: 134 patients, trt: 106).
    assert ((rows["chol"] == "NA") & (rows["trt"] != "NA")).any()
    if engine == "gaussian_copula":  # what the engine writes before conform: scattered
        raw = unmended(trained, 400).isna()[TRIAL]
        assert (raw.any(axis=1) & ~raw.all(axis=1)).mean() > 0.2


def test_stops_without_a_form_miss_all_it_asks(work):
    stops = ingested(FIXTURES / "mpls_stops.csv", work)
    rows = _rows(exported(sample(train(stops, "gaussian_copula", work), 400, work), "csv"))
    assert _together(rows, FORM).all()
    assert (rows["race"] == "NA").any() and (rows["race"] != "NA").mean() > 0.5
    # MDC is "other" for exactly the stops without a form: set from preRace, which now is
    # missing where the rest of the form is.
    assert ((rows["MDC"] == "other") == (rows["race"] == "NA")).all()


def test_a_condition_on_a_column_of_the_group_leads_it():
    rows = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, np.nan, 5.0],
            "b": [np.nan, 2.0, 3.0, 4.0, np.nan],
            "c": ["x", "y", "v", "z", "w"],
        }
    )
    group = MissingTogether(("a", "b", "c"))
    led = rows.copy()
    group.mend(led, np.random.default_rng(0), frozen=("b",))
    assert led["b"].tolist()[1:4] == [2.0, 3.0, 4.0]  # the condition's values stand
    assert led.isna().eq(led["b"].isna(), axis=0).all().all()
    assert led["a"].tolist()[1:4] == [3.0, 3.0, 3.0]  # lent by the one whole row
    mended = rows.copy()
    group.mend(mended, np.random.default_rng(0), frozen=())
    assert mended.isna().eq(mended["a"].isna(), axis=0).all().all()
    assert mended["a"].tolist()[::2] == [1.0, 3.0, 5.0]  # the first column leads
    assert mended["c"].tolist()[::2] == ["x", "v", "w"]  # present values stay
