"""Jobs on a real worker: cancel, engine crashes, reproducibility, conditions, anomalies,
bounds, previews and SQL output that PostgreSQL loads back exactly."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import re
import signal
import uuid
from pathlib import Path

import grpc
import pandas as pd
import psutil
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from google.protobuf import struct_pb2

from services.training.engines import ENGINES
from synthetica.training.v1 import training_pb2
from tests.corpus import shared_tables
from tests.services.training.engines_crash_fixture import CRASHING
from tests.services.training.training_world import (
    TrainingWorld,
    frame,
    opened_world,
    small_adult_csv,
)
from tests.support import field_violations, stream_events

pytestmark = pytest.mark.usefixtures("training_worker")

HERE = Path(__file__).resolve().parent


@pytest.fixture
def crashing_engine(monkeypatch):
    """A test engine the API accepts and the worker's child process can import."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(ENGINES, "crashing", CRASHING)


def _options(**values: object) -> struct_pb2.Struct:
    options = struct_pb2.Struct()
    options.update(values)
    return options


def _engine_processes() -> set[int]:
    """Engine processes running a job: forked by the runner's fork server, so grandchildren of
    this one, each leading a process group of its own (a spare waiting for its job does not)."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if child.ppid() != os.getpid() and os.getpgid(child.pid) == child.pid:
                found.add(child.pid)
        except (psutil.NoSuchProcess, ProcessLookupError):
            continue
    return found


async def _generate(world, user, model_id: str, **request: object) -> training_pb2.Batch:
    response = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model_id, **request), metadata=user.md
    )
    return await world.succeeded_batch(user, response)


async def _hanging_engine(
    world: TrainingWorld, user
) -> tuple[training_pb2.TrainModelResponse, set[int]]:
    """Starts training with the crashing engine told to hang; returns the training's start and
    the engine's processes, once the engine has said its last word and gone silent."""
    dataset_id = await world.dataset(user, small_adult_csv(60))
    before = _engine_processes()
    started = await world.train(user, dataset_id, engine="crashing", options=_options(mode="hang"))
    running = await world.wait_job(user, started.job.id, (training_pb2.JOB_STATUS_RUNNING,))
    while "about to fail" not in running.progress.message:
        await asyncio.sleep(0.2)
        running = await world.wait_job(user, started.job.id, (training_pb2.JOB_STATUS_RUNNING,))
    return started, _engine_processes() - before


@pytest.mark.usefixtures("crashing_engine")
async def test_cancel_stops_a_running_engine_within_seconds(world, nats_url):
    user = await world.user()
    started, engines = await _hanging_engine(world, user)
    assert engines
    await asyncio.sleep(4.5)  # the engine is silent now: the worker's heartbeats keep coming

    cancelled = await world.training.CancelJob(
        training_pb2.CancelJobRequest(job_id=started.job.id), metadata=user.md
    )
    assert cancelled.job.status == training_pb2.JOB_STATUS_CANCELLED
    for _ in range(50):  # 10 s
        if not engines & _engine_processes():
            break
        await asyncio.sleep(0.2)
    assert not engines & _engine_processes(), "the engine process survived the cancel"
    model = await world.training.GetModel(
        training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
    )
    assert model.model.status == training_pb2.MODEL_STATUS_CANCELLED
    updates = [
        e.job_updated
        for e in await stream_events(nats_url, "synthetica.events.job.updated")
        if e.job_updated.job_id == started.job.id
    ]
    assert [u.status for u in updates][-1] == "cancelled"
    assert [u.sequence for u in updates] == sorted(u.sequence for u in updates)
    silent = [
        e.occurred_at.ToDatetime()
        for e in await stream_events(nats_url, "synthetica.events.job.updated")
        if e.job_updated.job_id == started.job.id and e.job_updated.message == "about to fail"
    ]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(silent)]
    assert len(gaps) >= 2 and max(gaps) < 5, gaps


