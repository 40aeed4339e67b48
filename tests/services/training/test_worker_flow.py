"""Train, generate and download through the training API with a real worker."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import nats
import pyarrow.parquet as pq
import pytest
from google.protobuf import json_format

from common.events import new_event
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import frame, small_adult_csv
from tests.support import stream_events


async def test_a_model_trains_then_generates_a_batch_that_downloads(
    world, training_worker, nats_url
):
    user = await world.user()
    dataset_id = await world.dataset(user)
    started = await world.train(user, dataset_id, seed=7)
    assert started.model.status == training_pb2.MODEL_STATUS_QUEUED
    assert started.job.status == training_pb2.JOB_STATUS_QUEUED

    job = await world.wait_job(user, started.job.id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    assert job.progress.percent == 100.0
    assert job.attempts == 1
    model = (
        await world.training.GetModel(
            training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
        )
    ).model
    assert model.status == training_pb2.MODEL_STATUS_READY
    metrics = json_format.MessageToDict(model.metrics)
    assert metrics["rows"] > 200
    assert metrics["columns"] == 5
    assert metrics["engine"] == "gaussian_copula"
    assert "sdv" in metrics["library_versions"]
    assert metrics["duration_seconds"] > 0

    generated = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model.id, count=500, seed=3),
        metadata=user.md,
    )
    assert generated.batch.status == training_pb2.BATCH_STATUS_GENERATING
    batch = await world.succeeded_batch(user, generated)
    assert batch.status == training_pb2.BATCH_STATUS_READY
    assert batch.row_count == 500

    csv = frame(await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV))
    assert len(csv) == 500
    assert list(csv.columns) == ["age", "workclass", "education", "hours-per-week", "income"]
    parquet = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_PARQUET)
    assert pq.read_table(io.BytesIO(parquet)).num_rows == 500

    trained = [
        e
        for e in await stream_events(nats_url, "synthetica.events.model.trained")
        if e.model_trained.model_id == model.id
    ]
    generated_events = [
        e
        for e in await stream_events(nats_url, "synthetica.events.batch.generated")
        if e.batch_generated.batch_id == batch.id
    ]
    assert len(trained) == 1 and trained[0].user_id == user.id
    assert len(generated_events) == 1 and generated_events[0].batch_generated.row_count == 500


async def test_an_evaluation_fills_in_the_quality_score_of_a_batch(
    world, training_worker, nats_url
):
    user = await world.user()
    model_id = await world.trained_model(user, await world.dataset(user, small_adult_csv(100)))
    generated = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model_id, count=50), metadata=user.md
    )
    await world.wait_job(user, generated.job.id)

    def evaluation(score: float, verdict: str, *, hours_ahead: int) -> events_pb2.Event:
        event = new_event(
            events_pb2.EvaluationCompleted(
                report_id=f"r-{hours_ahead}",
                batch_id=generated.batch.id,
                quality_score=score,
                privacy_verdict=verdict,
            ),
            user_id=user.id,
        )
        # Dated ahead, so a report the evaluation service makes meanwhile is the older one.
        event.occurred_at.FromDatetime(datetime.now(UTC) + timedelta(hours=hours_ahead))
        return event

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    newest = evaluation(0.87, "low", hours_ahead=2)
    older = evaluation(0.10, "fail", hours_ahead=1)
    await js.publish("synthetica.events.evaluation.completed", newest.SerializeToString())
    await js.publish("synthetica.events.evaluation.completed", older.SerializeToString())
    await nc.close()
    for _ in range(50):
        batch = await world.batch(user, generated.batch.id)
        if batch.HasField("quality_score") and batch.quality_score == pytest.approx(0.87):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)  # time for the older event to be handled (and ignored)
    batch = await world.batch(user, generated.batch.id)
    assert batch.quality_score == pytest.approx(0.87)
    assert batch.privacy_verdict == "low"
