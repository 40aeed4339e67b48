"""The per-account storage quota, through the real gateway and datasets service.

An account's datasets (in the projects it owns) may hold at most ``DATASETS_STORAGE_QUOTA_BYTES``;
an upload is counted while it streams and refused (413 ``QUOTA_EXCEEDED``, reason
``STORAGE_QUOTA_EXCEEDED``) once it would go past what is left, keeping nothing. Two uploads
streaming at once cannot both slip under it. A shared project counts against its owner.
Deleting a dataset gives its bytes back. ``storageUsage`` shows the numbers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from common.db import Database
from services.datasets.models import StorageReservation
from services.datasets.storage_quota import STALE_AFTER
from tests.gateway.test_gateway_datasets import create_project, new_user
from tests.support import error_code, graphql, start_datasets, start_gateway

MiB = 1024 * 1024
QUOTA = 10 * MiB
USAGE = "{ storageUsage { usedBytes quotaBytes } }"
ADD_MEMBER = """mutation($p: ID!, $e: String!, $r: ProjectRole!) {
  addProjectMember(projectId: $p, email: $e, role: $r) { role }
}"""
DELETE = "mutation($id: ID!) { deleteDataset(id: $id) }"
STATUSES = "query($p: ID!) { datasets(projectId: $p, first: 50) { nodes { id sizeBytes } } }"


def csv_of(size: int) -> bytes:
    """A valid CSV of about ``size`` bytes."""
    row = b"1,abcdefghijklmnopqrstuvwxyz0123456789\n"
    return b"id,text\n" + row * (size // len(row))


SIX_MIB = csv_of(6 * MiB)


@pytest.fixture(scope="module")
async def quota_storage(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("quota-storage")


@pytest.fixture(scope="module")
async def client(
    datasets_config, auth_server, service_token, quota_storage
) -> AsyncIterator[httpx.AsyncClient]:
    server = await start_datasets(
        **datasets_config, storage_url=str(quota_storage), storage_quota_bytes=QUOTA
    )
    try:
        async with (
            start_gateway(auth_server, server, service_token=service_token) as url,
            httpx.AsyncClient(base_url=url, timeout=180) as c,
        ):
            yield c
    finally:
        await server.stop(0)


async def post(client: httpx.AsyncClient, token: str, project_id: str, body: bytes):
    return await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "fileName": "data.csv", "waitSeconds": "60"},
        content=body,
        headers={"Authorization": f"Bearer {token}"},
    )


async def usage(client: httpx.AsyncClient, token: str) -> dict:
    result = await graphql(client, USAGE, token=token)
    assert "errors" not in result, result
    return result["data"]["storageUsage"]


async def datasets(client: httpx.AsyncClient, token: str, project_id: str) -> list[dict]:
    result = await graphql(client, STATUSES, {"p": project_id}, token=token)
    return result["data"]["datasets"]["nodes"]


def assert_over_quota(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["code"] == "QUOTA_EXCEEDED" and error["reason"] == "STORAGE_QUOTA_EXCEEDED"
    assert "quota" in error["message"]


def stored_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file())


async def test_uploads_past_the_quota_are_refused_and_a_delete_gives_the_bytes_back(
    client, quota_storage
):
    owner = await new_user(client)
    project = await create_project(client, owner)
    assert await usage(client, owner["token"]) == {"usedBytes": 0, "quotaBytes": QUOTA}

    first = await post(client, owner["token"], project, SIX_MIB)
    assert first.status_code == 201, first.text
    assert (await usage(client, owner["token"]))["usedBytes"] == len(SIX_MIB)

    files_before = stored_files(quota_storage)
    refused = await post(client, owner["token"], project, SIX_MIB)
    assert_over_quota(refused)
    assert len(await datasets(client, owner["token"], project)) == 1
    assert stored_files(quota_storage) == files_before  # the partial upload is gone
    assert (await usage(client, owner["token"]))["usedBytes"] == len(SIX_MIB)

    # A small file still fits in what is left.
    small = await post(client, owner["token"], project, csv_of(MiB))
    assert small.status_code == 201, small.text

    deleted = await graphql(client, DELETE, {"id": first.json()["id"]}, token=owner["token"])
    assert deleted["data"]["deleteDataset"] is True, deleted
    assert (await usage(client, owner["token"]))["usedBytes"] < 2 * MiB
    again = await post(client, owner["token"], project, SIX_MIB)
    assert again.status_code == 201, again.text


async def test_two_uploads_at_once_cannot_both_slip_under_the_quota(client):
    owner = await new_user(client)
    project = await create_project(client, owner)
    answers = await asyncio.gather(
        post(client, owner["token"], project, SIX_MIB),
        post(client, owner["token"], project, SIX_MIB),
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 413], [a.text for a in answers]
    assert_over_quota(next(a for a in answers if a.status_code == 413))
    assert len(await datasets(client, owner["token"], project)) == 1
    assert (await usage(client, owner["token"]))["usedBytes"] == len(SIX_MIB)


async def test_a_shared_project_counts_against_its_owner(client):
    owner, editor, viewer, other = [await new_user(client) for _ in range(4)]
    project = await create_project(client, owner)
    for member, role in ((editor, "EDITOR"), (viewer, "VIEWER")):
        added = await graphql(
            client,
            ADD_MEMBER,
            {"p": project, "e": member["email"], "r": role},
            token=owner["token"],
        )
        assert "errors" not in added, added

    by_editor = await post(client, editor["token"], project, SIX_MIB)
    assert by_editor.status_code == 201, by_editor.text
    assert (await usage(client, owner["token"]))["usedBytes"] == len(SIX_MIB)
    assert (await usage(client, editor["token"]))["usedBytes"] == 0
    assert (await usage(client, other["token"]))["usedBytes"] == 0

    # The editor's own project has the editor's whole quota; the owner's has what is left.
    own = await create_project(client, editor)
    assert (await post(client, editor["token"], own, SIX_MIB)).status_code == 201
    assert_over_quota(await post(client, editor["token"], project, SIX_MIB))

    # A viewer cannot upload at all, whatever the quota; an outsider does not see it.
    viewer_upload = await post(client, viewer["token"], project, csv_of(1000))
    assert viewer_upload.status_code == 403, viewer_upload.text
    outsider = await post(client, other["token"], project, csv_of(1000))
    assert outsider.status_code == 404, outsider.text


async def test_usage_needs_a_signed_in_caller(client):
    result = await graphql(client, USAGE)
    assert error_code(result) == "UNAUTHENTICATED", result


async def test_no_quota_when_it_is_zero(datasets_config, auth_server, service_token, tmp_path):
    server = await start_datasets(
        **datasets_config, storage_url=str(tmp_path), storage_quota_bytes=0
    )
    try:
        async with (
            start_gateway(auth_server, server, service_token=service_token) as url,
            httpx.AsyncClient(base_url=url, timeout=180) as c,
        ):
            owner = await new_user(c)
            project = await create_project(c, owner)
            body = csv_of(MiB)
            response = await post(c, owner["token"], project, body)
            assert response.status_code == 201, response.text
            assert await usage(c, owner["token"]) == {"usedBytes": len(body), "quotaBytes": None}
    finally:
        await server.stop(0)


async def test_an_upload_whose_service_died_stops_counting_after_a_while(client, database_url):
    """A datasets process killed mid-upload leaves its reservation row (written as chunks
    arrived); while fresh it counts (the upload might still be streaming on a replica),
    once stale it does not, so the account's quota is not lost for good."""
    owner = await new_user(client)
    project = await create_project(client, owner)
    db = Database(database_url)
    reservation = uuid.uuid4()

    def left_behind(age: timedelta) -> None:
        def write(session) -> None:
            session.merge(
                StorageReservation(
                    id=reservation,
                    account_id=uuid.UUID(owner["id"]),
                    size_bytes=8 * MiB,
                    updated_at=datetime.now(UTC) - age,
                )
            )

        db.run(write)

    try:
        await asyncio.to_thread(left_behind, timedelta(seconds=5))
        assert (await usage(client, owner["token"]))["usedBytes"] == 8 * MiB
        assert_over_quota(await post(client, owner["token"], project, SIX_MIB))

        await asyncio.to_thread(left_behind, STALE_AFTER + timedelta(minutes=1))
        assert (await usage(client, owner["token"]))["usedBytes"] == 0
        assert (await post(client, owner["token"], project, SIX_MIB)).status_code == 201
    finally:
        db.dispose()


async def test_a_big_upload_is_refused_while_it_streams_with_the_quotas_own_error(
    client, quota_storage
):
    """Past the quota in the middle of the stream (the service charges every 32 MiB), not
    only at its end: the client still gets QUOTA_EXCEEDED, not a transport error, and
    nothing stays stored."""
    owner = await new_user(client)
    project = await create_project(client, owner)
    files_before = stored_files(quota_storage)
    assert_over_quota(await post(client, owner["token"], project, csv_of(48 * MiB)))
    assert await datasets(client, owner["token"], project) == []
    assert stored_files(quota_storage) == files_before
    assert (await usage(client, owner["token"]))["usedBytes"] == 0
