"""A runner's log (Stat2Data's Marathon): no shoe brand is recorded for any of the 752 runs
before 2005 (`After2004` = 0), and one is for all but 4 of the 375 after.

Before: each engine learned the brand's missing values apart from `After2004`, so one
synthetic run of seven before 2005 had a brand (gaussian_copula 69 of 500, tabular_argn 78,
ctgan 68), a thing the real log never has.
"""

from __future__ import annotations

import pandas as pd
import pytest

from common.contracts.missing_together import MissingTogether
from services.evaluation.report import build_report, render_html
from services.training.engines.derived import DerivedRules
from services.training.engines.profile import _KIND_BY_SDTYPE
from tests.services.training.faithful_world import (
    QUICK_PARAMS,
    REPORT_OPTIONS,
    reported,
    sample,
    train,
    unmended,
)


def _rules_of(table) -> list[MissingTogether]:
    kinds = {
        name: _KIND_BY_SDTYPE.get(column["sdtype"], "pii")
        for name, column in table.metadata["columns"].items()
    }
    rules = DerivedRules(kinds)
    rules.add(table.frame)
    return [rule for rule in rules.found()["missing_together"] if rule.when]


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_no_shoe_brand_before_2005(engine, marathon, work):
    rows = pd.read_parquet(sample(train(marathon, engine, work, **QUICK_PARAMS[engine]), 500, work))
    before = rows["After2004"] == 0
    assert before.sum() > 100  # the engine still writes runs before 2005
    assert rows.loc[before, "ShoeBrand"].isna().all(), rows.loc[before, "ShoeBrand"].head()
    # The brands the engine wrote are kept, on runs after 2004: about as many as in the log.
    shares = rows.loc[~before, "ShoeBrand"].notna().mean()
    assert shares > 0.5, shares
    real = set(marathon.frame["ShoeBrand"].dropna())
    assert set(rows["ShoeBrand"].dropna()) <= real


def test_the_rule_is_the_logs_own_and_no_other_table_gets_one(marathon, adult):
    assert _rules_of(marathon) == [MissingTogether(("ShoeBrand",), ("After2004", 0))]
    assert _rules_of(adult) == []


def test_a_rule_travels_with_the_columns_missing_together():
    rule = MissingTogether(("a", "b"), ("kind", "x"))
    assert MissingTogether.from_dict(rule.to_dict()) == rule
    assert MissingTogether.from_dict({"columns": ["a", "b"]}) == MissingTogether(("a", "b"))


def test_the_report_counts_runs_before_2005_with_a_brand(marathon, work):
    trained = train(marathon, "gaussian_copula", work)

    raw = unmended(trained, 500)  # what gaussian_copula wrote before
    broken = int((raw["ShoeBrand"].notna() & (raw["After2004"] == 0)).sum())
    assert broken > 20
    before = reported(marathon, raw)
    (check,) = before.missing_when
    assert (check.columns, check.category, check.value) == (["ShoeBrand"], "After2004", "0")
    assert check.violation_count == broken and check.real_rows > 500
    assert "Values where the real rows have none" in render_html(before)
    after = reported(marathon, pd.read_parquet(sample(trained, 500, work)))
    assert [c.violation_count for c in after.missing_when] == [0]
    assert "Values where the real rows have none" not in render_html(after)


def test_the_report_finds_no_such_rule_on_adult(adult):
    frame = adult.frame.sample(4_000, random_state=0)
    report = build_report(
        frame[:3_000], frame[3_000:], frame[:1_000], adult.metadata, REPORT_OPTIONS
    )
    assert report.missing_when == []
