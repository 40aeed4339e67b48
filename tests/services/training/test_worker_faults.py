"""A worker killed mid-job: the job is redelivered to another worker and completes once, or
fails clearly when it has used up its attempts. Workers run as real subprocesses here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from common.embedded import EmbeddedNats, free_port, wait_for_port
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import (
    WORKER_SETTINGS,
    TrainingWorld,
    training_settings,
)
from tests.support import REPO, AuthCaller, start_training, stream_events

RUNNING = (training_pb2.JOB_STATUS_RUNNING,)
# Long enough to be killed mid-training: CTGAN stopped by a few seconds' budget.
LONG_JOB = {"engine": "ctgan", "epochs": 100_000, "batch_size": 20, "time_budget_seconds": 4}


def _worker_env(config: dict[str, object]) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("database_url", "nats_url", "service_token", "auth_addr", "datasets_addr"):
        env[f"SYNTHETICA_{name.upper()}"] = str(config[name])
    env["SYNTHETICA_STORAGE_URL"] = str(config["storage_url"])
    for name, value in WORKER_SETTINGS.items():
        env[f"TRAINING_{name.upper()}"] = str(config.get(name, value))
    return env


@pytest.fixture
def spawn_worker(tmp_path: Path) -> Callable[[dict[str, object]], subprocess.Popen]:
    """Starts `python -m services.training worker` in its own process group."""
    started: list[subprocess.Popen] = []

    def spawn(config: dict[str, object]) -> subprocess.Popen:
        port = free_port()
        env = {**_worker_env(config), "TRAINING_WORKER_HEALTH_PORT": str(port)}
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "services.training", "worker"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        wait_for_port(port, timeout=60)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                raise


@pytest.fixture
async def isolated(
    own_nats: EmbeddedNats, own_database_url, service_token, auth_server, datasets_server, tmp_path
) -> AsyncIterator[tuple[TrainingWorld, dict[str, object]]]:
    """A training API on a NATS and database of its own: only this test's workers see
    its jobs, and its events stay on its NATS."""
    config = training_settings(
        database_url=own_database_url,
        nats_url=own_nats.url,
        token=service_token,
        auth=auth_server.address,
        datasets=datasets_server.address,
        storage=tmp_path / "storage",
    )
    api = await start_training(**config)
    auth = AuthCaller(auth_server.address, service_token)
    world = TrainingWorld(api.address, datasets_server.address, auth)
    yield world, config
    await world.close()
    await auth.close()
    await api.stop(0)


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
