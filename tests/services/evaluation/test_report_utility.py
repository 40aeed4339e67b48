"""ML utility: TSTR against TRTR, and clear errors for targets that cannot be learnt."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import ReportError, ReportOptions, build_report

OPTIONS = ReportOptions(sample_rows=1_000)


def _metrics(report):
    return {metric.name: metric for metric in report.utility.metrics}


def test_default_target_is_the_last_categorical_column(copy_report):
    utility = copy_report.utility
    assert utility.target_column == "income"
    assert utility.task == "classification"
    assert utility.classes == ["<=50K", ">50K"]


def test_default_target_skips_constant_categorical_columns(adult):
    tables = [frame.assign(batch="b1") for frame in (adult.train, adult.holdout, adult.train)]
    metadata = {"columns": {**adult.metadata["columns"], "batch": {"sdtype": "categorical"}}}
    report = build_report(*tables, metadata, OPTIONS)
    assert report.utility.target_column == "income"


def test_a_copy_is_as_useful_as_the_real_data(copy_report):
    metrics = _metrics(copy_report)
    assert set(metrics) == {"accuracy", "f1_macro", "roc_auc"}
    assert metrics["roc_auc"].real > 0.8
    for metric in metrics.values():
        assert metric.ratio == pytest.approx(1.0, abs=1e-9)


def test_random_labels_are_much_less_useful(adult):
    rng = np.random.default_rng(0)
    synthetic = adult.train.assign(income=rng.permutation(adult.train["income"].to_numpy()))
    report = build_report(adult.train, adult.holdout, synthetic, adult.metadata, OPTIONS)
    metrics = _metrics(report)
    assert metrics["roc_auc"].synthetic < 0.6
    assert metrics["roc_auc"].ratio < 0.7
    assert metrics["f1_macro"].ratio < 0.8


def test_numerical_target_is_a_regression(adult):
    options = ReportOptions(sample_rows=1_000, target_column="age")
    report = build_report(adult.train, adult.holdout, adult.train, adult.metadata, options)
    assert report.utility.task == "regression"
    (r2,) = report.utility.metrics
    assert r2.name == "r2"
    assert 0.2 < r2.real < 1.0
    assert r2.ratio == pytest.approx(1.0, abs=1e-9)


def test_whole_number_codes_are_classes(adult):
    # education-num is typed numerical here, but its 16 whole-number codes are classes.
    options = ReportOptions(sample_rows=1_000, target_column="education-num")
    report = build_report(adult.train, adult.holdout, adult.train, adult.metadata, options)
    assert report.utility.task == "classification"
    assert "16" in report.utility.classes
    # education fully determines education-num, so the model learns it almost perfectly.
    assert _metrics(report)["accuracy"].real > 0.95


def test_multiclass_target_reports_one_vs_rest_auc(adult):
    options = ReportOptions(sample_rows=1_000, target_column="race")
    report = build_report(adult.train, adult.holdout, adult.independent, adult.metadata, options)
    metrics = _metrics(report)
    assert len(report.utility.classes) == 5
    assert 0.5 < metrics["roc_auc"].real <= 1.0
    assert metrics["roc_auc"].ratio == pytest.approx(1.0, abs=0.15)


def _error(adult, synthetic=None, train=None, target=None) -> ReportError:
    options = ReportOptions(sample_rows=1_000, target_column=target)
    with pytest.raises(ReportError) as raised:
        build_report(
            adult.train if train is None else train,
            adult.holdout,
            adult.independent if synthetic is None else synthetic,
            adult.metadata,
            options,
        )
    assert raised.value.field == "target_column"
    return raised.value


def test_missing_target_is_a_clear_error(adult):
    error = _error(adult, target="salary")
    assert "'salary' is not in the table" in error.message


def test_constant_target_in_synthetic_is_a_clear_error(adult):
    error = _error(adult, synthetic=adult.independent.assign(income="<=50K"), target="income")
    assert "constant" in error.message and "synthetic" in error.message


def test_unusable_default_target_leaves_utility_unmeasured_with_the_reason(adult):
    synthetic = adult.independent.assign(income="<=50K")
    report = build_report(adult.train, adult.holdout, synthetic, adult.metadata, OPTIONS)
    assert report.utility is None
    assert "'income'" in report.utility_note and "constant" in report.utility_note
    assert report.privacy.verdict in ("pass", "warn", "fail")


def test_constant_target_in_train_is_a_clear_error(adult):
    error = _error(adult, train=adult.train.assign(income=None), target="income")
    assert "constant or empty in the real training data" in error.message


def test_class_only_in_synthetic_is_a_clear_error(adult):
    synthetic = adult.independent.copy()
    synthetic.loc[:10, "income"] = "unheard-of"
    error = _error(adult, synthetic=synthetic, target="income")
    assert "unheard-of" in error.message


def test_a_table_of_numbers_regresses_its_last_column(adult):
    numeric = [
        name for name, spec in adult.metadata["columns"].items() if spec["sdtype"] == "numerical"
    ]
    metadata = {"columns": {name: adult.metadata["columns"][name] for name in numeric}}
    tables = [frame[numeric] for frame in (adult.train, adult.holdout, adult.independent)]
    report = build_report(*tables, metadata, OPTIONS)
    assert report.utility.target_column == numeric[-1] == "hours-per-week"
    assert report.utility.task == "regression"
    assert "last column" in report.target_reason


def test_no_usable_column_skips_utility_with_a_note(adult):
    # The last column is a constant and the other a coordinate: nothing to predict by default.
    metadata = {"columns": {"latitude": {"sdtype": "numerical"}, "flag": {"sdtype": "categorical"}}}
    tables = [
        frame[["age"]].rename(columns={"age": "latitude"}).assign(flag="x")
        for frame in (adult.train, adult.holdout, adult.independent)
    ]
    report = build_report(*tables, metadata, OPTIONS)
    assert report.utility is None
    assert "targetColumn" in report.utility_note
    assert report.sample_sizes.utility_real_train_rows is None


def test_rows_without_a_target_are_left_out(adult):
    train = adult.train.copy()
    train.loc[:99, "income"] = pd.NA
    report = build_report(train, adult.holdout, adult.independent, adult.metadata, OPTIONS)
    assert report.sample_sizes.utility_real_train_rows == len(train) - 100
