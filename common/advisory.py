"""A PostgreSQL advisory lock held across many transactions, for work that spans seconds of
computation between its reads and its writes (relating a dataset's tables), so two replicas
of a service do it one at a time.

The lock is session-level, on a connection of its own taken from the pool for as long as
it is held. It is taken with ``pg_try_advisory_lock`` polled from the event loop, not a
blocking ``pg_advisory_lock`` (which ``statement_timeout`` would cut off, and which would
hold a worker thread while waiting). If the connection dies, PostgreSQL releases the lock
with it; if the unlock fails, the connection is invalidated rather than pooled with the
lock still held.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import Connection

from common.db import Database
from common.errors import Unavailable

POLL_SECONDS = 0.1


def _try_lock(conn: Connection, namespace: str, key: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT pg_try_advisory_lock(hashtext(:namespace), hashtext(:key))"),
            {"namespace": namespace, "key": key},
        ).scalar()
    )


def _unlock(conn: Connection, namespace: str, key: str) -> None:
    try:
        conn.execute(
            text("SELECT pg_advisory_unlock(hashtext(:namespace), hashtext(:key))"),
            {"namespace": namespace, "key": key},
        )
    except Exception:
        conn.invalidate()
        raise


@contextlib.asynccontextmanager
async def advisory_lock(
    db: Database, namespace: str, key: str, *, timeout: float
) -> AsyncIterator[None]:
    """Holds the lock (``namespace``, ``key``) for the block, across every process using the
    same database; Unavailable when another holder keeps it longer than ``timeout``."""
    conn = await asyncio.to_thread(
        lambda: db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    )
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await asyncio.to_thread(_try_lock, conn, namespace, key):
            if loop.time() >= deadline:
                raise Unavailable(f"{namespace} {key} is busy; try again shortly")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            await asyncio.to_thread(_unlock, conn, namespace, key)
    finally:
        await asyncio.to_thread(conn.close)