@pytest.mark.usefixtures("crashing_engine")
async def test_an_engine_stopped_by_a_signal_runs_again_instead_of_failing(world):
    """A SIGTERM or Ctrl-C that reaches the engine is no fault of the job."""
    user = await world.user()
    started, engines = await _hanging_engine(world, user)
    assert len(engines) == 1
    (engine,) = engines
    assert os.getpgid(engine) == engine != os.getpgid(0)  # out of reach of the worker's Ctrl-C
    os.kill(engine, signal.SIGTERM)

    again = await world.wait_job(user, started.job.id, (training_pb2.JOB_STATUS_RUNNING,))
    while again.attempts < 2:
        assert again.status == training_pb2.JOB_STATUS_RUNNING, again.error
        await asyncio.sleep(0.3)
        again = await world.wait_job(user, started.job.id, (training_pb2.JOB_STATUS_RUNNING,))
    await world.training.CancelJob(
        training_pb2.CancelJobRequest(job_id=started.job.id), metadata=user.md
    )
    ended = await world.wait_job(user, started.job.id)
    assert ended.status == training_pb2.JOB_STATUS_CANCELLED


@pytest.mark.usefixtures("crashing_engine")
async def test_an_engine_crash_fails_the_job_and_the_worker_goes_on(world, nats_url):
    user = await world.user()
    dataset_id = await world.dataset(user, small_adult_csv(60))
    started = await world.train(
        user, dataset_id, engine="crashing", options=_options(mode="segfault")
    )
    job = await world.wait_job(user, started.job.id)
    assert job.status == training_pb2.JOB_STATUS_FAILED
    assert "killed by SIGSEGV" in job.error
    model = await world.training.GetModel(
        training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
    )
    assert model.model.status == training_pb2.MODEL_STATUS_FAILED
    assert "SIGSEGV" in model.model.error
    failed = [
        e
        for e in await stream_events(nats_url, "synthetica.events.model.failed")
        if e.model_failed.model_id == started.model.id
    ]
    assert len(failed) == 1

    assert await world.trained_model(user, dataset_id)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.Generate(
            training_pb2.GenerateRequest(model_id=started.model.id, count=10), metadata=user.md
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_same_data_params_and_seed_give_the_same_rows(world):
    user = await world.user()
    dataset_id = await world.dataset(user)
    first = await world.trained_model(user, dataset_id, seed=5)
    second = await world.trained_model(user, dataset_id, seed=5)
    rows = []
    for model_id in (first, second):
        batch = await _generate(world, user, model_id, count=300, seed=9)
        rows.append(await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV))
    assert rows[0] == rows[1]
    other = await _generate(world, user, first, count=300, seed=10)
    assert await world.download(user, other.id, training_pb2.EXPORT_FORMAT_CSV) != rows[0]


async def test_conditions_anomalies_and_bounds_shape_the_batch(world):
    user = await world.user()
    dataset_id = await world.dataset(user)
    model_id = await world.trained_model(user, dataset_id, seed=1)
    conditions = struct_pb2.Struct()
    conditions.update({"income": "<=50K"})
    conditioned = await _generate(world, user, model_id, count=200, seed=1, conditions=conditions)
    rows = frame(await world.download(user, conditioned.id, training_pb2.EXPORT_FORMAT_CSV))
    assert set(rows["income"]) == {"<=50K"}

    real = frame(small_adult_csv())
    bounded = await _generate(world, user, model_id, count=500, seed=2, enforce_bounds=True)
    rows = frame(await world.download(user, bounded.id, training_pb2.EXPORT_FORMAT_CSV))
    assert rows["age"].min() >= real["age"].min() and rows["age"].max() <= real["age"].max()

    anomalous = await _generate(
        world,
        user,
        model_id,
        count=500,
        seed=2,
        enforce_bounds=True,
        anomalies=training_pb2.AnomalyOptions(ratio=0.1, mark_column="odd"),
    )
    rows = frame(await world.download(user, anomalous.id, training_pb2.EXPORT_FORMAT_CSV))
    assert rows["odd"].sum() == 50
    outside = pd.Series(False, index=rows.index)
    for column in ("age", "hours-per-week"):
        outside |= ~rows[column].between(real[column].min(), real[column].max())
    # Bounds hold for normal rows; anomalies deliberately leave them, and are marked.
    assert outside.any()
    assert rows.loc[outside, "odd"].all()

    preview = await world.training.PreviewBatch(
        training_pb2.PreviewBatchRequest(batch_id=anomalous.id, limit=3), metadata=user.md
    )
    assert list(preview.columns)[-1] == "odd"
    assert [set(json.loads(r)) for r in preview.rows_json] == [set(preview.columns)] * 3


