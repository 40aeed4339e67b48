"""A Parquet file whose number columns are float32 (pandas' `astype("float32")`, a model's
features) keeps its sums and functions: ISLR's Wage in float32 has `logwage` = ln(`wage`),
and a bill's `total` = `net` + `tax`, in every synthetic row.

Before, two numbers were one only within 1e-9 of each other, while float32 keeps about 7
digits: no sum and no function of a float32 column was found, and gaussian_copula's rows
broke them (241 of 1,000 with a `logwage` off ln(`wage`) by more than 0.01, 756 whose
`total` missed `net` + `tax`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.contracts.totals import Total, find_totals
from services.evaluation.report.totals import total_checks
from services.training.engines.artifact import read_manifest
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train

LOGWAGE = Total("logwage", ("wage",), function="ln")
TOTAL = Total("total", ("net", "tax"))


def _wage32() -> pd.DataFrame:
    """Wage's numbers in float32, each computed in float32 as a pipeline would."""
    wage = pd.read_csv(FIXTURES / "wage.csv")
    pay = wage["wage"].astype("float32")
    net = (pay * np.float32(0.8)).round(2).astype("float32")
    tax = (pay * np.float32(0.2)).round(2).astype("float32")
    return wage.assign(wage=pay, logwage=np.log(pay), net=net, tax=tax, total=net + tax)


def test_float32_sums_and_functions_are_found_and_a_near_miss_is_not():
    table = _wage32()
    assert table["logwage"].dtype == np.float32
    numbers = ["age", "wage", "logwage", "net", "tax", "total"]
    assert find_totals(table, numbers) == [TOTAL, LOGWAGE]
    # Off by a thousandth in one row, in float32 too: none.
    broken = table.copy()
    broken.loc[5, "logwage"] = np.float32(broken.loc[5, "logwage"] + 0.001)
    broken.loc[9, "total"] = np.float32(broken.loc[9, "total"] + 0.01)
    assert find_totals(broken, numbers) == []


def test_synthetic_rows_of_a_float32_parquet_keep_them(work):
    source = work / "wage32.parquet"
    _wage32().to_parquet(source)
    table = ingested(source, work)
    assert table.frame["logwage"].dtype == np.float32
    trained = train(table, "gaussian_copula", work)
    assert set(read_manifest(trained.artifact).profile.totals) == {TOTAL, LOGWAGE}
    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert np.allclose(rows["logwage"], np.log(rows["wage"].astype("float64")), rtol=3e-7)
    assert np.allclose(rows["total"], rows["net"] + rows["tax"], rtol=3e-7)
    assert rows["wage"].nunique() > 100
    checks = total_checks(table.frame, rows, table.metadata)
    assert {c.description: c.violation_count for c in checks} == {
        "total = net + tax": 0,
        "logwage = ln(wage)": 0,
    }
