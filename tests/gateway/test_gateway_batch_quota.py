"""Generated batches count against the storage quota of the account that owns their project,
through the real gateway, datasets and training services, a real worker, PostgreSQL and NATS.

A generate request whose estimate clearly does not fit in what is left is refused before a
job exists (``QUOTA_EXCEEDED``, as an upload is), through GraphQL, the SDK and the CLI. A job
that passes the estimate and goes past the quota while writing fails naming the quota, keeps
no file and no charge. A finished batch counts in ``storageUsage`` until it expires or its
dataset or project is deleted. An upload and a generate job racing cannot both slip under.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from common.db import Database
from common.migrations import MIGRATIONS, upgrade
from common.storage import Storage
from services.datasets.client import DatasetsClient
from services.training import models as m
from services.training.expiry import BatchExpiry
from services.training.settings import TrainingSettings
from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2
from synthetica_client import Client
from synthetica_client.errors import QuotaExceeded
from tests.conftest import create_database
from tests.sdk.conftest import cli, in_thread
from tests.services.training.training_world import TrainingWorld, opened_world, training_settings
from tests.support import (
    error_code,
    graphql,
    start_datasets,
    start_gateway,
    start_training,
    start_training_worker,
)
from tools.embedded import EmbeddedNats, free_port

MiB = 1024 * 1024
QUOTA = 4 * MiB
# ~2.6 MB of "user" rows as a job writes them (estimated ~2.9 MB): one such batch fits in
# the quota, two do not.
ROWS = 30_000
USAGE = "{ storageUsage { usedBytes quotaBytes } }"
FROM_TEMPLATE = """mutation($input: GenerateFromTemplateInput!) {
  generateFromTemplate(input: $input) { job { id } batch { id } }
}"""
GENERATE = """mutation($input: GenerateInput!) {
  generate(input: $input) { job { id } batch { id } }
}"""
JOBS = "{ jobs(first: 50) { nodes { id kind status } } }"
DELETE_DATASET = "mutation($id: ID!) { deleteDataset(id: $id) }"
DELETE_PROJECT = "mutation($id: ID!) { deleteProject(id: $id) }"
CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { status } }"
# Small steps, so a job writing a few MiB is charged (and stopped) while it writes.
METERING = {
    "template_chunk_rows": 2_000,
    "storage_charge_bytes": 128 * 1024,
    "storage_charge_interval_seconds": 0.05,
}


@pytest.fixture(scope="module")
async def quota_datasets(datasets_config, tmp_path_factory) -> AsyncIterator:
    server = await start_datasets(
        **datasets_config,
        storage_url=str(tmp_path_factory.mktemp("batch-quota-datasets")),
        storage_quota_bytes=QUOTA,
    )
    yield server
    await server.stop(0)


@pytest.fixture(scope="module")
def module_nats(tmp_path_factory):
    """A NATS of the module's own: only its workers see its jobs."""
    server = EmbeddedNats(tmp_path_factory.mktemp("batch-quota-nats"), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def config(
    postgres_server_url, module_nats, service_token, auth_server, quota_datasets, tmp_path_factory
) -> dict[str, object]:
    database_url = create_database(postgres_server_url)
    upgrade(database_url, "training", MIGRATIONS["training"])
    settings = training_settings(
        database_url=database_url,
        nats_url=module_nats.url,
        token=service_token,
        auth=auth_server.address,
        datasets=quota_datasets.address,
        storage=tmp_path_factory.mktemp("batch-quota-training"),
    )
    return {**settings, **METERING}


@pytest.fixture(scope="module")
async def api(config) -> AsyncIterator:
    server = await start_training(**config)
    yield server
    await server.stop(0)


@pytest.fixture(scope="module")
async def gateway(auth_server, quota_datasets, api, service_token) -> AsyncIterator[str]:
    async with start_gateway(auth_server, quota_datasets, api, service_token=service_token) as url:
        yield url


@pytest.fixture
async def client(gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway, timeout=180) as c:
        yield c


@pytest.fixture
async def world(api, quota_datasets, auth_server, service_token) -> AsyncIterator[TrainingWorld]:
    async with opened_world(api, quota_datasets, auth_server, service_token) as world:
        yield world


@contextlib.asynccontextmanager
async def worker(config: dict[str, object]) -> AsyncIterator[None]:
    server = await start_training_worker(**config)
    try:
        yield
    finally:
        await server.stop(0)


async def used(client: httpx.AsyncClient, token: str) -> int:
    result = await graphql(client, USAGE, token=token)
    assert "errors" not in result, result
    assert result["data"]["storageUsage"]["quotaBytes"] == QUOTA
    return int(result["data"]["storageUsage"]["usedBytes"])


async def from_template(client, token: str, project_id: str, rows: int) -> dict:
    variables = {"input": {"builtin": "user", "projectId": project_id, "count": rows, "seed": 1}}
    return await graphql(client, FROM_TEMPLATE, variables, token=token)


def started(result: dict, mutation: str) -> tuple[str, str]:
    """(job id, batch id) of an accepted generate mutation."""
    assert "errors" not in result, result
    payload = result["data"][mutation]
    return payload["job"]["id"], payload["batch"]["id"]


def assert_over_quota(result: dict) -> None:
    assert error_code(result) == "QUOTA_EXCEEDED", result
    error = result["errors"][0]
    assert error["extensions"]["reason"] == "STORAGE_QUOTA_EXCEEDED"
    assert "quota" in error["message"]


async def job_kinds(client, token: str) -> list[str]:
    result = await graphql(client, JOBS, token=token)
    assert "errors" not in result, result
    return sorted(j["kind"] for j in result["data"]["jobs"]["nodes"])


def batch_bytes(config: dict[str, object], batch_id: str) -> int:
    return Storage(str(config["storage_url"])).folder_size(f"batches/{batch_id}")


async def test_a_template_request_past_what_is_left_is_refused_before_any_job(
    client, world, config
):
    user = await world.user()
    project_id = await world.project(user)
    # ~100 MB of rows for a 4 MiB quota: refused at once, no worker needed to tell.
    assert_over_quota(await from_template(client, user.token, project_id, 1_000_000))
    assert await job_kinds(client, user.token) == []
    assert await used(client, user.token) == 0
    # What fits is accepted, and its batch counts once written; the next big one sees it.
    job_id, batch_id = started(
        await from_template(client, user.token, project_id, ROWS), "generateFromTemplate"
    )
    async with worker(config):
        job = await world.wait_job(user, job_id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    written = batch_bytes(config, batch_id)
    assert written > MiB
    assert await used(client, user.token) == written
    assert_over_quota(await from_template(client, user.token, project_id, 2 * ROWS))
    assert await job_kinds(client, user.token) == ["TEMPLATE"]


async def test_the_sdk_and_the_cli_get_quota_exceeded_for_a_request_that_cannot_fit(
    client, world, gateway, tmp_path
):
    user = await world.user()
    project_id = await world.project(user)

    def generate() -> None:
        with Client(gateway, token=user.token) as sdk:
            sdk.generate_from_template("user", rows=1_000_000, project=project_id, wait=False)

    with pytest.raises(QuotaExceeded, match="quota"):
        await in_thread(generate)
    key = await graphql(
        client, 'mutation { createApiKey(input: {name: "cli"}) { secret } }', token=user.token
    )
    env = {
        "SYNTHETICA_URL": gateway,
        "SYNTHETICA_API_KEY": key["data"]["createApiKey"]["secret"],
        "SYNTHETICA_CONFIG_DIR": str(tmp_path / "config"),
    }
    ran = await cli(
        "templates", "generate", "user", "--rows", "1000000", "-o", str(tmp_path / "u.csv"),
        "-p", project_id, env=env,
    )  # fmt: skip
    assert ran.code != 0
    assert "quota" in ran.err.lower(), ran.err
    assert not (tmp_path / "u.csv").exists()
    assert await job_kinds(client, user.token) == []


async def test_model_batches_are_estimated_counted_and_given_back_with_their_dataset(
    client, world, config
):
    user = await world.user()
    project_id = await world.project(user)
    dataset_id = await world.dataset(user, project_id=project_id)
    uploaded = await used(client, user.token)
    async with worker(config):
        model_id = await world.trained_model(user, dataset_id)
        refused = await graphql(
            client, GENERATE, {"input": {"modelId": model_id, "count": 5_000_000}}, token=user.token
        )
        assert_over_quota(refused)
        assert await job_kinds(client, user.token) == ["TRAIN"]
        job_id, batch_id = started(
            await graphql(
                client, GENERATE, {"input": {"modelId": model_id, "count": 5_000}}, token=user.token
            ),
            "generate",
        )
        job = await world.wait_job(user, job_id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    written = batch_bytes(config, batch_id)
    assert written > 0
    assert await used(client, user.token) == uploaded + written
    deleted = await graphql(client, DELETE_DATASET, {"id": dataset_id}, token=user.token)
    assert deleted["data"]["deleteDataset"] is True, deleted
    assert await used(client, user.token) == 0


async def test_two_jobs_that_fit_alone_but_not_together_one_fails_at_the_quota_keeping_nothing(
    client, world, config
):
    user = await world.user()
    project_id = await world.project(user)
    # Both are asked for while nothing is written yet: each estimate fits what is left.
    jobs = [
        started(await from_template(client, user.token, project_id, ROWS), "generateFromTemplate")
        for _ in range(2)
    ]
    async with worker(config):
        finished = [await world.wait_job(user, job_id) for job_id, _ in jobs]
    statuses = sorted(j.status for j in finished)
    assert statuses == [training_pb2.JOB_STATUS_SUCCEEDED, training_pb2.JOB_STATUS_FAILED]
    failed = next(j for j in finished if j.status == training_pb2.JOB_STATUS_FAILED)
    assert "storage quota" in failed.error
    (ok_batch,) = [b for (j, b) in jobs if j != failed.id]
    (failed_batch,) = [b for (j, b) in jobs if j == failed.id]
    assert batch_bytes(config, failed_batch) == 0  # its partial files are gone
    assert (await world.batch(user, failed_batch)).status == training_pb2.BATCH_STATUS_FAILED
    # Only the batch that was written counts: nothing of the failed one stays charged.
    assert await used(client, user.token) == batch_bytes(config, ok_batch)


async def test_a_batch_is_given_back_when_it_expires_and_when_its_project_is_deleted(
    client, world, config
):
    user = await world.user()
    projects = [await world.project(user) for _ in range(2)]
    batches = []
    async with worker(config):
        for project_id in projects:
            job_id, batch_id = started(
                await from_template(client, user.token, project_id, 5_000), "generateFromTemplate"
            )
            job = await world.wait_job(user, job_id)
            assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
            batches.append(batch_id)
    sizes = [batch_bytes(config, b) for b in batches]
    assert await used(client, user.token) == sum(sizes)

    engine = sa.create_engine(str(config["database_url"]))
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.update(m.Batch)
                .where(m.Batch.id == batches[0])
                .values(created_at=sa.func.now() - timedelta(days=8))
            )
    finally:
        engine.dispose()
    settings = TrainingSettings(**config)
    datasets = DatasetsClient(settings, service_name="tests")
    db = Database(str(config["database_url"]))
    try:
        expiry = BatchExpiry(
            db,
            Storage(str(config["storage_url"])),
            retention=timedelta(days=7),
            interval_seconds=3600,
            release=datasets.release_batch_storage,
        )
        assert await expiry.run_once() == 1
    finally:
        db.dispose()
        await datasets.close()
    assert batch_bytes(config, batches[0]) == 0
    assert await used(client, user.token) == sizes[1]

    deleted = await graphql(client, DELETE_PROJECT, {"id": projects[1]}, token=user.token)
    assert deleted["data"]["deleteProject"] is True, deleted
    assert await used(client, user.token) == 0


async def test_an_upload_and_a_generate_job_racing_cannot_both_slip_under(client, world, config):
    user = await world.user()
    project_id = await world.project(user)
    job_id, batch_id = started(
        await from_template(client, user.token, project_id, ROWS), "generateFromTemplate"
    )
    row = b"1,abcdefghijklmnopqrstuvwxyz0123456789\n"
    csv = b"id,text\n" + row * (int(2.5 * MiB) // len(row))

    async def upload() -> httpx.Response:
        return await client.post(
            "/upload/datasets",
            params={"projectId": project_id, "fileName": "data.csv", "waitSeconds": "60"},
            content=csv,
            headers={"Authorization": f"Bearer {user.token}"},
        )

    async with worker(config):
        answer, job = await asyncio.gather(upload(), world.wait_job(user, job_id))
    uploaded = answer.status_code == 201
    generated = job.status == training_pb2.JOB_STATUS_SUCCEEDED
    # Each fits alone; together they do not: exactly one is refused, with the quota's words.
    assert uploaded != generated, (answer.text, job.error)
    if uploaded:
        assert "storage quota" in job.error
        assert batch_bytes(config, batch_id) == 0
        assert await used(client, user.token) == len(csv)
    else:
        assert answer.status_code == 413, answer.text
        assert answer.json()["error"]["code"] == "QUOTA_EXCEEDED"
        assert await used(client, user.token) == batch_bytes(config, batch_id)
    assert await used(client, user.token) <= QUOTA


async def test_a_cancelled_job_whose_worker_died_after_charging_gives_the_bytes_back(
    client, world, config
):
    """The worker charged the batch's exact bytes (committed) and died before the training
    commit; the job is then cancelled. Its message, delivered again to a live worker, finds
    the job ended, and the charge goes: nothing of a batch that never was stays counted."""
    user = await world.user()
    project_id = await world.project(user)
    job_id, batch_id = started(
        await from_template(client, user.token, project_id, 5_000), "generateFromTemplate"
    )
    datasets = DatasetsClient(TrainingSettings(**config), service_name="training-worker")
    try:
        charge = datasets_pb2.ChargeBatchStorageRequest(
            batch_id=batch_id,
            project_id=project_id,
            part=0,
            attempt=1,
            size_bytes=MiB,
            committed=True,
        )
        assert await datasets.charge_batch_storage(charge)
    finally:
        await datasets.close()
    assert await used(client, user.token) == MiB
    cancelled = await graphql(client, CANCEL, {"id": job_id}, token=user.token)
    assert cancelled["data"]["cancelJob"]["status"] == "CANCELLED", cancelled
    async with worker(config):
        deadline = asyncio.get_running_loop().time() + 60
        while await used(client, user.token) != 0:
            assert asyncio.get_running_loop().time() < deadline, "the charge stayed"
            await asyncio.sleep(0.2)
    assert batch_bytes(config, batch_id) == 0


async def test_a_sharded_job_past_the_quota_fails_and_its_committed_shards_go_too(
    client, world, config
):
    """Shards charge as they write: the one that goes past the quota fails the job, and the
    shards committed before it are deleted and given back with it."""
    user = await world.user()
    project_id = await world.project(user)
    # Both fit when asked for (nothing written yet); the worker runs the first, then the
    # second's shards of 10,000 rows: its third does not fit beside the first job's batch.
    first_job, first_batch = started(
        await from_template(client, user.token, project_id, ROWS // 2), "generateFromTemplate"
    )
    job_id, batch_id = started(
        await from_template(client, user.token, project_id, ROWS), "generateFromTemplate"
    )
    sharding = {**config, "shard_threshold_rows": ROWS // 2, "shard_rows": 10_000}
    async with worker(sharding):
        first = await world.wait_job(user, first_job)
        job = await world.wait_job(user, job_id)
    assert first.status == training_pb2.JOB_STATUS_SUCCEEDED, first.error
    assert job.status == training_pb2.JOB_STATUS_FAILED
    assert "storage quota" in job.error
    engine = sa.create_engine(str(config["database_url"]))
    try:
        with engine.connect() as conn:
            shards = conn.execute(sa.select(m.Shard.status).where(m.Shard.job_id == job_id))
            # One worker runs them one at a time: two fit, the third does not.
            assert sorted(shards.scalars()) == [m.FAILED, m.SUCCEEDED, m.SUCCEEDED]
    finally:
        engine.dispose()
    assert batch_bytes(config, batch_id) == 0
    assert await used(client, user.token) == batch_bytes(config, first_batch)