async def test_a_batch_preview_shows_dates_as_the_download_writes_them(world):
    """Monthly dates ("1960-01") come back in the file's format in the preview, as in a
    download, not as midnight timestamps."""
    user = await world.user()
    monthly = shared_tables()["monthly-car-sales"].read_bytes()
    model_id = await world.trained_model(user, await world.dataset(user, monthly), seed=1)
    batch = await _generate(world, user, model_id, count=50, seed=1)
    preview = await world.training.PreviewBatch(
        training_pb2.PreviewBatchRequest(batch_id=batch.id, limit=5), metadata=user.md
    )
    shown = [json.loads(row) for row in preview.rows_json]
    downloaded = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_JSONL)
    assert shown == [json.loads(line) for line in downloaded.decode().splitlines()[:5]]
    assert all(re.fullmatch(r"19\d\d-\d\d", row["Month"]) for row in shown)


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": -5}, "count"),
        ({"count": 10_000_001}, "count"),
        ({"count": 10, "conditions": {"no_such_column": 1}}, "conditions.no_such_column"),
        ({"count": 10, "conditions": {"income": "a million"}}, "conditions.income"),
        ({"count": 10, "conditions": {"age": 500}}, "conditions.age"),
        ({"count": 10, "anomalies": {"ratio": 1.5}}, "anomalies.ratio"),
    ],
)
async def test_bad_generate_input_is_refused_and_creates_no_job(
    world, shared_model, request_fields, field
):
    user, model_id = shared_model
    before = [job.id for job in await world.jobs(user)]
    fields = dict(request_fields)
    if "conditions" in fields:
        conditions = struct_pb2.Struct()
        conditions.update(fields.pop("conditions"))
        fields["conditions"] = conditions
    if "anomalies" in fields:
        fields["anomalies"] = training_pb2.AnomalyOptions(**fields["anomalies"])
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.Generate(
            training_pb2.GenerateRequest(model_id=model_id, **fields), metadata=user.md
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in field_violations(caught.value)
    assert [job.id for job in await world.jobs(user)] == before  # no new job


@pytest.fixture(scope="module")
async def shared_model(training_api, datasets_server, auth_server, service_token, training_worker):
    """One trained model for the input checks (module-wide: training takes seconds)."""
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        user = await world.user()
        model_id = await world.trained_model(user, await world.dataset(user))
        yield user, model_id


TRICKY = [
    'she said "hi"',
    "back\\slash",
    "two\nlines",
    "it's",
    "tab\there",
    "'; DROP TABLE x; --",
    "ünïcødé ✓",
]


async def test_sql_output_loads_into_postgresql_with_the_same_values(world, database_url):
    user = await world.user()
    notes = [*TRICKY, None] * 10
    table = pd.DataFrame({"note": notes, "amount": [float(i % 7) + 0.5 for i in range(80)]})
    dataset_id = await world.dataset(user, table.to_csv(index=False).encode())
    model_id = await world.trained_model(user, dataset_id, seed=3)
    batch = await _generate(world, user, model_id, count=200, seed=4)
    expected = pq.read_table(
        io.BytesIO(await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_PARQUET))
    ).to_pandas()
    assert set(expected["note"].dropna()) <= set(TRICKY)

    name = f"synthetic_{uuid.uuid4().hex[:8]}"
    sql = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_SQL, table_name=name)
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql.decode())
        with engine.connect() as conn:
            loaded = pd.read_sql(sa.text(f'SELECT * FROM "{name}"'), conn)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        engine.dispose()
    assert loaded["note"].tolist() == expected["note"].tolist()
    assert loaded["amount"].tolist() == pytest.approx(expected["amount"].tolist())
