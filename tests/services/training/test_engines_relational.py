"""Several linked tables and sequences, learned from real data (tests/relational_corpus.py)
through the engine runner's child process, as a job runs them: what a user of the generated
tables would check first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from services.training.engines import InvalidConditionError, InvalidParamsError, TrainParams
from services.training.engines.base import get_engine
from services.training.engines.relational_runner import (
    run_relational_sampling,
    run_relational_training,
)
from tests.relational_corpus import airports_by_state, temperatures_by_month
from tests.services.training.model_archives import synthesizer_bytes, with_sdv_save

# As few epochs as still learn the shape; the quality figures come from bench_relational.py.
FAST = {
    "tabular_argn": {"epochs": 3, "options": {"model_size": "small"}},
    "par": {"epochs": 4},
    "hma": {},
}
ROOTS = 40


def _fit(name: str, corpus, folder: Path, tables=None) -> tuple[Path, dict]:
    real, schema, metadata = corpus()
    tables = tables or real
    paths = {}
    for table, frame in tables.items():
        paths[table] = folder / f"{table}.parquet"
        frame.to_parquet(paths[table])
    params = TrainParams.build(get_engine(name), seed=3, **FAST[name])
    artifact = folder / "model.tar.gz"
    fitted = run_relational_training(name, paths, schema, metadata, params, artifact, threads=1)
    return artifact, fitted.metrics


def _sample(artifact: Path, folder: Path, n: int = ROOTS, **kwargs) -> dict[str, pd.DataFrame]:
    written = run_relational_sampling(artifact, n, 11, folder, threads=1, **kwargs)
    return {t.name: pd.read_parquet(t.path) for t in written}


@pytest.fixture(scope="module", params=["hma", "tabular_argn"])
def linked(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    artifact, _ = _fit(request.param, airports_by_state, folder)
    return artifact, _sample(artifact, folder / "out"), folder


@pytest.fixture(scope="module", params=["par", "tabular_argn"])
def sequences(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    artifact, _ = _fit(request.param, temperatures_by_month, folder)
    return _sample(artifact, folder / "out")["temperatures"]


def test_the_root_count_is_the_count_asked_for_and_no_child_is_an_orphan(linked):
    _, tables, _ = linked
    states, airports = tables["states"], tables["airports"]
    assert len(states) == ROOTS
    assert len(airports) > ROOTS
    assert airports["state_id"].isin(states["state_id"]).all()


def test_keys_keep_the_real_format_and_stay_unique(linked):
    _, tables, _ = linked
    states, airports = tables["states"], tables["airports"]
    assert states["state_id"].dtype == np.int64 and states["state_id"].is_unique
    assert airports["state_id"].dtype == np.int64
    codes = airports["iata"]
    assert codes.is_unique
    assert codes.str.fullmatch(r"[0-9A-Z]{3}").all()


def test_children_per_parent_follow_the_real_distribution(linked):
    _, tables, _ = linked
    real = airports_by_state()[0]["airports"].groupby("state_id").size()
    made = tables["airports"].groupby("state_id").size()
    assert made.nunique() > 5, "every parent got the same number of children"
    assert 0.5 * real.mean() <= made.mean() <= 2 * real.mean()
    assert made.max() <= 2 * real.max()


def test_every_table_holds_only_real_values(linked):
    _, tables, _ = linked
    real = airports_by_state()[0]
    for column in ("state", "country"):
        assert set(tables["states"][column]) <= set(real["states"][column])
    assert set(tables["airports"]["city"]) <= set(real["airports"]["city"])
    for column in ("latitude", "longitude"):
        values = tables["airports"][column]
        assert values.notna().all()
        assert real["airports"][column].min() <= values.min()
        assert values.max() <= real["airports"][column].max()


def test_conditions_fix_the_root_table_and_children_follow(linked):
    artifact, _, folder = linked
    # hma meets a condition by rejection (SDV's multi-table synthesizers sample no
    # condition) and seldom draws one state of 56: it is given the country (every state's),
    # which still runs the rejection path (rows kept with their children, keys re-linked).
    column, value = ("country", "USA") if "hma" in folder.name else ("state", "TX")
    tables = _sample(artifact, folder / "conditioned", n=4, conditions={column: value})
    assert list(tables["states"][column]) == [value] * 4
    assert tables["airports"]["state_id"].isin(tables["states"]["state_id"]).all()
    assert len(tables["airports"]) > 4


def test_a_condition_on_a_key_or_unknown_column_is_refused_before_any_work(linked):
    artifact, _, folder = linked
    with pytest.raises(InvalidConditionError, match="state_id"):
        _sample(artifact, folder / "bad", conditions={"state_id": 3})
    with pytest.raises(InvalidConditionError, match="unknown column"):
        _sample(artifact, folder / "bad", conditions={"iata": "ABQ"})


def test_sequences_come_out_whole_ordered_with_real_lengths_and_gaps(sequences):
    real = temperatures_by_month()[0]["temperatures"]
    months = sequences["month"]
    assert months.nunique() == ROOTS
    # Whole: each entity's rows are together, not scattered.
    assert (months != months.shift()).sum() == ROOTS
    assert months.str.fullmatch(r"\d{4}-\d{2}").all()
    per_entity = sequences.groupby("month", sort=False)
    assert per_entity["date"].apply(lambda d: d.is_monotonic_increasing).all()
    lengths = per_entity.size()
    assert lengths.between(20, 40).mean() >= 0.9
    gaps = per_entity["date"].apply(lambda d: d.diff().dt.days.median())
    assert (gaps == 1).mean() >= 0.8
    assert sequences["date"].between(real["date"].min(), real["date"].max()).all()
    assert sequences["temp"].between(real["temp"].min(), real["temp"].max()).all()


def test_argn_makes_a_few_hundred_sequences_on_one_thread_and_gives_the_threads_back(
    tmp_path, monkeypatch
):
    """Each step of ARGN's generation makes one row per sequence: for a few hundred sequences
    too little work to share, and on a busy machine two threads waiting for each other at
    every step made 384 monthly sequences take 13-28 s instead of 1.6-2.8 s on one thread.
    The worker's thread setting is back once the rows are made."""
    import torch
    from mostlyai import engine as mostly

    from services.training.engines.artifact import LoadedModel

    artifact, _ = _fit("tabular_argn", temperatures_by_month, tmp_path)
    generate, threads_seen = mostly.generate, []

    def generate_and_note_threads(**kwargs):
        threads_seen.append(torch.get_num_threads())
        return generate(**kwargs)

    monkeypatch.setattr(mostly, "generate", generate_and_note_threads)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with LoadedModel(artifact) as model:
            made = model.relational_engine.sample(ROOTS, 11)
        threads_after = torch.get_num_threads()
    finally:
        torch.set_num_threads(threads)
    assert made["temperatures"]["month"].nunique() == ROOTS
    assert threads_seen == [1]
    assert threads_after == 2


