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
from collections.abc import AsyncIterator, Callable

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


class HeldLocks:
    """Advisory locks (``namespace``, key) taken without waiting and held, each for as long as
    its owner works, on ONE connection of this process's own (not one per lock: a replica
    ingesting fifty uploads would otherwise hold fifty of the pool's connections).

    A lock is this process's while it lives: PostgreSQL releases every one of them when the
    process dies (its connection closes), so another process finds a key free exactly when
    no live holder works on it. Taking a key this process already holds is refused too
    (PostgreSQL's locks are re-entrant within a session). If the connection breaks, its locks
    are gone: the next take opens a new one.
    """

    def __init__(self, db: Database, namespace: str) -> None:
        self._db = db
        self._namespace = namespace
        self._conn: Connection | None = None
        self._held: set[str] = set()
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[bool]:
        """True, holding ``key`` for the block, or False when another owner holds it."""
        async with self._lock:
            taken = key not in self._held and await asyncio.to_thread(self._call, _try_lock, key)
            if taken:
                self._held.add(key)
        try:
            yield taken
        finally:
            if taken:
                async with self._lock:
                    self._held.discard(key)
                    with contextlib.suppress(Exception):  # a broken connection released it
                        await asyncio.to_thread(self._call, _unlock, key)

    def _call(self, action: Callable[[Connection, str, str], object], key: str) -> object:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self._db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            return action(self._conn, self._namespace, key)
        except Exception:
            self._conn.invalidate()
            self._conn = None
            raise

    async def close(self) -> None:
        """Releases every lock held (the connection closes)."""
        async with self._lock:
            if self._conn is not None:
                await asyncio.to_thread(self._conn.close)
                self._conn = None
            self._held.clear()
