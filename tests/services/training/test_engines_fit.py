"""Each engine, in-process, on a tiny slice of adult (fast settings)."""

import time

import pandas as pd
import pytest

from services.training.engines import ProgressUpdate, TrainParams, get_engine
from tests import adult as adult_table

FAST = {
    "gaussian_copula": {},
    "ctgan": {"epochs": 2},
    "tvae": {"epochs": 2},
    "copulagan": {"epochs": 2},
    "tabular_argn": {"epochs": 1, "options": {"model_size": "small"}},
}


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return adult_table.frame(300)


def fit(name: str, table: pd.DataFrame, seed: int = 1, **overrides):
    spec = get_engine(name)
    params = TrainParams.build(spec, seed=seed, **(FAST[name] | overrides))
    updates: list[ProgressUpdate] = []
    engine = spec.create()
    report = engine.fit(table, {}, params, updates.append)
    return engine, report, updates


@pytest.mark.parametrize("name", list(FAST))
def test_engine_fits_samples_and_reloads(name, adult, tmp_path):
    engine, _, updates = fit(name, adult)
    rows = engine.sample(50, seed=9)
    assert len(rows) == 50 and list(rows.columns) == list(adult.columns)
    assert set(rows["sex"].dropna()) <= set(adult["sex"])
    assert rows["age"].between(0, 200).all()
    assert updates, "the engine reported no progress"
    engine.save(tmp_path)
    reloaded = type(engine).load(tmp_path)
    pd.testing.assert_frame_equal(reloaded.sample(50, seed=9), rows)


@pytest.mark.parametrize("name", ["gaussian_copula", "ctgan", "tabular_argn"])
def test_same_data_params_and_seed_give_the_same_rows(name, adult):
    first, _, _ = fit(name, adult, seed=11)
    second, _, _ = fit(name, adult, seed=11)
    pd.testing.assert_frame_equal(first.sample(100, seed=3), second.sample(100, seed=3))
    assert not first.sample(100, seed=3).equals(first.sample(100, seed=4))


@pytest.mark.parametrize("name", ["ctgan", "tvae"])
def test_progress_reports_every_epoch_with_loss_and_eta(name, adult):
    _, report, updates = fit(name, adult, epochs=4)
    epochs = [u.epoch for u in updates if u.epoch is not None]
    assert epochs == [1, 2, 3, 4]
    assert [e for e, _ in report.loss_curve] == [1, 2, 3, 4]
    last = updates[-1]
    assert last.percent == 100.0 and last.total_epochs == 4 and last.loss is not None
    assert all(u.eta_seconds is not None for u in updates if u.epoch)


def test_time_budget_stops_an_epoch_engine_and_keeps_the_model(adult):
    # A budget of a few epochs' worth: measure one epoch first on this machine.
    spec = get_engine("tvae")
    started = time.monotonic()
    fit("tvae", adult, epochs=3)
    per_epoch_upper = time.monotonic() - started
    engine, report, updates = fit(
        "tvae", adult, epochs=100_000, time_budget_seconds=max(2.0, 3 * per_epoch_upper)
    )
    assert report.stopped_by_budget
    assert 1 <= report.epochs_run < 100_000
    assert "time budget" in updates[-1].message
    assert len(engine.sample(20, seed=1)) == 20
    assert spec.epoch_based


def test_argn_honours_a_time_budget(adult):
    # Ten times the rows makes each epoch long enough that the budget, not ARGN's own early
    # stopping (after 4 epochs without improvement), is what ends training, even on a fast,
    # idle machine.
    bigger = pd.concat([adult] * 10, ignore_index=True)
    engine, report, _ = fit("tabular_argn", bigger, epochs=100_000, time_budget_seconds=6)
    assert report.stopped_by_budget and report.epochs_run < 100_000
    assert len(engine.sample(20, seed=1)) == 20


def test_argn_says_where_the_seconds_of_its_fit_went(adult):
    spec = get_engine("tabular_argn")
    params = TrainParams.build(spec, seed=1, **(FAST["tabular_argn"] | {"epochs": 3}))
    engine = spec.create()
    started = time.monotonic()
    report = engine.fit(adult, {}, params, lambda update: None)
    elapsed = time.monotonic() - started
    phases = report.phase_seconds
    preparing = ("profile", "split", "analyze", "encode")
    training = ("first_epoch", "later_epochs", "after_training")
    assert set(phases) == {*preparing, *training}
    assert all(seconds >= 0 for seconds in phases.values())
    # The phases follow each other: together they are the fit, no second counted twice
    # (each is rounded to 0.01 s).
    assert sum(phases.values()) <= elapsed + 0.005 * len(phases)
    assert sum(phases.values()) >= 0.9 * elapsed - 0.5


def test_argn_conditional_sampling(adult):
    engine, _, _ = fit("tabular_argn", adult)
    rows = engine.sample(30, seed=2, conditions={"sex": "Female", "age": 41})
    assert (rows["sex"] == "Female").all() and (rows["age"] == 41).all()