@pytest.mark.slow
def test_too_few_parents_for_argn_value_protection_are_said_in_the_model(tmp_path):
    """mostlyai's value protection learns no children-per-parent counts from fewer than 20
    parents: every parent gets one child. The model says so, and how to learn them."""
    tables = airports_by_state()[0]
    few = tables["states"]["state_id"].head(12)
    tables = {
        "states": tables["states"][tables["states"]["state_id"].isin(few)],
        "airports": tables["airports"][tables["airports"]["state_id"].isin(few)],
    }
    artifact, metrics = _fit("tabular_argn", airports_by_state, tmp_path, tables=tables)
    assert "12 states rows are too few" in metrics["note"]
    assert "options.value_protection=false" in metrics["note"]
    made = _sample(artifact, tmp_path / "out", n=12)
    assert made["airports"].groupby("state_id").size().eq(1).all()


def test_orphan_rows_are_left_out_of_training_and_counted(tmp_path):
    tables = airports_by_state()[0]
    orphan = tables["airports"].iloc[[0]].assign(iata="ZZZ", state_id=999)
    tables["airports"] = pd.concat([tables["airports"], orphan], ignore_index=True)
    _, metrics = _fit("hma", airports_by_state, tmp_path, tables=tables)
    assert metrics["orphans_left_out"] == {"airports": 1}


@pytest.mark.parametrize(
    ("engine", "corpus", "message"),
    [
        ("hma", temperatures_by_month, "hma does not learn sequences.*tabular_argn, par"),
        ("par", airports_by_state, "par does not learn linked tables.*tabular_argn, hma"),
        ("ctgan", airports_by_state, "ctgan does not learn linked tables"),
    ],
)
def test_an_engine_is_refused_a_dataset_it_cannot_learn(engine, corpus, message, tmp_path):
    _, schema, metadata = corpus()
    params = TrainParams.build(get_engine(engine))
    with pytest.raises(InvalidParamsError, match=message):
        run_relational_training(engine, {}, schema, metadata, params, tmp_path / "m.tar.gz")


def test_a_model_is_written_with_plain_pickle_and_one_written_by_sdv_save_still_samples(
    tmp_path,
):
    """Models are written with plain pickle now (SDV's cloudpickle `save` was slower): the new
    archive samples, and an archive written before, with SDV's `save`, gives the same rows."""
    artifact, _ = _fit("hma", airports_by_state, tmp_path)
    assert b"cloudpickle" not in synthesizer_bytes(artifact)
    new = _sample(artifact, tmp_path / "new")
    assert (
        len(new["states"]) == ROOTS
        and new["airports"]["state_id"].isin(new["states"]["state_id"]).all()
    )
    old = _sample(with_sdv_save(artifact, tmp_path / "old.tar"), tmp_path / "old")
    for table in new:
        pd.testing.assert_frame_equal(old[table], new[table])


def test_argn_draws_every_table_as_the_models_sampling_options_say(tmp_path, monkeypatch):
    """tabular_argn's options hold for linked tables as for one: `sampling_top_p` is kept
    with the model and every table's rows are drawn with it in a generate job (the model
    loaded in another process); `natural_order_share` trains each table."""
    from mostlyai import engine as mostly

    from services.training.engines.artifact import LoadedModel

    real, schema, metadata = airports_by_state()
    paths = {}
    for table, frame in real.items():
        paths[table] = tmp_path / f"{table}.parquet"
        frame.to_parquet(paths[table])
    options = {"model_size": "small", "sampling_top_p": 0.5, "natural_order_share": 0.5}
    params = TrainParams.build(get_engine("tabular_argn"), seed=3, epochs=2, options=options)
    artifact = tmp_path / "model.tar.gz"
    run_relational_training("tabular_argn", paths, schema, metadata, params, artifact, threads=1)
    generate, asked = mostly.generate, []

    def generate_and_note(**kwargs):
        asked.append(kwargs.get("sampling_top_p"))
        return generate(**kwargs)

    monkeypatch.setattr(mostly, "generate", generate_and_note)
    with LoadedModel(artifact) as model:
        made = model.relational_engine.sample(ROOTS, 11)
    assert asked == [0.5, 0.5], asked  # states, then the airports of each state
    assert len(made["states"]) == ROOTS
    assert made["airports"]["state_id"].isin(made["states"]["state_id"]).all()
