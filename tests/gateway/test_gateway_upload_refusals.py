"""An upload the datasets service refuses from its header is answered with the refusal.

The service checks the header (the caller's role in the project, the name, the declared
size, how many of the caller's files are still ingesting) before it reads a byte, and ends
the call. The gateway used to stream the file on regardless, and gRPC's asyncio client
reports a write that meets an ended call as ``INTERNAL: Internal error from Core``
(grpc/grpc#36066): about a third of such uploads of a 4 MB file answered 500 "internal
error" instead of "project not found" or "viewers cannot upload". Now the service gives the
go-ahead in its initial metadata once the header passes, with its size limit, and the gateway
sends the bytes only then, and stops at the limit with the service's own error.
"""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.gateway.test_gateway_ingest_quota import BIG_CSV, post
from tests.support import graphql, start_datasets, start_gateway

ATTEMPTS = 12
# A refusal mid-stream met a write about one time in ten.
OVER_LIMIT_ATTEMPTS = 40


async def test_a_stranger_is_told_the_project_is_not_found_every_time(client):
    owner, stranger = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)

    raw = [
        await post(client, stranger["token"], project_id, BIG_CSV, wait=0) for _ in range(ATTEMPTS)
    ]
    through_graphql = [
        await upload(client, stranger["token"], project_id, BIG_CSV) for _ in range(ATTEMPTS)
    ]

    assert [r.status_code for r in raw] == [404] * ATTEMPTS, [r.text for r in raw]
    assert {r.json()["error"]["reason"] for r in raw} == {"PROJECT_NOT_FOUND"}
    codes = [answer["errors"][0]["extensions"]["code"] for answer in through_graphql]
    assert codes == ["NOT_FOUND"] * ATTEMPTS, through_graphql


async def test_a_viewer_is_told_viewers_cannot_upload_every_time(client):
    owner, viewer = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)
    added = await graphql(
        client,
        """mutation($p: ID!, $e: String!) {
             addProjectMember(projectId: $p, email: $e, role: VIEWER) { role } }""",
        {"p": project_id, "e": viewer["email"]},
        token=owner["token"],
    )
    assert "errors" not in added, added

    raw = [
        await post(client, viewer["token"], project_id, BIG_CSV, wait=0) for _ in range(ATTEMPTS)
    ]

    assert [r.status_code for r in raw] == [403] * ATTEMPTS, [r.text for r in raw]
    # Nothing was stored on the way: the project has no dataset.
    assert await dataset_ids(client, project_id, owner["token"]) == []


async def dataset_ids(client: httpx.AsyncClient, project_id: str, token: str) -> list[dict]:
    """The project's datasets (their ids): what an upload left behind."""
    listed = await graphql(
        client,
        "query($p: ID!) { datasets(projectId: $p, first: 5) { nodes { id } } }",
        {"p": project_id},
        token=token,
    )
    return listed["data"]["datasets"]["nodes"]


async def chunks(body: bytes):
    """``body`` streamed in 64 KiB pieces: chunked, with no Content-Length to refuse early."""
    for at in range(0, len(body), 64 * 1024):
        yield body[at : at + 64 * 1024]


async def test_a_file_over_the_limit_is_refused_as_too_large_every_time(
    datasets_config, auth_server, service_token, tmp_path
):
    """Refused mid-stream, not from its header: the gateway stops at the limit the service
    gave with its go-ahead (it used to answer "internal error" now and then)."""
    limited = await start_datasets(
        **(datasets_config | {"max_upload_bytes": 1024 * 1024}), storage_url=str(tmp_path)
    )
    try:
        async with (
            start_gateway(auth_server, limited, service_token=service_token) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as client,
        ):
            user = await new_user(client)
            project_id = await create_project(client, user)
            answers = [
                await client.post(
                    "/upload/datasets",
                    params={"projectId": project_id, "fileName": "big.csv"},
                    content=chunks(BIG_CSV),
                    headers={"Authorization": f"Bearer {user['token']}"},
                )
                for _ in range(OVER_LIMIT_ATTEMPTS)
            ]
            listed = await dataset_ids(client, project_id, user["token"])
    finally:
        await limited.stop(0)

    statuses = [a.status_code for a in answers]
    assert statuses == [413] * OVER_LIMIT_ATTEMPTS, [
        a.text for a in answers if a.status_code != 413
    ]
    assert {a.json()["error"]["reason"] for a in answers} == {"TOO_LARGE"}
    assert "larger than the upload limit of 1,048,576 bytes" in answers[0].text
    assert listed == []


async def test_a_body_broken_off_mid_stream_leaves_nothing_stored(
    datasets_config, auth_server, service_token, tmp_path
):
    """The client goes away after 3 MiB of a file: the call to the datasets service is
    cancelled, never half-closed, so no dataset is made of what arrived and no byte of it
    stays in storage."""

    async def broken_off():
        for _ in range(48):  # 3 MiB
            yield b"a,b\n" * 16 * 1024
        raise RuntimeError("the client went away")

    server = await start_datasets(**datasets_config, storage_url=str(tmp_path))
    try:
        async with (
            start_gateway(auth_server, server, service_token=service_token) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as client,
        ):
            user = await new_user(client)
            project_id = await create_project(client, user)
            with pytest.raises(RuntimeError, match="went away"):
                await client.post(
                    "/upload/datasets",
                    params={"projectId": project_id, "fileName": "cut.csv"},
                    content=broken_off(),
                    headers={"Authorization": f"Bearer {user['token']}"},
                )
            listed = await dataset_ids(client, project_id, user["token"])
    finally:
        await server.stop(0)

    assert listed == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
