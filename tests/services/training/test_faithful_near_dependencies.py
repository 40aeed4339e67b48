"""A column one column determines in all but a few of its values stays with it for those
values: ggplot2's mpg sells 36 of its 38 models in one class each (a camry solara is always
a compact); the altima and the impreza awd changed class between 1999 and 2008, so nothing
kept the class, and synthetic camry solaras came back as pickups."""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report import ReportOptions, build_report
from services.training.engines.base import InvalidConditionError
from services.training.engines.sampling import validate_conditions
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import FIXTURES, Ingested, ingested, sample, train

FREE = {"altima", "impreza awd"}


@pytest.fixture(scope="module")
def mpg(work) -> Ingested:
    return ingested(FIXTURES / "mpg.csv", work)


def test_a_model_is_the_source_of_its_class_but_for_the_two_that_changed(mpg):
    profile, _ = stream_profile(mpg.parquet, mpg.metadata)
    found = [(d.source, d.columns) for d in profile.dependencies]
    assert found == [("model", ("manufacturer", "drv")), ("model", ("class",))]
    classes = dict(profile.dependencies[1].rows)
    assert len(classes) == 36 and classes["camry solara"] == "compact"
    assert not FREE & set(classes)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_model_keeps_its_real_class(engine, mpg, work):
    trained = train(mpg, engine, work)
    synthetic = pd.read_parquet(sample(trained, 1_000, work))
    real = mpg.frame.groupby("model")["class"].agg(set)
    kept = synthetic[~synthetic["model"].isin(FREE)]
    assert kept["model"].nunique() > 20
    assert [c in real[m] for m, c in zip(kept["model"], kept["class"], strict=True)] == [
        True
    ] * len(kept)
    assert (synthetic.loc[synthetic["model"] == "camry solara", "class"] != "pickup").all()
    holdout = mpg.frame.sample(frac=0.3, random_state=0)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=200)
    report = build_report(mpg.frame.drop(holdout.index), holdout, synthetic, mpg.metadata, options)
    checks = {tuple(d.columns): d.violation_count for d in report.dependencies}
    assert checks.get(("class",)) == 0, checks


def test_conditions_on_a_model_left_free_are_met_and_on_a_kept_one_checked(mpg):
    profile, _ = stream_profile(mpg.parquet, mpg.metadata)
    met = {"model": "altima", "class": "midsize"}
    assert validate_conditions(profile, met) == met
    assert validate_conditions(profile, {"model": "impreza awd"}) == {"model": "impreza awd"}
    with pytest.raises(InvalidConditionError, match="'camry solara' goes with another class"):
        validate_conditions(profile, {"model": "camry solara", "class": "pickup"})
