"""An upload's bytes into storage, once its header has been accepted.

UploadDataset is client-streaming: the header, then the file in chunks. Everything that can
be refused from the header (the caller's role, the name, the declared size, the caller's
files still ingesting) is checked before this runs; then the service sends its initial
metadata (``x-upload-accepted``, and the size limit ``x-upload-limit``) and reads the
chunks. A client waits for that metadata, or for the call's end, before it sends a chunk,
and stops at the limit with the same error the service would give: gRPC's asyncio client
reports a write that meets a call the server has already ended as ``INTERNAL: Internal error
from Core`` in place of the server's status (grpc/grpc#36066), so a refusal sent while
chunks were in flight reached the user as "internal error" about a third of the time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from common.errors import ResourceExhausted
from common.storage import Storage
from services.datasets import files
from services.datasets.client import UPLOAD_ACCEPTED, UPLOAD_LIMIT, too_large
from services.datasets.settings import DatasetsSettings

# Bytes written to storage at once while an upload streams in.
WRITE_BYTES = 4 * 1024 * 1024
# Bytes received between two charges to the storage quota (one short transaction each): a
# refusal comes within this many bytes, and the partial file (at most this much past the
# quota, for an instant) is removed with it.
CHARGE_BYTES = 8 * WRITE_BYTES
# The most a refused upload is read on (and dropped) before its refusal ends the call.
DRAIN_BYTES = 2 * CHARGE_BYTES


async def store_upload(
    storage: Storage,
    settings: DatasetsSettings,
    unit: str,
    requests: AsyncIterator[Any],
    context: grpc.aio.ServicerContext,
    charge: Callable[[int], Awaitable[None]],
) -> int:
    """Tells the client its header is accepted, then streams the chunks into storage, a few
    MiB at a time, each write on a thread while the next MiB arrive (one write at a time,
    so at most two batches are held); the bytes are charged to the storage quota every
    ``CHARGE_BYTES`` received and at the end, before the dataset exists. On any error (too
    large, over the quota, the client gone) the partial upload is removed."""
    limit = settings.max_upload_bytes
    await context.send_initial_metadata((UPLOAD_ACCEPTED, (UPLOAD_LIMIT, str(limit))))
    key = files.upload_key(unit)
    sink = await asyncio.to_thread(storage.open, key, "wb")
    size = held = uncharged = 0
    pending: list[bytes] = []
    writing: asyncio.Future[None] | None = None
    try:
        async for request in requests:
            chunk = request.chunk
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            pending.append(chunk)
            held += len(chunk)
            uncharged += len(chunk)
            if uncharged >= CHARGE_BYTES:
                await _charged(charge, uncharged, requests)
                uncharged = 0
            if held >= WRITE_BYTES:
                if writing is not None:
                    await writing
                writing = asyncio.ensure_future(asyncio.to_thread(_write, sink, pending))
                pending, held = [], 0
        await _charged(charge, uncharged, requests)
        if writing is not None:
            await writing
        await asyncio.to_thread(_write, sink, pending)
        await asyncio.to_thread(sink.close)
    except BaseException:
        if writing is not None:
            await asyncio.gather(writing, return_exceptions=True)
        await asyncio.to_thread(sink.close)
        await asyncio.to_thread(files.remove_all, storage, unit)
        raise
    return size


async def _charged(
    charge: Callable[[int], Awaitable[None]], size: int, requests: AsyncIterator[Any]
) -> None:
    """``charge(size)``; refused (the storage quota), the rest of the upload is read and
    dropped before the refusal ends the call: the client may have chunks in flight, and a
    write meeting an ended call turns the refusal into INTERNAL on its side (grpc#36066).
    At most ``DRAIN_BYTES`` are read so: a client that goes on sending past them is cut off."""
    try:
        await charge(size)
    except ResourceExhausted:
        drained = 0
        async for request in requests:
            drained += len(request.chunk)
            if drained > DRAIN_BYTES:
                break
        raise


def _write(sink: Any, chunks: list[bytes]) -> None:
    for chunk in chunks:
        sink.write(chunk)
