"""Formulas and functions are found on tables a user really uploads: one with only the two
columns a formula links (Celsius and Fahrenheit, ISLR's `wage` and `logwage`), and one with
a number column most rows leave empty (a bonus paid to 1 employee in 100).

Before, a table needed three number columns to be searched at all, and only rows with every
number column present were searched: ten rows with a bonus were too few to find Wage's
`logwage` = ln(`wage`), and synthetic rows broke it again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.contracts.totals import Total, find_totals
from services.evaluation.report.totals import total_checks
from services.training.engines.artifact import read_manifest
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train

LOGWAGE = Total("logwage", ("wage",), function="ln")


def _wage() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "wage.csv")


def _with_bonus(every: int) -> pd.DataFrame:
    """Wage with a `bonus` in one row of ``every``, empty in the others."""
    wage = _wage()
    rows = np.arange(len(wage))
    return wage.assign(bonus=np.where(rows % every == 0, 500.0 + rows, np.nan))


def test_two_columns_a_formula_links_are_searched():
    celsius = np.random.default_rng(7).normal(12, 8, 300).round(1)
    weather = pd.DataFrame({"celsius": celsius, "fahrenheit": celsius * 9 / 5 + 32})
    (found,) = find_totals(weather, ["celsius", "fahrenheit"])
    assert found.description == "fahrenheit = 9/5·celsius + 32"
    assert find_totals(_wage()[["wage", "logwage"]], ["wage", "logwage"]) == [LOGWAGE]
    # Two unrelated columns, or two rows short of a formula's evidence: nothing.
    noise = pd.DataFrame(np.random.default_rng(8).normal(size=(300, 2)), columns=["a", "b"])
    assert find_totals(noise, ["a", "b"]) == []
    assert find_totals(weather.head(10), ["celsius", "fahrenheit"]) == []


def test_two_columns_of_trillionths_are_no_function_of_each_other():
    # Capacitances in farads beside a grid of picofarads: every farad value was "the square
    # of" the grid's (3e-12 against 1e-21 differ by less than 1e-9), and generation wrote
    # 8e-21 for every capacitance.
    rng = np.random.default_rng(0)
    farads = pd.DataFrame(
        {"farads": rng.normal(3e-12, 1e-12, 300), "grid": rng.integers(1, 100, 300) * 1e-12}
    )
    assert find_totals(farads, ["farads", "grid"]) == []
    # At their own size, a relation of such columns is still found.
    doubled = farads.assign(twice=farads["farads"] * 2)
    assert [t.description for t in find_totals(doubled, ["farads", "twice"])] == [
        "twice = 2·farads"
    ]


@pytest.mark.parametrize("every", [100, 1_000])
def test_a_mostly_empty_column_hides_no_function(every):
    numbers = ["year", "age", "logwage", "wage", "bonus"]
    assert find_totals(_with_bonus(every), numbers) == [LOGWAGE]
    # A total present in a third of the rows is still searched with its parts.
    third = _wage().assign(pay=lambda w: (w["wage"] + w["age"]).where(w.index % 3 == 0))
    found = find_totals(third, ["age", "logwage", "wage", "pay"])
    assert [t.description for t in found] == ["pay = age + wage"]


def test_synthetic_rows_keep_the_function_beside_a_mostly_empty_column(work):
    csv = work / "wage_bonus.csv"
    _with_bonus(100).to_csv(csv, index=False)
    table = ingested(csv, work)
    assert table.metadata["columns"]["bonus"]["sdtype"] == "numerical"
    trained = train(table, "gaussian_copula", work)
    assert read_manifest(trained.artifact).profile.totals == (LOGWAGE,)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert np.allclose(rows["logwage"], np.log(rows["wage"]), rtol=1e-12, atol=0.0)
    assert rows["wage"].nunique() > 100
    (check,) = total_checks(table.frame, rows, table.metadata)
    assert (check.description, check.violation_count) == ("logwage = ln(wage)", 0)


def test_synthetic_rows_of_a_two_column_table_keep_the_function(work):
    csv = work / "wage_two.csv"
    _wage()[["wage", "logwage"]].to_csv(csv, index=False)
    table = ingested(csv, work)
    trained = train(table, "gaussian_copula", work)
    assert read_manifest(trained.artifact).profile.totals == (LOGWAGE,)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert np.allclose(rows["logwage"], np.log(rows["wage"]), rtol=1e-12, atol=0.0)
