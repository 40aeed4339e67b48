"""Uploads are bounded per caller before a byte of the body is read.

- A zip posted to /upload/datasets is spooled to the gateway's disk before the datasets
  service sees it. Before the fix, a made-up token had the gateway spool the whole body (up
  to 2 GiB, as many at once as the attacker liked) and only then hear "unauthenticated".
- One account could hold any number of uploads open at once, each up to the size limit.
  Now it has ``GATEWAY_MAX_UPLOADS_PER_USER`` (3) under way, across both doors, and another
  account is not affected; a slot comes back when its upload ends, finished or not."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from tests.gateway.test_gateway_body_limit import (
    BOUNDARY,
    MIB,
    _multipart_start,
    chunked_post,
    open_chunked,
)
from tests.gateway.test_gateway_datasets import create_project, new_user

CSV = b"a,b\n" + b"".join(b"%d,x%d\n" % (i, i % 3) for i in range(50))


async def test_a_zip_with_made_up_credentials_is_refused_before_it_is_spooled(gateway):
    status, sent, body = await chunked_post(
        gateway,
        content_type="application/zip",
        headers={"Authorization": "Bearer not-a-token"},
        first=b"PK\x03\x04" + b"\0" * 60_000,
        path="/upload/datasets?projectId=x",
    )
    assert status == 401, body
    assert b"UNAUTHENTICATED" in body
    # Refused from the headers: at most what was in flight (it used to read all 64 MiB).
    assert sent < 8 * MIB, sent


async def stalled(base_url: str, token: str, *, path: str, content_type: str, first: bytes):
    """An upload that sends its start and then nothing more; the caller closes it."""
    headers = {"Authorization": f"Bearer {token}"}
    reader, writer = await open_chunked(base_url, path, content_type, headers)
    writer.write(b"%x\r\n" % len(first) + first + b"\r\n")
    await writer.drain()
    return reader, writer


async def post_csv(client: httpx.AsyncClient, token: str, project_id: str) -> httpx.Response:
    return await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "name": "small", "fileName": "small.csv"},
        content=CSV,
        headers={"Authorization": f"Bearer {token}"},
    )


async def until(status: int, attempt) -> httpx.Response:
    """``attempt()`` again every 0.2 s until it answers ``status`` (30 s at most): the stalled
    uploads reach the gateway in their own time."""
    for _ in range(150):
        response = await attempt()
        if response.status_code == status:
            return response
        await asyncio.sleep(0.2)
    raise AssertionError(f"never {status}: last {response.status_code} {response.text}")


async def test_an_account_has_three_uploads_at_once_and_others_are_not_held_up(client, gateway_url):
    greedy, other = await new_user(client), await new_user(client)
    greedy_project = await create_project(client, greedy)
    other_project = await create_project(client, other)
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    raw = f"/upload/datasets?projectId={greedy_project}&name=slow&fileName=slow.csv"
    # Two through GraphQL's door, one through the plain one.
    doors = [("/graphql", multipart, _multipart_start() + b"a,b\n")] * 2
    doors.append((raw, "text/csv", b"a,b\n1,2\n"))
    opened = [
        await stalled(gateway_url, greedy["token"], path=path, content_type=kind, first=first)
        for path, kind, first in doors
    ]
    try:
        refused = await until(429, lambda: post_csv(client, greedy["token"], greedy_project))
        error = refused.json()["error"]
        assert error["reason"] == "TOO_MANY_UPLOADS"
        assert "at most 3 uploads at once" in error["message"]
        # The same through GraphQL's door (its errors are GraphQL-shaped).
        status, _, body = await chunked_post(
            gateway_url,
            content_type=multipart,
            headers={"Authorization": f"Bearer {greedy['token']}"},
            first=_multipart_start(),
        )
        assert status == 429 and b"TOO_MANY_UPLOADS" in body

        # Another account uploads as usual meanwhile.
        response = await post_csv(client, other["token"], other_project)
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "DATASET_STATUS_READY"
    finally:
        for _, writer in opened:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    # Abandoned uploads give their slots back: the account uploads again.
    response = await until(201, lambda: post_csv(client, greedy["token"], greedy_project))
    assert response.json()["status"] == "DATASET_STATUS_READY"
