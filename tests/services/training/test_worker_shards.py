"""Sharded generation against the real stack: a big job split into shards that every worker
takes, the batch the same bytes whatever the number of workers, progress, cancel, a killed
worker's shard redone once. Thresholds are tiny here so that small jobs split."""

from __future__ import annotations

import asyncio
import io
import os
import signal
from pathlib import Path

import nats
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from common.storage import Storage
from services.datasets.models import BatchCharge
from services.training import models as m
from services.training.templates import generate, plan
from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import TrainingWorld
from tests.support import start_training_worker, stream_events

ROWS = 50_000
# 5,000-row template and sampling chunks, 10,000-row shards: a 50,000-row job is 5 shards.
SHARDING = {
    "template_chunk_rows": 5_000,
    "sample_chunk_rows": 5_000,
    "shard_threshold_rows": 20_000,
    "shard_rows": 10_000,
}
RUNNING = (training_pb2.JOB_STATUS_RUNNING,)


@pytest.fixture
def own_training_config(own_training_config: dict[str, object]) -> dict[str, object]:
    """The conftest's, set to split small jobs (the ``isolated`` API and its workers)."""
    return {**own_training_config, **SHARDING}


@pytest.fixture
def sharded(isolated):
    return isolated


async def _template(world: TrainingWorld, user, project_id: str, rows: int = ROWS):
    return await world.training.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(
            builtin="user", project_id=project_id, count=rows, seed=7
        ),
        metadata=user.md,
        timeout=120,
    )


def _shards(config: dict[str, object], job_id: str) -> list[m.Shard]:
    engine = sa.create_engine(str(config["database_url"]))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(m.Shard).where(m.Shard.job_id == job_id).order_by(m.Shard.index)
            )
            return list(rows)
    finally:
        engine.dispose()


async def _workers(config: dict[str, object], count: int):
    return [await start_training_worker(**config) for _ in range(count)]


async def _stop(workers) -> None:
    for worker in workers:
        await worker.stop(0)


