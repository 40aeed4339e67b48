"""A number column that is a fixed function of another in every real row stays that function
of it: ISLR's Wage has `logwage` = ln(`wage`) in every row, and so does every synthetic row.

Before, about a quarter of generated rows had a `logwage` off ln(`wage`) by more than 0.01,
and the report did not notice."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from common.contracts.functions import MIN_VALUES
from common.contracts.totals import Total, find_totals
from services.evaluation.report.totals import total_checks
from services.training.engines.artifact import read_manifest
from tests.services.training.faithful_world import (
    FIXTURES,
    ingested,
    sample,
    train,
    unmended,
)

WAGE = FIXTURES / "wage.csv"
LOGWAGE = Total("logwage", ("wage",), function="ln")


def _numbers(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]


def _off(rows: pd.DataFrame) -> np.ndarray:
    return np.abs(rows["logwage"].to_numpy() - np.log(rows["wage"].to_numpy()))


def test_a_logarithm_is_found_after_its_rounding_and_coincidences_are_not():
    wage = pd.read_csv(WAGE)
    categories = [c for c in wage.columns if c not in _numbers(wage)]
    assert find_totals(wage, _numbers(wage), categories) == [LOGWAGE]
    assert LOGWAGE.description == "logwage = ln(wage)"
    # Written with 4 decimals, it holds after that rounding and is set with 4 decimals.
    rounded = wage.assign(logwage=wage["logwage"].round(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # exp of a column near 700, rounded: quietly none
        wider = rounded.assign(scaled=700.0 + np.arange(len(rounded)) % 9)
        (found,) = find_totals(wider, [*_numbers(wage), "scaled"])
    assert (found.description, found.decimals) == ("logwage = ln(wage)", 4)
    rows = rounded.head(5).assign(logwage=0.0)
    found.derive(rows)
    assert rows["logwage"].tolist() == rounded["logwage"].head(5).tolist()
    # The other way round when the wage is the rounded one: wage = exp(logwage), in cents.
    cents = wage.assign(wage=wage["wage"].round(2))
    assert [t.description for t in find_totals(cents, _numbers(wage))] == ["wage = exp(logwage)"]
    # Rounded to tenths (a thousandth of its range is finer): a near fit would pass, none.
    assert find_totals(wage.assign(logwage=wage["logwage"].round(1)), _numbers(wage)) == []
    # One row off, or too few values to tell: none.
    broken = wage.copy()
    broken.loc[7, "logwage"] += 0.01
    assert find_totals(broken, _numbers(wage)) == []
    few = wage[wage["wage"].isin(wage["wage"].unique()[: MIN_VALUES - 1])]
    assert find_totals(few, _numbers(wage)) == []
    # A row with a wage where ln is not defined is generated as it comes (no NaN made).
    odd = wage.head(3).assign(wage=[-1.0, 0.0, 100.0], logwage=[1.0, 2.0, 3.0])
    LOGWAGE.derive(odd)
    assert odd["logwage"].tolist() == [1.0, 2.0, np.log(100.0)]
    assert LOGWAGE.broken(odd).tolist() == [True, True, False]


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_logwage_is_the_log_of_its_wage(engine, work):
    wage = ingested(WAGE, work)
    trained = train(wage, engine, work)
    assert read_manifest(trained.artifact).profile.totals == (LOGWAGE,)
    raw = unmended(trained, 1_000)
    assert (_off(raw) > 0.01).sum() > 50  # as a user saw
    (check,) = total_checks(wage.frame, raw, wage.metadata)
    assert (check.description, check.parts) == ("logwage = ln(wage)", ["wage"])
    assert check.violation_count > 50 and check.real_rows == len(wage.frame)

    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert np.allclose(rows["logwage"], np.log(rows["wage"]), rtol=1e-12, atol=0.0)
    assert rows["wage"].nunique() > 100  # still spread, not one wage
    (check,) = total_checks(wage.frame, rows, wage.metadata)
    assert check.violation_count == 0
