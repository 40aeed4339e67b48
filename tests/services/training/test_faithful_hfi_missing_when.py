"""hfi (a country once a year) misses some scores in whole years (a daughter's inheritance
in 2008-2010, the operating scores in 2014-2016) and a daughter's inheritance beside some
operating scores: rules every model keeps (`common.contracts.missing_when`), with the
country-year key (`common.contracts.unique_keys`).

Before: one rule's mending moved its values into rows another rule keeps empty, and the key's
mending gave rows a year after the rules reading the year were kept: gaussian_copula (seed 1,
300 rows) wrote 86-106 rows breaking one (a daughter's inheritance in 2010), the report
listed them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report.keys import unique_key_checks
from services.evaluation.report.missing import missing_when_checks
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train

PARAMS = {
    "gaussian_copula": {},
    "tabular_argn": {"epochs": 1, "options": {"model_size": "small"}},
}


@pytest.fixture(scope="module")
def hfi(work):
    return ingested(FIXTURES / "hfi.csv", work)


@pytest.mark.parametrize("engine", list(PARAMS))
def test_no_row_has_a_score_its_year_never_has_and_no_country_repeats_a_year(engine, hfi, work):
    rows = pd.read_parquet(sample(train(hfi, engine, work, **PARAMS[engine]), 300, work))
    checks = missing_when_checks(hfi.frame, rows, hfi.metadata)
    years = {c.value for c in checks if c.category == "year"}
    assert {"2008", "2009", "2010", "2014", "2015", "2016"} <= years, checks
    daughters = [c for c in checks if "pf_ss_women_inheritance_daughters" in c.columns]
    assert len(daughters) >= 4, checks  # three years, and beside operating scores
    broken = [(c.description, c.violation_count) for c in checks if c.violation_count]
    assert broken == [], broken
    # The rows with those years still have the other scores, and the other years these.
    in_2010 = rows[rows["year"] == 2010]
    assert len(in_2010) and in_2010["pf_ss_women_inheritance_daughters"].isna().all()
    assert in_2010["pf_rol"].notna().any()
    assert rows.loc[rows["year"] != 2010, "pf_ss_women_inheritance_daughters"].notna().any()
    keys = unique_key_checks(hfi.frame, rows, hfi.metadata)
    # A repeat only for a country drawn more often than it has real years.
    assert sorted((k.name, k.violation_count - k.unavoidable_count) for k in keys) == [
        ("ISO_code", 0),
        ("countries", 0),
    ]