async def _writing(world: TrainingWorld, user, job_id: str, timeout: float = 180) -> None:
    """Until the job runs and its first shard has written rows (polled, not spun)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = await world.wait_job(user, job_id, RUNNING, timeout=timeout)
        if job.progress.percent > 0:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no shard wrote a row in {timeout}s: {job}")
        await asyncio.sleep(0.2)


async def _generated(world: TrainingWorld, user, job_id: str) -> training_pb2.Job:
    job = await world.wait_job(user, job_id, timeout=240)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    return job


async def test_a_sharded_template_job_is_the_same_bytes_with_one_worker_or_two(sharded):
    world, config = sharded
    user = await world.user()
    project_id = await world.project(user)
    downloads = []
    for workers in (1, 2):
        running = await _workers(config, workers)
        try:
            started = await _template(world, user, project_id)
            job = await _generated(world, user, started.job.id)
        finally:
            await _stop(running)
        assert job.progress.percent == 100.0
        shards = _shards(config, started.job.id)
        assert [(s.start, s.count, s.status) for s in shards] == [
            (i * 10_000, 10_000, m.SUCCEEDED) for i in range(5)
        ]
        csv = await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_CSV)
        parquet = await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_PARQUET)
        downloads.append((csv, parquet))
    assert downloads[0][0] == downloads[1][0]
    assert downloads[0][0].count(b"\n") == ROWS + 1  # one header, every row once
    # The parts in shard order are the rows of the job unsplit, in order.
    whole = plan("user", count=ROWS, seed=7)
    unsplit = pa.Table.from_batches([b for _, b in generate(whole, chunk_rows=5_000)])
    assert pq.read_table(io.BytesIO(downloads[1][1])).equals(unsplit)
    generated = await stream_events(str(config["nats_url"]), "synthetica.events.batch.generated")
    assert len(generated) == 2  # one per job, whatever the shards


async def test_a_sharded_model_job_gives_the_same_rows_for_the_same_seed(sharded):
    world, config = sharded
    user = await world.user()
    dataset_id = await world.dataset(user)
    running = await _workers(config, 2)
    try:
        model_id = await world.trained_model(user, dataset_id)
        csvs = []
        for _ in range(2):
            started = await world.training.Generate(
                training_pb2.GenerateRequest(model_id=model_id, count=30_000, seed=3),
                metadata=user.md,
            )
            await _generated(world, user, started.job.id)
            assert len(_shards(config, started.job.id)) == 3
            csvs.append(
                await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_CSV)
            )
    finally:
        await _stop(running)
    assert csvs[0] == csvs[1]
    assert csvs[0].count(b"\n") == 30_000 + 1
    # Each shard draws with its own seed: no shard repeats another's rows.
    lines = csvs[0].splitlines()[1:]
    assert lines[:10_000] != lines[10_000:20_000]


async def test_cancelling_a_sharded_job_stops_every_shard(sharded):
    world, config = sharded
    config = {**config, "shard_rows": 100_000}
    user = await world.user()
    project_id = await world.project(user)
    running = await _workers(config, 1)
    try:
        started = await _template(world, user, project_id, rows=400_000)
        await _writing(world, user, started.job.id)
        await world.training.CancelJob(
            training_pb2.CancelJobRequest(job_id=started.job.id), metadata=user.md
        )
        folder = Path(str(config["storage_url"])) / "batches" / started.batch.id
        for _ in range(200):  # the running shard stops at its next chunk, and deletes its file
            if not list(folder.rglob("*.parquet")):
                break
            await asyncio.sleep(0.3)
        assert not list(folder.rglob("*.parquet"))
    finally:
        await _stop(running)
    job = await world.wait_job(user, started.job.id, timeout=30)
    assert job.status == training_pb2.JOB_STATUS_CANCELLED
    assert [s.status for s in _shards(config, started.job.id)] == [m.CANCELLED] * 4
    batch = await world.batch(user, started.batch.id)
    assert batch.status == training_pb2.BATCH_STATUS_CANCELLED


async def test_a_killed_workers_shard_is_redone_once(sharded, spawn_worker):
    world, config = sharded
    config = {**config, "shard_rows": 400_000}
    user = await world.user()
    project_id = await world.project(user)
    first = spawn_worker(config)
    started = await _template(world, user, project_id, rows=800_000)
    await _writing(world, user, started.job.id)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    spawn_worker(config)
    await _generated(world, user, started.job.id)
    shards = _shards(config, started.job.id)
    assert [s.status for s in shards] == [m.SUCCEEDED, m.SUCCEEDED]
    assert sorted(s.attempts for s in shards) == [1, 2]  # the killed one, redone once
    # A late duplicate of a finished shard's message changes nothing.
    nc = await nats.connect(str(config["nats_url"]))
    try:
        queued = training_pb2.QueuedShard(job_id=started.job.id, index=0)
        await nc.jetstream().publish("synthetica.jobs.shard", queued.SerializeToString())
    finally:
        await nc.close()
    await asyncio.sleep(3)
    assert [s.attempts for s in _shards(config, started.job.id)] == [s.attempts for s in shards]

    data = await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_PARQUET)
    assert pq.read_table(io.BytesIO(data)).num_rows == 800_000
    folder = Path(str(config["storage_url"])) / "batches" / started.batch.id / started.job.id
    # One committed attempt folder per shard; the killed attempt's files are gone.
    for shard in shards:
        attempts = [p.name for p in (folder / "shards" / str(shard.index)).iterdir()]
        assert attempts == [str(shard.attempts)]
    generated = await stream_events(str(config["nats_url"]), "synthetica.events.batch.generated")
    assert [e.batch_generated.batch_id for e in generated] == [started.batch.id]


def _job_started(config: dict[str, object], job_id: str):
    engine = sa.create_engine(str(config["database_url"]))
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.select(m.Job.started_at).where(m.Job.id == job_id))
    finally:
        engine.dispose()


async def test_a_job_queued_after_big_ones_waits_for_a_few_of_their_shards_not_all(sharded):
    """One account's big jobs no longer put all their shards ahead of the next account's job:
    a job keeps TRAINING_SHARDS_QUEUED_PER_JOB shards on the work queue, each one finishing
    queues the next, so a job queued after them starts once those few are done. Before, the
    8 shards of two 400,000-row jobs all ran first (one worker, first come first served)."""
    world, config = sharded
    config = {**config, "shard_rows": 100_000, "shards_queued_per_job": 1}
    busy, other = await world.user(), await world.user()
    busy_project, other_project = await world.project(busy), await world.project(other)
    running = await _workers(config, 1)
    try:
        big = [await _template(world, busy, busy_project, rows=400_000) for _ in range(2)]
        for started in big:
            await world.wait_job(busy, started.job.id, RUNNING, timeout=120)  # split
        small = await _template(world, other, other_project, rows=1_000)
        await _generated(world, other, small.job.id)
        for started in big:
            await _generated(world, busy, started.job.id)
    finally:
        await _stop(running)
    small_started = _job_started(config, small.job.id)
    assert small_started is not None
    shards = [s for started in big for s in _shards(config, started.job.id)]
    assert len(shards) == 8 and all(s.status == m.SUCCEEDED for s in shards)
    # A shard's last heartbeat is its finish. At most one queued shard per big job (and the
    # one running when the small job was queued) came before it.
    before = [s for s in shards if s.heartbeat_at is not None and s.heartbeat_at < small_started]
    assert len(before) <= 3, [(s.job_id, s.index, s.heartbeat_at) for s in shards]


def _charged_bytes(database_url: str, batch_id: str) -> int:
    """What the datasets service holds charged for the batch's parts, whatever their state."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            total = conn.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(BatchCharge.size_bytes), 0)).where(
                    BatchCharge.batch_id == batch_id
                )
            )
            return int(total or 0)
    finally:
        engine.dispose()


