"""The datasets service's side of generated batches in the storage quota: the charges the
training worker sets as it writes (ChargeBatchStorage), gives back (ReleaseBatchStorage) and
asks about before a job is queued (CheckStorageQuota). A part's charge is keyed by the attempt
writing it: a newer attempt replaces it, an older one can neither grow nor release it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import grpc
import pytest

from synthetica.datasets.v1 import datasets_pb2 as pb
from tests.services.datasets.conftest import DatasetsCaller, datasets_caller
from tests.support import start_datasets

MiB = 1024 * 1024
QUOTA = 10 * MiB


@pytest.fixture(scope="module")
async def limited(datasets_config, tmp_path_factory) -> AsyncIterator:
    server = await start_datasets(
        **datasets_config,
        storage_url=str(tmp_path_factory.mktemp("charges")),
        storage_quota_bytes=QUOTA,
    )
    yield server
    await server.stop(0)


@pytest.fixture
async def ds(limited, auth_server, service_token) -> AsyncIterator[DatasetsCaller]:
    async with datasets_caller(limited, auth_server, service_token) as caller:
        yield caller


def service(token: str) -> tuple[tuple[str, str], ...]:
    return (("x-service-token", token), ("x-service-name", "training-worker"))


async def used(ds: DatasetsCaller, md) -> int:
    return (await ds.stub.GetStorageUsage(pb.GetStorageUsageRequest(), metadata=md)).used_bytes


def charge(project_id: str, batch_id: str, size: int, *, attempt: int = 1, part: int = 0, **kw):
    return pb.ChargeBatchStorageRequest(
        batch_id=batch_id,
        project_id=project_id,
        part=part,
        attempt=attempt,
        size_bytes=size,
        **kw,
    )


async def refused(call, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code, caught.value.details()
    return caught.value


async def test_a_retried_attempt_replaces_its_parts_charge_and_an_older_one_cannot_touch_it(
    ds, service_token
):
    owner = await ds.user()
    project = await ds.project(owner.md)
    batch = str(uuid.uuid4())
    md = service(service_token)
    assert (
        await ds.stub.ChargeBatchStorage(charge(project.id, batch, 3 * MiB), metadata=md)
    ).charged
    # Attempt 2 of the same part (the job redelivered): it replaces, it does not add.
    again = charge(project.id, batch, 2 * MiB, attempt=2)
    assert (await ds.stub.ChargeBatchStorage(again, metadata=md)).charged
    assert await used(ds, owner.md) == 2 * MiB
    # The stalled attempt 1 resumes: neither its charge nor its release changes attempt 2's.
    stale = charge(project.id, batch, 9 * MiB, attempt=1)
    assert not (await ds.stub.ChargeBatchStorage(stale, metadata=md)).charged
    release_old = pb.ReleaseBatchStorageRequest(batch_ids=[batch], part=0, attempt=1)
    await ds.stub.ReleaseBatchStorage(release_old, metadata=md)
    assert await used(ds, owner.md) == 2 * MiB
    # Another part (shard) adds; releasing the batch gives back every part.
    other = charge(project.id, batch, MiB, part=1)
    assert (await ds.stub.ChargeBatchStorage(other, metadata=md)).charged
    assert await used(ds, owner.md) == 3 * MiB
    await ds.stub.ReleaseBatchStorage(pb.ReleaseBatchStorageRequest(batch_ids=[batch]), metadata=md)
    assert await used(ds, owner.md) == 0


async def test_a_progress_charge_landing_after_the_final_one_changes_nothing(ds, service_token):
    """The worker charges what it has written so far while it writes, then the exact bytes
    (final) before it commits. A progress charge still in flight as the write ended can land
    after the final one: it must neither shrink the batch's charge nor make it uncommitted
    (an uncommitted charge stops counting after 10 minutes). A CI run caught it: a batch of
    1,575,874 bytes counted as 1,446,251."""
    owner = await ds.user()
    project = await ds.project(owner.md)
    batch = str(uuid.uuid4())
    md = service(service_token)
    final = charge(project.id, batch, 3 * MiB, committed=True)
    assert (await ds.stub.ChargeBatchStorage(final, metadata=md)).charged
    late = charge(project.id, batch, 2 * MiB)
    await ds.stub.ChargeBatchStorage(late, metadata=md)
    assert await used(ds, owner.md) == 3 * MiB
    # A newer attempt of the part (the job redelivered) still replaces it, final or not.
    retried = charge(project.id, batch, MiB, attempt=2)
    assert (await ds.stub.ChargeBatchStorage(retried, metadata=md)).charged
    assert await used(ds, owner.md) == MiB


async def test_a_charge_past_the_quota_is_refused_and_changes_nothing(ds, service_token):
    owner = await ds.user()
    project = await ds.project(owner.md)
    md = service(service_token)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    await ds.stub.ChargeBatchStorage(charge(project.id, first, 6 * MiB), metadata=md)
    error = await refused(
        ds.stub.ChargeBatchStorage(charge(project.id, second, 5 * MiB), metadata=md),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    )
    assert "quota" in (error.details() or "")
    assert await used(ds, owner.md) == 6 * MiB
    # The part's own earlier charge is not counted twice when it grows.
    grown = charge(project.id, first, 9 * MiB)
    assert (await ds.stub.ChargeBatchStorage(grown, metadata=md)).charged
    assert await used(ds, owner.md) == 9 * MiB
    # A request estimate is checked against what is left, charging nothing.
    room = pb.CheckStorageQuotaRequest(project_id=project.id, size_bytes=MiB)
    assert (await ds.stub.CheckStorageQuota(room, metadata=md)).used_bytes == 9 * MiB
    await refused(
        ds.stub.CheckStorageQuota(
            pb.CheckStorageQuotaRequest(project_id=project.id, size_bytes=2 * MiB), metadata=md
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    )
    assert await used(ds, owner.md) == 9 * MiB


async def test_the_charge_rpcs_are_for_services_and_bounded(ds, service_token):
    owner = await ds.user()
    project = await ds.project(owner.md)
    batch = str(uuid.uuid4())
    # A user, even the project's owner, can neither charge, release nor probe.
    for call in (
        ds.stub.ChargeBatchStorage(charge(project.id, batch, 0), metadata=owner.md),
        ds.stub.ReleaseBatchStorage(
            pb.ReleaseBatchStorageRequest(batch_ids=[batch]), metadata=owner.md
        ),
        ds.stub.CheckStorageQuota(
            pb.CheckStorageQuotaRequest(project_id=project.id), metadata=owner.md
        ),
    ):
        await refused(call, grpc.StatusCode.PERMISSION_DENIED)
    md = service(service_token)
    for hostile in (
        charge(project.id, batch, -1),
        charge(project.id, batch, 1, attempt=0),
        charge(project.id, batch, 1, part=-1),
        charge(project.id, "../etc", 1),
        charge(project.id, batch, 1, dataset_id="not-an-id"),
    ):
        await refused(
            ds.stub.ChargeBatchStorage(hostile, metadata=md), grpc.StatusCode.INVALID_ARGUMENT
        )
    await refused(
        ds.stub.ChargeBatchStorage(charge(str(uuid.uuid4()), batch, 1), metadata=md),
        grpc.StatusCode.NOT_FOUND,
    )
    assert await used(ds, owner.md) == 0


async def test_without_a_quota_batches_count_and_nothing_is_refused(
    datasets_config, auth_server, service_token, tmp_path
):
    server = await start_datasets(
        **datasets_config, storage_url=str(tmp_path), storage_quota_bytes=0
    )
    try:
        async with datasets_caller(server, auth_server, service_token) as ds:
            owner = await ds.user()
            project = await ds.project(owner.md)
            md = service(service_token)
            huge = 50 * 1024**4
            room = pb.CheckStorageQuotaRequest(project_id=project.id, size_bytes=huge)
            assert (await ds.stub.CheckStorageQuota(room, metadata=md)).quota_bytes == 0
            big = charge(project.id, str(uuid.uuid4()), huge, committed=True)
            assert (await ds.stub.ChargeBatchStorage(big, metadata=md)).charged
            assert await used(ds, owner.md) == huge
    finally:
        await server.stop(0)
