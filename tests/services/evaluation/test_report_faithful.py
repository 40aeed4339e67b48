"""The report judges what a data scientist would, on public tables.

The default utility target, the dataset's target column, exact copies judged against the
holdout's own copy rate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from vega_datasets import local_data

from services.evaluation.report import ReportOptions, build_report
from services.evaluation.report.columns import plan_columns
from services.evaluation.report.utility import choose_target
from tests.corpus import gapminder_csv, shared_tables
from tests.services.training.faithful_world import Ingested, ingested

OPTIONS = ReportOptions(sample_rows=1_000, privacy_sample_rows=2_000)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Ingested]:
    work = tmp_path_factory.mktemp("corpus")
    names = ("haberman", "housing", "mammography", "glass", "ecoli")
    return {name: ingested(shared_tables()[name], work) for name in names}


def _target(table: Ingested, **metadata):
    plan = plan_columns({**table.metadata, **metadata}, {"train": table.frame})
    return choose_target(plan, None, table.frame, stored=metadata.get("target_column"))


@pytest.mark.parametrize(
    ("table", "column", "task"),
    [
        ("haberman", "column_4", "classification"),  # the 1/2 coded survival status
        ("mammography", "column_7", "classification"),  # '-1'/'1', 2 % positives
        ("glass", "column_10", "classification"),  # glass type, 1-7 without 4
        ("ecoli", "column_8", "classification"),  # the localisation site
        ("housing", "column_14", "regression"),  # the median value, a price
    ],
)
def test_default_target_is_what_a_data_scientist_picks(corpus, table, column, task):
    target = _target(corpus[table])
    assert (target.column, target.task) == (column, task)
    assert target.reason


def test_a_label_like_name_wins_and_a_near_constant_column_never(corpus):
    frame = corpus["haberman"].frame.rename(columns={"column_1": "outcome"})
    metadata = {
        "columns": {
            ("outcome" if n == "column_1" else n): c
            for n, c in corpus["haberman"].metadata["columns"].items()
        }
    }
    near_constant = frame.assign(column_4=[1] * (len(frame) - 2) + [2, 2])
    table = Ingested(near_constant, metadata, Path("unused"))
    target = _target(table)
    # 'outcome' is a number to regress (age): its name makes it the target, and the
    # near-constant last column (304 of 306 equal) is never chosen.
    assert target.column == "outcome"
    assert "name" in target.reason
    table = Ingested(near_constant.drop(columns="outcome"), _without(metadata, "outcome"), Path())
    target = _target(table)
    # Without it, the column before the near-constant one: the count of positive nodes.
    assert (target.column, target.task) == ("column_3", "regression")
    assert "column_4 (nearly constant)" in target.reason


def test_the_default_target_is_never_a_lookup_or_a_coordinate(tmp_path):
    # Gapminder ends with the iso codes and centroid of the country (each determined by
    # the country); LA riots with the longitude and latitude of the death.
    gapminder = ingested(gapminder_csv(tmp_path / "gapminder.csv"), tmp_path)
    holdout = gapminder.frame.sample(frac=0.2, random_state=1)
    train = gapminder.frame.drop(holdout.index)
    report = build_report(train, holdout, train, gapminder.metadata, OPTIONS)
    assert (report.target_column, report.utility.task) == ("gdpPercap", "regression")
    assert "centroid_lat (determined by other columns)" in report.target_reason
    assert "iso_alpha (determined by other columns)" in report.target_reason

    local_data.la_riots().to_csv(tmp_path / "la-riots.csv", index=False)
    riots = ingested(tmp_path / "la-riots.csv", tmp_path)
    target = _target(riots)
    assert (target.column, target.task) == ("type", "classification")
    assert "latitude (a coordinate)" in target.reason


def test_the_default_target_passes_over_ids_and_dates_at_the_end(tmp_path):
    local_data.sf_temps().to_csv(tmp_path / "sf-temps.csv", index=False)
    target = _target(ingested(tmp_path / "sf-temps.csv", tmp_path))
    assert (target.column, target.task) == ("temp", "regression")
    assert "date (datetime)" in target.reason


def _without(metadata: dict, column: str) -> dict:
    return {"columns": {n: c for n, c in metadata["columns"].items() if n != column}}


def test_the_datasets_target_column_is_used_by_the_report(corpus):
    table = corpus["glass"]
    holdout = table.frame.sample(frac=0.3, random_state=1)
    train = table.frame.drop(holdout.index)
    metadata = {**table.metadata, "target_column": "column_1"}
    report = build_report(train, holdout, train, metadata, OPTIONS)
    assert report.target_column == "column_1"
    assert report.utility.target_column == "column_1"
    assert report.utility.task == "regression"
    assert report.target_reason == "the dataset's target column"


def test_exact_copies_are_judged_against_the_holdouts_own_copy_rate(corpus):
    # haberman has few distinct rows: real holdout rows repeat training rows too.
    table = corpus["haberman"]
    holdout = table.frame.sample(frac=0.3, random_state=2)
    train = table.frame.drop(holdout.index)
    # Rows like the real ones but not learnt from them: the holdout, resampled.
    honest = holdout.sample(n=len(train), replace=True, random_state=3)
    report = build_report(train, holdout, honest, table.metadata, OPTIONS)
    privacy = report.privacy
    assert privacy.holdout_copy_share > 0.05
    assert privacy.exact_copy_share > 0.05
    assert not any("copy a training row" in reason for reason in privacy.reasons)
    # Copying the training rows themselves is still caught.
    report = build_report(train, holdout, train, table.metadata, OPTIONS)
    assert report.privacy.exact_copy_excess > 0.5
    assert report.privacy.verdict == "fail"


def test_class_columns_typed_as_numbers_are_scored_as_classes(corpus):
    table = corpus["haberman"]
    metadata = {
        "columns": {**table.metadata["columns"], "column_4": {"sdtype": "numerical"}},
    }
    holdout = table.frame.sample(frac=0.3, random_state=4)
    train = table.frame.drop(holdout.index)
    report = build_report(train, holdout, train, metadata, OPTIONS)
    assert report.utility.target_column == "column_4"
    assert report.utility.task == "classification"
    assert {m.name for m in report.utility.metrics} == {"accuracy", "f1_macro", "roc_auc"}
    assert pd.notna(report.utility.metrics[0].real)
