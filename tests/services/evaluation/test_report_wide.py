"""Wide tables: pairwise parts of the report are bounded (`report.bounds`).

Column Pair Trends scored every one of 124,750 pairs of a 500-column table, and the report
never finished. Past 2,000 pairs it scores the pairs a user watches and a seeded sample of
the others, and says how many of how many; narrow tables get the report they got before.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sdmetrics.reports import QualityReport

from services.evaluation.report import ReportOptions, build_report, render_html
from services.evaluation.report.bounds import privacy_rows, utility_rows
from services.evaluation.report.columns import plan_columns
from services.evaluation.report.quality import TABLE, quality_scores, sdmetrics_metadata

COLUMNS = 70  # 2,415 pairs: past the 2,000 scored
OPTIONS = ReportOptions(sample_rows=300, privacy_sample_rows=100, utility_sample_rows=300)


def _wide(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(rows, 4))
    frame = pd.DataFrame(
        {f"n{i}": factors[:, i % 4] * (i + 1) + rng.normal(size=rows) for i in range(COLUMNS - 3)}
    )
    for name in ("colour", "shape"):
        frame[name] = np.array(["a", "b", "c"])[rng.integers(0, 3, rows)]
    frame["label"] = np.where(factors[:, 0] > 0, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def wide() -> dict:
    real = _wide(600, seed=0)
    metadata = {
        "columns": {
            name: {"sdtype": "numerical" if name.startswith("n") else "categorical"}
            for name in real
        },
        "target_column": "label",
        "rules": [{"kind": "fixed_combinations", "columns": ["colour", "n40"]}],
    }
    train, holdout = real.iloc[:300], real.iloc[300:]
    report = build_report(train, holdout, _wide(300, seed=1), metadata, OPTIONS)
    again = build_report(train, holdout, _wide(300, seed=1), metadata, OPTIONS)
    return {"report": report, "again": again}


def test_a_wide_report_scores_a_bounded_set_of_pairs_and_says_how_many(wide):
    quality = wide["report"].quality
    assert (quality.column_pairs_scored, quality.column_pairs_total) == (2_000, 2_415)
    pairs = {frozenset((p.column_1, p.column_2)) for p in quality.column_pair_details}
    assert len(pairs) == 2_000
    # The pairs a user watches are always scored: the target's, the rule's.
    others = [f"n{i}" for i in range(COLUMNS - 3)] + ["colour", "shape"]
    assert {frozenset(("label", name)) for name in others} <= pairs
    assert frozenset(("colour", "n40")) in pairs
    assert 0.0 < quality.column_pair_trends <= 1.0
    # The same table and seed score the same pairs, to the same score.
    assert wide["again"].quality == quality
    html = render_html(wide["report"])
    assert "Column pair trends scored 2,000 of the table's 2,415 column pairs" in html


def test_a_wide_report_correlates_at_most_fifty_columns_the_target_among_them(wide):
    report = wide["report"]
    correlation = report.fidelity.correlation
    assert len(correlation.columns) == 50 and correlation.total_columns == COLUMNS
    assert {"label", "colour", "n40"} <= set(correlation.columns)
    assert [len(row) for row in correlation.real] == [50] * 50
    assert [len(h.values) for h in report.charts.heatmaps] == [50, 50]
    # Every column still has its own scores and chart.
    assert len(report.fidelity.columns) == len(report.charts.columns) == COLUMNS
    assert "over 50 of the 70 columns" in render_html(report)


def test_a_narrow_table_gets_every_pair_as_sdmetrics_scores_them(adult):
    real, synthetic = adult.train.iloc[:500], adult.independent.iloc[:500]
    plan = plan_columns(adult.metadata, {"train": real, "synthetic": synthetic})
    ours = quality_scores(real, synthetic, plan)
    assert (ours.column_pairs_scored, ours.column_pairs_total) == (105, 105)
    theirs = QualityReport()
    metadata = {"tables": {TABLE: sdmetrics_metadata(plan)}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.generate({TABLE: real}, {TABLE: synthetic}, metadata, verbose=False)
    assert ours.overall_score == theirs.get_score()
    details = theirs.get_details("Column Pair Trends")
    scores = [np.nan if p.score is None else p.score for p in ours.column_pair_details]
    assert scores == pytest.approx(details["Score"].tolist(), nan_ok=True)


def test_wide_tables_give_the_utility_models_and_privacy_search_fewer_rows():
    # The service's caps (50,000 rows) hold up to adult's width; past it the work stays
    # what adult's costs, and the report's sample sizes say how many rows each part took.
    assert utility_rows(50_000, 15) == 50_000 and utility_rows(None, 15) == 333_333
    assert utility_rows(50_000, 500) == 10_000 and utility_rows(50_000, 1_000) == 5_000
    assert privacy_rows(50_000, 15) == 30_000 and privacy_rows(20_000, 15) == 20_000
    assert privacy_rows(50_000, 500) == 5_196 and privacy_rows(None, 1_000) == 3_674
