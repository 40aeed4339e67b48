"""Quality (SDMetrics reports) and fidelity: a copy scores about 1, shuffled columns lose
their pair trends and correlations but keep their shapes."""

from __future__ import annotations

import numpy as np
import pytest

from services.evaluation.report import ReportOptions, build_report

OPTIONS = ReportOptions(sample_rows=1_000)


def test_a_copy_has_perfect_quality(copy_report):
    quality = copy_report.quality
    assert quality.overall_score == pytest.approx(1.0, abs=1e-6)
    assert quality.column_pair_trends == pytest.approx(1.0, abs=1e-6)
    assert quality.diagnostic_score == pytest.approx(1.0, abs=1e-6)
    assert len(quality.column_shape_details) == 15
    assert len(quality.column_pair_details) == 15 * 14 // 2


def test_shuffled_columns_keep_shapes_but_lose_pair_trends(copy_report, shuffled_report):
    shuffled = shuffled_report.quality
    assert shuffled.column_shapes == pytest.approx(copy_report.quality.column_shapes, abs=0.02)
    assert shuffled.column_pair_trends < copy_report.quality.column_pair_trends - 0.05
    assert shuffled.overall_score < copy_report.quality.overall_score


def test_fidelity_of_a_copy_is_exact(copy_report):
    fidelity = copy_report.fidelity
    assert [column.score for column in fidelity.columns] == [1.0] * 15
    assert all(c.wasserstein == 0.0 for c in fidelity.columns if c.kind == "numerical")
    assert all(c.wasserstein is None for c in fidelity.columns if c.kind == "categorical")
    assert fidelity.correlation.max_abs_diff == 0.0


def test_fidelity_sees_lost_correlations_of_shuffled_columns(shuffled_report):
    fidelity = shuffled_report.fidelity
    assert min(column.score for column in fidelity.columns) > 0.999
    correlation = fidelity.correlation
    columns = correlation.columns
    education = columns.index("education"), columns.index("education-num")
    # education and education-num encode the same thing: Cramer's V / eta near 1 in real data.
    assert correlation.real[education[0]][education[1]] > 0.9
    assert correlation.synthetic[education[0]][education[1]] < 0.2
    assert correlation.max_abs_diff > 0.7
    assert correlation.mean_abs_diff > 0.05


def test_wasserstein_grows_with_a_shift(adult):
    shifted = adult.independent.assign(age=adult.independent["age"] + 10)
    report = build_report(adult.train, adult.holdout, shifted, adult.metadata, OPTIONS)
    age = next(column for column in report.fidelity.columns if column.column == "age")
    other = next(column for column in report.fidelity.columns if column.column == "fnlwgt")
    assert age.wasserstein > 0.5
    assert other.wasserstein < 0.1
    assert age.score < 0.8


def test_pii_and_id_columns_are_excluded_from_every_measure(adult):
    rng = np.random.default_rng(0)

    def with_pii(frame):
        return frame.assign(
            email=[f"user{rng.integers(1e9)}@example.com" for _ in range(len(frame))],
            row_id=np.arange(len(frame)),
        )

    metadata = {
        "columns": {
            **adult.metadata["columns"],
            "email": {"sdtype": "email"},
            "row_id": {"sdtype": "id"},
        },
        "primary_key": "row_id",
    }
    # A copy of train whose fake e-mails and ids were generated afresh.
    report = build_report(
        with_pii(adult.train), with_pii(adult.holdout), with_pii(adult.train), metadata, OPTIONS
    )
    assert report.columns_excluded == ["email", "row_id"]
    shaped = {detail.column for detail in report.quality.column_shape_details}
    assert "email" not in shaped and "row_id" not in shaped
    assert "email" not in report.fidelity.correlation.columns
    # Fresh fake values in excluded columns do not hide copied rows.
    assert report.privacy.exact_copy_share == 1.0
    assert report.privacy.verdict == "fail"
