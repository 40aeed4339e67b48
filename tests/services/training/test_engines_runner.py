"""Training and sampling in a child process: results, progress, cancel, crashes."""

import contextlib
import io
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pyarrow.parquet as pq
import pytest

from services.training.engines import (
    EngineCancelled,
    EngineCrashed,
    InvalidArtifactError,
    InvalidConditionError,
    InvalidParamsError,
    TrainParams,
    get_engine,
    run_sampling,
    run_training,
)
from services.training.engines.runner import MIN_BUDGET_LEFT, _budget_left
from tests import adult
from tests.services.training.engines_crash_fixture import CRASHING
from tests.services.training.model_archives import synthesizer_bytes, with_sdv_save

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def data_path(tmp_path_factory) -> Path:
    table = adult.frame(300)
    path = tmp_path_factory.mktemp("data") / "adult.parquet"
    table.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def model(data_path, tmp_path_factory) -> tuple[Path, dict]:
    artifact = tmp_path_factory.mktemp("model") / "model.tar.gz"
    params = TrainParams.build(get_engine("gaussian_copula"), seed=3)
    result = run_training("gaussian_copula", data_path, {}, params, artifact)
    return artifact, result.metrics


@pytest.fixture
def crash_engine_importable(monkeypatch):
    # The spawned child receives the parent's sys.path, so it can import the fixture module.
    monkeypatch.syspath_prepend(str(HERE))


def test_training_in_a_child_writes_the_artifact_and_metrics(model):
    artifact, metrics = model
    assert artifact.stat().st_size > 0
    assert metrics["engine"] == "gaussian_copula"
    assert (metrics["rows"], metrics["columns"]) == (300, 15)
    assert metrics["duration_seconds"] > 0
    assert {"sdv", "torch"} <= set(metrics["library_versions"])


def test_sampling_in_a_child_streams_parquet_chunks(model, tmp_path):
    artifact, _ = model
    updates = []
    out = tmp_path / "rows.parquet"
    result = run_sampling(
        artifact, 2500, seed=1, out_path=out, chunk_rows=1000, on_progress=updates.append
    )
    assert (result.rows, result.chunks) == (2500, 3)
    assert pq.ParquetFile(out).metadata.num_row_groups == 3
    table = pd.read_parquet(out)
    assert len(table) == 2500 and len(table.columns) == 15
    assert updates[-1].percent == pytest.approx(100.0)
    again = tmp_path / "again.parquet"
    run_sampling(artifact, 2500, seed=1, out_path=again, chunk_rows=1000)
    pd.testing.assert_frame_equal(table, pd.read_parquet(again))


def test_bad_sampling_input_fails_before_any_child_starts(model, tmp_path):
    artifact, _ = model
    with pytest.raises(InvalidConditionError):
        run_sampling(artifact, 10, 1, tmp_path / "x.parquet", conditions={"nope": 1})
    with pytest.raises(InvalidParamsError):
        run_sampling(artifact, 0, 1, tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.slow
def test_progress_arrives_with_increasing_epochs(data_path, tmp_path):
    updates = []
    params = TrainParams.build(get_engine("tvae"), epochs=3, seed=1)
    run_training("tvae", data_path, {}, params, tmp_path / "m.tar.gz", on_progress=updates.append)
    epochs = [u.epoch for u in updates if u.epoch is not None]
    assert epochs == sorted(epochs) and {1, 2, 3} <= set(epochs)


def test_cancel_stops_the_child_within_seconds(data_path, tmp_path):
    cancel = threading.Event()
    cancelled_at: list[float] = []

    def on_progress(update):
        if update.epoch and not cancel.is_set():
            cancelled_at.append(time.monotonic())
            cancel.set()

    params = TrainParams.build(get_engine("ctgan"), epochs=100_000, seed=1)
    with pytest.raises(EngineCancelled):
        run_training(
            "ctgan", data_path, {}, params, tmp_path / "m.tar.gz",
            on_progress=on_progress, cancel_event=cancel,
        )  # fmt: skip
    assert time.monotonic() - cancelled_at[0] < 10
    assert not (tmp_path / "m.tar.gz").exists()


@pytest.mark.usefixtures("crash_engine_importable")
def test_a_silent_engine_still_gets_heartbeats_and_can_be_cancelled(data_path, tmp_path):
    cancel = threading.Event()
    updates = []

    def on_progress(update):
        updates.append(update)
        messages = [u.message for u in updates]
        if "about to fail" in messages and len(messages) - messages.index("about to fail") >= 3:
            cancel.set()

    params = TrainParams.build(CRASHING, options={"mode": "hang"})
    with pytest.raises(EngineCancelled):
        run_training(
            CRASHING, data_path, {}, params, tmp_path / "m.tar.gz",
            on_progress=on_progress, cancel_event=cancel,
        )  # fmt: skip
    # The engine said one thing; the two updates after it are the runner's heartbeats.
    assert [u.message for u in updates[-3:]] == ["about to fail"] * 3


@pytest.mark.usefixtures("crash_engine_importable")
@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("raise", "ValueError: the engine broke on purpose"),
        pytest.param("exit", "exited with code 3", marks=pytest.mark.slow),
        pytest.param("segfault", "killed by SIGSEGV", marks=pytest.mark.slow),
    ],
)
def test_a_crash_is_reported_and_the_parent_runs_the_next_job(mode, reason, data_path, tmp_path):
    params = TrainParams.build(CRASHING, options={"mode": mode})
    with pytest.raises(EngineCrashed, match=reason):
        run_training(CRASHING, data_path, {}, params, tmp_path / "m.tar.gz")
    ok = TrainParams.build(get_engine("gaussian_copula"))
    result = run_training("gaussian_copula", data_path, {}, ok, tmp_path / "ok.tar.gz")
    assert result.metrics["rows"] == 300