async def _used_bytes(world: TrainingWorld, user) -> int:
    usage = await world.datasets.GetStorageUsage(
        datasets_pb2.GetStorageUsageRequest(), metadata=user.md
    )
    return usage.used_bytes


async def test_a_killed_workers_shard_is_charged_to_the_quota_once(
    sharded, spawn_worker, database_url
):
    """The killed attempt had charged part of its shard; the attempt that redoes it replaces
    that charge instead of adding to it, and a late duplicate delivery changes nothing: the
    owner's usage is the bytes the batch's files hold."""
    world, config = sharded
    config = {
        **config,
        "shard_rows": 400_000,
        "storage_charge_bytes": 256 * 1024,
        "storage_charge_interval_seconds": 0.1,
    }
    user = await world.user()
    project_id = await world.project(user)
    first = spawn_worker(config)
    started = await _template(world, user, project_id, rows=800_000)
    deadline = asyncio.get_running_loop().time() + 180
    while _charged_bytes(database_url, started.batch.id) == 0:
        assert asyncio.get_running_loop().time() < deadline, "the shard charged nothing"
        await asyncio.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    spawn_worker(config)
    await _generated(world, user, started.job.id)
    shards = _shards(config, started.job.id)
    assert sorted(s.attempts for s in shards) == [1, 2]
    storage = Storage(str(config["storage_url"]))
    written = storage.folder_size(f"batches/{started.batch.id}")
    assert written > 0
    assert await _used_bytes(world, user) == written
    nc = await nats.connect(str(config["nats_url"]))
    try:
        for shard in shards:
            queued = training_pb2.QueuedShard(job_id=started.job.id, index=shard.index)
            await nc.jetstream().publish("synthetica.jobs.shard", queued.SerializeToString())
    finally:
        await nc.close()
    await asyncio.sleep(3)
    assert await _used_bytes(world, user) == written
