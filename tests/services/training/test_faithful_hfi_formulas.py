"""hfi's summary scores are means of their parts in every real row: `pf_movement` of three
movement scores (a category column of 8 values: the parts take 5 each), `pf_ss` of the
homicide, disappearances and women's scores, each of those the mean of its own parts
(`common.contracts.relations`). Models keep them: generation sets each summary from its parts.

Before: a summary typed categorical (few values) was never set, and a mean written with 9
decimals was no formula at all when its largest part came later in the search (the part as 5
x the mean less the others missed by the mean's rounding): gaussian_copula (seed 1, 300 rows)
paired `pf_movement` 10 with a domestic score of 0 in 61 rows, the report's combinations
check failed on 19 % of rows; 4 of 10 formulas were found. And a rule "a daughter's
inheritance missing where an operating score is 3.33" (a score hfi writes in thirds only in
2008-2010, the years without that inheritance) emptied the inheritance in every synthetic
2011-2013 row with a third: 0.56 of rows missed it, against the real 0.37.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.services.training.faithful_world import QUICK_PARAMS, reported, sample, train

MEANS = {
    "pf_movement": ["pf_movement_domestic", "pf_movement_foreign", "pf_movement_women"],
    "pf_ss": ["pf_ss_homicide", "pf_ss_disappearances", "pf_ss_women"],
    "pf_ss_disappearances": [
        "pf_ss_disappearances_disap",
        "pf_ss_disappearances_violent",
        "pf_ss_disappearances_organized",
        "pf_ss_disappearances_fatalities",
        "pf_ss_disappearances_injuries",
    ],
    "pf_religion": ["pf_religion_estop", "pf_religion_harassment", "pf_religion_restrictions"],
    "pf_association_political": [
        "pf_association_political_establish",
        "pf_association_political_operate",
    ],
}
DAUGHTERS = "pf_ss_women_inheritance_daughters"


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_summary_scores_are_the_means_of_their_parts(engine, hfi, work):
    rows = pd.read_parquet(sample(train(hfi, engine, work, **QUICK_PARAMS[engine]), 300, work))
    report = reported(hfi, rows)
    totals = {t.column: t for t in report.totals}
    assert set(MEANS) <= set(totals), sorted(totals)
    assert [(t.description, t.violation_count) for t in totals.values() if t.violation_count] == []
    for summary, parts in MEANS.items():
        complete = rows[[summary, *parts]].dropna()
        assert len(complete) > 30, summary  # rows with them all, not emptied
        mean = complete[parts].mean(axis=1)
        assert np.allclose(complete[summary], mean, rtol=1e-8, atol=1e-8), summary
    # No movement summary of 10 beside a part of 0: the combinations check no longer sees one.
    movement = [c for c in report.impossible_combinations if "pf_movement" in c.description]
    assert [(c.description, c.violation_count) for c in movement if c.violation_count] == []
    # A daughter's inheritance is missing about as often as in the real rows (0.37).
    real = hfi.frame[DAUGHTERS].isna().mean()
    assert abs(rows[DAUGHTERS].isna().mean() - real) < 0.08, rows[DAUGHTERS].isna().mean()