def test_a_killed_child_is_reported_as_such(data_path, tmp_path):
    import psutil

    def kill_child(update):
        # The engine is forked by the runner's fork server: a grandchild of this process.
        if update.epoch:
            for child in psutil.Process().children(recursive=True):
                if child.ppid() != os.getpid():
                    child.kill()

    params = TrainParams.build(get_engine("ctgan"), epochs=100_000, seed=1)
    with pytest.raises(EngineCrashed, match="SIGKILL"):
        run_training("ctgan", data_path, {}, params, tmp_path / "m.tar.gz", on_progress=kill_child)


def test_a_file_that_is_no_artifact_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a model")
    with pytest.raises(InvalidArtifactError, match="not a model artifact"):
        run_sampling(bogus, 10, 1, tmp_path / "out.parquet")


def test_a_corrupt_model_crashes_the_child_not_the_parent(model, tmp_path):
    artifact, _ = model
    corrupt = tmp_path / "corrupt.tar.gz"
    with tarfile.open(artifact) as source, tarfile.open(corrupt, "w:gz") as target:
        for member in source.getmembers():
            if member.isfile() and member.name.endswith(".pkl"):
                member.size = 7
                target.addfile(member, io.BytesIO(b"garbage"))
            else:
                target.addfile(member, source.extractfile(member) if member.isfile() else None)
    with pytest.raises(EngineCrashed, match="Error"):
        run_sampling(corrupt, 10, 1, tmp_path / "out.parquet")
    result = run_sampling(artifact, 10, 1, tmp_path / "ok.parquet")
    assert len(pd.read_parquet(result.path)) == 10


def test_the_time_budget_counts_from_the_call_not_from_the_engines_fit():
    """Starting the engine process and reading the data come out of the budget: the engine
    is given what is left (at least MIN_BUDGET_LEFT), and a run without a budget is as given."""
    spec = get_engine("tvae")
    params = TrainParams.build(spec, time_budget_seconds=20)
    left = _budget_left(params, time.monotonic() - 5).time_budget_seconds
    assert left is not None and 14 < left <= 15
    assert _budget_left(params, time.monotonic() - 30).time_budget_seconds == MIN_BUDGET_LEFT
    assert _budget_left(params, None) is params
    unbudgeted = TrainParams.build(spec)
    assert _budget_left(unbudgeted, time.monotonic() - 5) is unbudgeted


@pytest.mark.usefixtures("crash_engine_importable")
@pytest.mark.timeout(900)  # the worker imports torch and SDV first: slow on a busy machine
def test_a_killed_worker_leaves_no_engine_running(data_path, tmp_path):
    """The engine leads its own process group (a terminal's Ctrl-C to the
    worker's group misses it), so it must die with the worker by other means."""
    script = (
        "import sys; from pathlib import Path\n"
        "from services.training.engines import TrainParams, run_training\n"
        "from engines_crash_fixture import CRASHING\n"
        "params = TrainParams.build(CRASHING, options={'mode': 'hang'})\n"
        "run_training(CRASHING, Path(sys.argv[1]), {}, params, Path(sys.argv[2]))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    worker = subprocess.Popen(
        [sys.executable, "-c", script, str(data_path), str(tmp_path / "m.tar.gz")], env=env
    )
    try:
        engine = _wait_for_grandchild(worker.pid)
        assert os.getpgid(engine.pid) != os.getpgid(worker.pid)
        worker.kill()
        worker.wait(timeout=10)
        _, alive = psutil.wait_procs([engine], timeout=90)
        assert not alive, f"the engine outlived its worker (parent now {alive[0].ppid()})"
    finally:
        if worker.poll() is None:
            worker.kill()


def _wait_for_grandchild(pid: int) -> psutil.Process:
    """The engine (forked by the fork server, the worker's child) once it has made its
    process group."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        for child in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                if child.ppid() != pid and os.getpgid(child.pid) == child.pid:
                    return child
        time.sleep(0.2)
    raise AssertionError("no engine process in a process group of its own")


def test_a_model_written_with_plain_pickle_or_by_sdv_save_before_samples_the_same(model, tmp_path):
    artifact, _ = model
    assert b"cloudpickle" not in synthesizer_bytes(artifact)
    new = run_sampling(artifact, 200, 7, tmp_path / "new.parquet")
    old_artifact = with_sdv_save(artifact, tmp_path / "old.tar")
    old = run_sampling(old_artifact, 200, 7, tmp_path / "old.parquet")
    assert new.rows == old.rows == 200
    pd.testing.assert_frame_equal(pd.read_parquet(old.path), pd.read_parquet(new.path))
