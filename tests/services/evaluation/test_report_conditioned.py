"""The report of a batch generated with conditions compares it with the real rows that meet
them where at least 30 do, leaves the conditioned columns out of the scores, and says when
too few do that its scores are against the whole table. Privacy stays against all rows."""

from __future__ import annotations

import pandas as pd

from services.evaluation.report import ReportOptions, build_report, render_html
from services.evaluation.report.conditioned import matching_rows

OPTIONS = ReportOptions(sample_rows=1_000)


def test_real_women_score_as_real_rows_when_compared_with_the_real_women(adult):
    women = adult.independent[adult.independent["sex"] == "Female"]
    plain = build_report(adult.train, adult.holdout, women, adult.metadata, OPTIONS)
    conditioned = build_report(
        adult.train, adult.holdout, women, adult.metadata, OPTIONS, conditions={"sex": "Female"}
    )
    real_women = int((adult.train["sex"] == "Female").sum())
    comparison = conditioned.comparison
    assert plain.comparison is None and comparison is not None
    assert (comparison.compared_with, comparison.real_rows) == ("matching", real_women)
    assert comparison.conditioned_columns == ["sex"]
    assert conditioned.sample_sizes.quality_real_rows == min(real_women, 1_000)
    shapes = {detail.column for detail in conditioned.quality.column_shape_details}
    assert "sex" not in shapes and "age" in shapes
    assert "sex" not in {column.column for column in conditioned.fidelity.columns}
    # Real rows of women, judged against real women, look real; against everyone they do not.
    assert conditioned.quality.overall_score > plain.quality.overall_score + 0.05
    assert conditioned.quality.overall_score > 0.85
    # Privacy compares with the whole training split either way.
    assert conditioned.sample_sizes.privacy_train_rows == plain.sample_sizes.privacy_train_rows
    assert "compare it with the" in render_html(conditioned)


def test_too_few_matching_rows_compare_with_the_whole_table_and_say_so(adult):
    old_women = (adult.train["sex"] == "Female") & (adult.train["age"] >= 70)
    assert 0 < old_women.sum() < 30
    synthetic = adult.independent.assign(sex="Female", age=75)
    conditions = {"sex": ["Female"], "age": {"gte": 70.0}}
    report = build_report(
        adult.train, adult.holdout, synthetic, adult.metadata, OPTIONS, conditions=conditions
    )
    comparison = report.comparison
    assert comparison is not None
    assert (comparison.compared_with, comparison.real_rows) == ("whole", len(adult.train))
    assert comparison.matching_real_rows == int(old_women.sum())
    assert comparison.conditions == {"sex": ["Female"], "age": {"gte": 70}}
    assert "are no quality measure for this batch" in comparison.note
    assert comparison.conditioned_columns == ["sex", "age"]


def test_conditions_match_values_lists_ranges_and_dates():
    frame = pd.DataFrame(
        {
            "Temp": [20.0, 20.5, 19.0, None],
            "city": ["Oslo", "Rome", "Oslo", "Rome"],
            "code": [1, 2, 3, 4],
            "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
        }
    )
    assert matching_rows(frame, {"Temp": 20}).tolist() == [True, False, False, False]
    assert matching_rows(frame, {"city": ["Rome"], "code": {"in": [2.0, 4]}}).tolist() == [
        False,
        True,
        False,
        True,
    ]
    assert matching_rows(frame, {"Temp": {"gte": 19.5, "lt": 21}}).tolist() == [
        True,
        True,
        False,
        False,
    ]
    assert matching_rows(frame, {"day": {"gt": "2024-01-02"}}).tolist() == [
        False,
        False,
        True,
        True,
    ]
    assert not matching_rows(frame, {"missing": 1}).any()


def test_a_long_list_of_values_is_quoted_short_in_the_note(adult):
    weights = sorted(adult.train["fnlwgt"].unique().tolist())[:500]
    conditions = {"fnlwgt": [float(weight) for weight in weights]}
    report = build_report(
        adult.train,
        adult.holdout,
        adult.independent,
        adult.metadata,
        OPTIONS,
        conditions=conditions,
    )
    comparison = report.comparison
    assert comparison is not None and comparison.conditions == {"fnlwgt": weights}
    assert comparison.matching_real_rows >= 500  # each value is a real row's
    assert len(comparison.note) < 600 and "…" in comparison.note
