"""Deleting a dataset deletes what was made from it: its models, their
batches, the batches' reports, and the signed links to them, through GraphQL and the links
themselves. A job still running on it is cancelled. Training and evaluation consume
dataset.deleted idempotently: a redelivered event changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import nats
import pytest

from synthetica.training.v1 import training_pb2
from tests.gateway.test_gateway_evaluation import ready_report, token_of
from tests.services.evaluation.test_evaluation_service import generated_batch
from tests.support import error_code, gateway_client, graphql, stream_events

DELETE = "mutation($id: ID!) { deleteDataset(id: $id) }"
LINK = "mutation($id: ID!) { createBatchDownloadUrl(batchId: $id) { url } }"
MODEL = "query($id: ID!) { model(id: $id) { id status } }"
BATCH = "query($id: ID!) { batch(id: $id) { id status } }"
REPORT = "query($id: ID!) { report(batchId: $id) { id status } }"
JOB = "query($id: ID!) { job(id: $id) { status error } }"


@pytest.fixture
async def client(auth_server, service_token, evaluation_server, training_api, datasets_server):
    async with gateway_client(
        auth_server,
        evaluation_server,
        training_api,
        datasets_server,
        service_token=service_token,
        timeout=60,
    ) as c:
        yield c


def _files(root: Path, folder: str) -> list[Path]:
    return (
        [p for p in (root / folder).rglob("*") if p.is_file()] if (root / folder).exists() else []
    )


async def _eventually_gone(client, token: str, query: str, item: str) -> None:
    for _ in range(240):
        result = await graphql(client, query, {"id": item}, token=token)
        if result.get("errors"):
            assert error_code(result) == "NOT_FOUND", result
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{item} is still there")


async def _settled(nc, durable: str) -> None:
    """Waits until the durable consumer has handled (acked) every message it got."""
    js = nc.jetstream()
    for _ in range(240):
        info = await js.consumer_info("EVENTS", durable)
        if info.num_pending == 0 and info.num_ack_pending == 0:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{durable} still has messages to handle")


async def test_deleting_a_dataset_deletes_its_models_batches_reports_and_links(
    client, world, nats_url, training_config, evaluation_server
):
    user = await world.user()
    token = token_of(user)
    dataset_id, batch_id = await generated_batch(world, user)
    report = await ready_report(client, token, batch_id)
    batch = (
        await world.training.GetBatch(
            training_pb2.GetBatchRequest(batch_id=batch_id), metadata=user.md
        )
    ).batch
    link = (await graphql(client, LINK, {"id": batch_id}, token=token))["data"]
    batch_link = link["createBatchDownloadUrl"]["url"]
    assert (await client.get(batch_link)).status_code == 200
    assert (await client.get(report["htmlUrl"])).status_code == 200
    training_files = Path(str(training_config["storage_url"]))
    assert _files(training_files, f"models/{batch.model_id}")
    assert _files(training_files, f"batches/{batch_id}")
    assert _files(evaluation_server.storage_dir, f"reports/{report['id']}")
    # A long training on the same dataset, queued or running when the dataset goes.
    long = await world.train(user, dataset_id, engine="tvae", epochs=100_000)

    deleted = await graphql(client, DELETE, {"id": dataset_id}, token=token)
    assert "errors" not in deleted, deleted

    await _eventually_gone(client, token, MODEL, batch.model_id)
    await _eventually_gone(client, token, MODEL, long.model.id)
    await _eventually_gone(client, token, BATCH, batch_id)
    await _eventually_gone(client, token, REPORT, batch_id)
    # Cancelled by dataset.deleted; or, when a worker picked it up in between, failed on
    # reading a dataset that is gone. Either way it ends, saying why.
    job = await world.wait_job(user, long.job.id)
    if job.status == training_pb2.JOB_STATUS_CANCELLED:
        assert "deleted" in job.error, job.error
    else:
        assert job.status == training_pb2.JOB_STATUS_FAILED and "dataset" in job.error, job
    # The signed links answer a typed error, not the rows.
    for url in (batch_link, report["htmlUrl"], report["jsonUrl"]):
        response = await client.get(url)
        assert response.status_code == 404, (url, response.status_code, response.text)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    for _ in range(120):
        if not _files(evaluation_server.storage_dir, f"reports/{report['id']}"):
            break
        await asyncio.sleep(0.5)
    assert not _files(training_files, f"models/{batch.model_id}")
    assert not _files(training_files, f"batches/{batch_id}")
    assert not _files(evaluation_server.storage_dir, f"reports/{report['id']}")

    # The event again (as JetStream redelivers it): nothing happens twice.
    nc = await nats.connect(nats_url)
    try:
        await _settled(nc, "training-datasets")
        await _settled(nc, "evaluation-datasets")
        events = await stream_events(nats_url, "synthetica.events.>")
        (event,) = [e for e in events if e.dataset_deleted.dataset_id == dataset_id]
        updates = [e for e in events if e.job_updated.job_id == long.job.id]
        await nc.jetstream().publish(
            "synthetica.events.dataset.deleted",
            event.SerializeToString(),
            headers={"Nats-Msg-Id": f"again-{uuid.uuid4()}"},
        )
        await asyncio.sleep(0.5)
        await _settled(nc, "training-datasets")
        await _settled(nc, "evaluation-datasets")
    finally:
        await nc.close()
    events = await stream_events(nats_url, "synthetica.events.>")
    assert [e for e in events if e.job_updated.job_id == long.job.id] == updates
    assert (await world.wait_job(user, long.job.id)).status == job.status
