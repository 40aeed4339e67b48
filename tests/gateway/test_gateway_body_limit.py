"""POST /graphql bodies are limited while they stream.

Each test offers a chunked body (no Content-Length) far over the limit, over a raw socket,
and notes how much it had sent when the gateway answered. Before the fix the gateway read
the whole body (300 MB took it from 152 to 765 MB) and only then answered 413; a multipart
body was spooled to disk whole before "credentials required"."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import pytest

from tests.support import AuthCaller, start_gateway

MIB = 1024 * 1024
# What each test offers: far over every limit below.
OFFERED = 64 * MIB
PIECE = 64 * 1024
BOUNDARY = "synthetica-test-boundary"


async def open_chunked(
    base_url: str, path: str, content_type: str, headers: dict[str, str]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection with a chunked POST's head sent, its body still to come."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {url.netloc}",
        f"Content-Type: {content_type}",
        "Transfer-Encoding: chunked",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    return reader, writer


async def chunked_post(
    base_url: str,
    *,
    content_type: str,
    headers: dict[str, str] | None = None,
    first: bytes = b"",
    path: str = "/graphql",
) -> tuple[int, int, bytes]:
    """Streams ``first`` then zeros, chunked, until the gateway answers or OFFERED bytes are
    sent. Returns (HTTP status, bytes sent when the answer came, response body)."""
    reader, writer = await open_chunked(base_url, path, content_type, headers or {})
    answer = asyncio.create_task(reader.read(64 * 1024))
    sent = 0
    piece = first or b"\0" * PIECE
    try:
        while sent < OFFERED and not answer.done():
            writer.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            await writer.drain()
            sent += len(piece)
            piece = b"\0" * PIECE
            await asyncio.sleep(0)
        if not answer.done():
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass  # the gateway answered and closed while we were still sending
    raw = await asyncio.wait_for(answer, timeout=30)
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    status = int(raw.split(b" ", 2)[1])
    return status, sent, raw.partition(b"\r\n\r\n")[2]


async def test_a_chunked_json_body_is_refused_once_over_the_limit(gateway):
    status, sent, body = await chunked_post(
        gateway, content_type="application/json", first=b'{"query": "' + b" " * PIECE
    )
    assert status == 413
    assert b"PAYLOAD_TOO_LARGE" in body
    # The limit is 1 MiB: the answer came long before the 64 MiB offered were read.
    assert sent < 8 * MIB, sent


def _multipart_start() -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="operations"\r\n\r\n'
        '{"query": "mutation($f: Upload!) { uploadDataset(projectId: \\"x\\", file: $f) '
        '{ id } }", "variables": {"f": null}}\r\n'
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="map"\r\n\r\n'
        '{"0": ["variables.f"]}\r\n'
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="0"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"X-API-Key": "syn_0123456789ab_" + "x" * 40}],
    ids=["anonymous", "bad-token", "bad-api-key"],
)
async def test_a_multipart_body_without_valid_credentials_is_not_read(gateway, headers):
    status, sent, body = await chunked_post(
        gateway,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
        first=_multipart_start(),
    )
    assert status == 401
    assert b"UNAUTHENTICATED" in body
    # Refused from the headers: at most what was in flight, nothing spooled to disk.
    assert sent < 8 * MIB, sent


async def test_a_signed_in_multipart_body_stops_at_the_upload_limit(auth_server, service_token):
    caller = AuthCaller(auth_server.address, service_token)
    token = (await caller.register()).tokens.access_token
    await caller.close()
    async with start_gateway(
        auth_server, service_token=service_token, max_upload_bytes=2 * MIB
    ) as url:
        status, sent, body = await chunked_post(
            url,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            headers={"Authorization": f"Bearer {token}"},
            first=_multipart_start(),
        )
    assert status == 413
    assert b"PAYLOAD_TOO_LARGE" in body
    assert sent < 16 * MIB, sent


async def test_a_declared_length_over_the_limit_is_refused_before_any_body(gateway):
    """Content-Length says 64 MiB: the answer comes from the headers alone, with not one byte
    of the body sent."""
    url = urlsplit(gateway)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = [
        "POST /graphql HTTP/1.1",
        f"Host: {url.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {OFFERED}",
    ]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(64 * 1024), timeout=30)
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    assert int(raw.split(b" ", 2)[1]) == 413
    assert b"PAYLOAD_TOO_LARGE" in raw
