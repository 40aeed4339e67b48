"""A worker killed mid-job: the job is redelivered to another worker and completes once, or
fails clearly when it has used up its attempts. Workers run as real subprocesses here."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from pathlib import Path

import nats
import pyarrow.parquet as pq
import pytest

from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import TrainingWorld
from tests.support import stream_events

RUNNING = (training_pb2.JOB_STATUS_RUNNING,)
# Long enough to be killed mid-training: CTGAN stopped by a few seconds' budget.
LONG_JOB = {"engine": "ctgan", "epochs": 100_000, "batch_size": 20, "time_budget_seconds": 4}


async def _wait_training(world: TrainingWorld, user, job_id: str) -> None:
    """Until the engine has finished an epoch: the job is really mid-training."""
    job = await world.wait_job(user, job_id, RUNNING, timeout=60)
    while job.progress.epoch < 1:
        job = await world.wait_job(user, job_id, RUNNING, timeout=60)


def _kill(process: subprocess.Popen) -> None:
    """SIGKILL to the worker and its engine child, as when a pod or machine dies."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


async def test_a_job_of_a_killed_worker_completes_on_another_once(isolated, spawn_worker):
    world, config = isolated
    user = await world.user()
    dataset_id = await world.dataset(user)
    first = spawn_worker(config)
    started = await world.train(user, dataset_id, seed=11, **LONG_JOB)
    await _wait_training(world, user, started.job.id)
    _kill(first)

    spawn_worker(config)
    job = await world.wait_job(user, started.job.id, timeout=120)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    assert job.attempts == 2

    models = await world.training.ListModels(
        training_pb2.ListModelsRequest(dataset_id=dataset_id), metadata=user.md
    )
    assert [m.id for m in models.models] == [started.model.id]
    assert models.models[0].status == training_pb2.MODEL_STATUS_READY
    artifacts = list((Path(str(config["storage_url"])) / "models").rglob("*.tar.gz"))
    assert len(artifacts) == 1
    trained = await stream_events(str(config["nats_url"]), "synthetica.events.model.trained")
    assert [e.model_trained.model_id for e in trained] == [started.model.id]


@pytest.mark.slow
async def test_a_job_whose_workers_keep_dying_fails_clearly(isolated, spawn_worker):
    world, config = isolated
    config = {**config, "job_max_attempts": 1}
    user = await world.user()
    dataset_id = await world.dataset(user)
    first = spawn_worker(config)
    started = await world.train(user, dataset_id, **LONG_JOB)
    await _wait_training(world, user, started.job.id)
    _kill(first)

    spawn_worker(config)
    job = await world.wait_job(user, started.job.id, timeout=60)
    assert job.status == training_pb2.JOB_STATUS_FAILED
    assert "gave up after 1 attempts" in job.error
    model = await world.training.GetModel(
        training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
    )
    assert model.model.status == training_pb2.MODEL_STATUS_FAILED


# --- one owner per attempt ------------------------------------------------------------


async def _template_job(
    world: TrainingWorld, user, rows: int
) -> training_pb2.GenerateFromTemplateResponse:
    project_id = await world.project(user)
    return await world.training.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(
            builtin="user", project_id=project_id, count=rows, seed=5
        ),
        metadata=user.md,
        timeout=120,  # the API checks the template with a dry run: slow on a busy machine
    )


async def _wait_writing(world: TrainingWorld, user, job_id: str) -> None:
    """Until the job has written some of its rows: it is really mid-job."""
    job = await world.wait_job(user, job_id, RUNNING, timeout=120)
    while job.progress.percent <= 0:
        job = await world.wait_job(user, job_id, RUNNING, timeout=120)


def _log_says(tmp_path: Path, index: int, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    log = tmp_path / f"worker-{index}.log"
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise AssertionError(f"worker {index} never logged {text!r}:\n{log.read_text()[-3000:]}")


async def test_a_frozen_attempt_that_resumes_cannot_touch_the_committed_batch(
    isolated, spawn_worker, tmp_path
):
    """The first worker stopped mid-job, the job handed over and committed by
    a second, then the first resumed: it must neither write progress nor delete anything."""
    world, config = isolated
    user = await world.user()
    rows = 400_000
    first = spawn_worker(config)
    started = await _template_job(world, user, rows)
    await _wait_writing(world, user, started.job.id)
    os.killpg(first.pid, signal.SIGSTOP)
    try:
        spawn_worker(config)
        job = await world.wait_job(user, started.job.id, timeout=240)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    assert job.attempts == 2
    # The first attempt learns at its next write that it was taken over, and stops.
    _log_says(tmp_path, 0, "job attempt stopped")

    batch = await world.batch(user, started.batch.id)
    assert batch.status == training_pb2.BATCH_STATUS_READY
    assert batch.row_count == rows
    data = await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_PARQUET)
    assert pq.read_table(io.BytesIO(data)).num_rows == rows
    again = await world.training.GetJob(
        training_pb2.GetJobRequest(job_id=started.job.id), metadata=user.md
    )
    assert again.job.status == training_pb2.JOB_STATUS_SUCCEEDED
    assert again.job.sequence == job.sequence  # nothing written after the commit
    # Only the committed attempt's files are left.
    folder = Path(str(config["storage_url"])) / "batches" / started.batch.id / started.job.id
    assert sorted(p.name for p in folder.iterdir()) == ["2"]
    generated = await stream_events(str(config["nats_url"]), "synthetica.events.batch.generated")
    assert [e.batch_generated.batch_id for e in generated] == [started.batch.id]
    assert first.poll() is None  # the first worker goes on with other jobs


async def test_a_second_delivery_of_a_running_job_is_not_started_again(
    isolated, spawn_worker, tmp_path
):
    """A job whose attempt still beats is watched by the worker that got it again (a NATS
    redelivery), not handed over: one attempt, one batch."""
    world, config = isolated
    user = await world.user()
    spawn_worker(config)
    spawn_worker(config)
    started = await _template_job(world, user, 400_000)
    await _wait_writing(world, user, started.job.id)
    nc = await nats.connect(str(config["nats_url"]))
    try:
        queued = training_pb2.QueuedJob(job_id=started.job.id, kind=training_pb2.JOB_KIND_TEMPLATE)
        await nc.jetstream().publish("synthetica.jobs.template", queued.SerializeToString())
    finally:
        await nc.close()
    job = await world.wait_job(user, started.job.id, timeout=240)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    assert job.attempts == 1
    logs = "".join((tmp_path / f"worker-{i}.log").read_text(errors="replace") for i in range(2))
    assert "watching it" in logs
    generated = await stream_events(str(config["nats_url"]), "synthetica.events.batch.generated")
    assert [e.batch_generated.batch_id for e in generated] == [started.batch.id]
