"""Batch expiry: files older than the retention are deleted and their batches marked EXPIRED,
for template and model batches alike; downloads then fail with a clear error."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa

from common.db import Database
from common.storage import Storage
from services.training.expiry import BatchExpiry
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import small_adult_csv

pytestmark = pytest.mark.usefixtures("training_worker")


async def _template_batch(world, user, project_id: str, builtin: str) -> training_pb2.Batch:
    request = training_pb2.GenerateFromTemplateRequest(
        builtin=builtin, project_id=project_id, count=20
    )
    started = await world.training.GenerateFromTemplate(request, metadata=user.md)
    return await world.succeeded_batch(user, started)


def _backdate(database_url: str, batch_id: str, days: int) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE training.batches SET created_at = created_at - make_interval(days => :d) "
                "WHERE id = :id"
            ),
            {"d": days, "id": batch_id},
        )
    engine.dispose()


def _files(storage: Storage, batch_id: str) -> list[str]:
    return storage.fs.find(storage.path(f"batches/{batch_id}"))


async def test_old_batches_lose_their_files_and_expire(world, training_config):
    user = await world.user()
    project_id = await world.project(user)
    old_template = await _template_batch(world, user, project_id, "finance_transactions")
    fresh = await _template_batch(world, user, project_id, "user")
    model_id = await world.trained_model(
        user, await world.dataset(user, small_adult_csv(60), project_id=project_id)
    )
    old_model_batch = await world.succeeded_batch(
        user,
        await world.training.Generate(
            training_pb2.GenerateRequest(model_id=model_id, count=30), metadata=user.md
        ),
    )
    storage = Storage(str(training_config["storage_url"]))
    for batch in (old_template, old_model_batch):
        assert _files(storage, batch.id)
        _backdate(str(training_config["database_url"]), batch.id, days=8)

    db = Database(str(training_config["database_url"]))
    try:
        expiry = BatchExpiry(db, storage, retention=timedelta(days=7), interval_seconds=3600)
        # A pass skips a batch whose row another transaction holds (the model batch's report
        # landing, under load): the next pass takes it, as the service's loop would.
        expired = 0
        for _ in range(20):
            expired += await expiry.run_once()
            if expired >= 2:
                break
            await asyncio.sleep(0.5)
        assert expired >= 2
    finally:
        db.dispose()

    for batch in (old_template, old_model_batch):
        got = await world.batch(user, batch.id)
        assert got.status == training_pb2.BATCH_STATUS_EXPIRED
        assert not _files(storage, batch.id)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV)
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "expired" in caught.value.details()
    assert await world.download(user, fresh.id, training_pb2.EXPORT_FORMAT_CSV)
    assert _files(storage, fresh.id)
