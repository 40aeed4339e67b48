"""Expiry of generated files: a ready batch older than the retention (TRAINING_BATCH_RETENTION_DAYS,
default 7) loses its files and becomes EXPIRED; downloading it then fails with "batch expired".

The API role runs a pass every ``batch_cleanup_interval_seconds``. Rows are locked with SKIP
LOCKED, so several API replicas share the work, and each batch's files are deleted inside the
transaction that marks it: a failed deletion leaves the batch READY for the next pass.
Before that, the batches' bytes are given back to their owners' storage quota (the datasets
service's charges): a failure there expires nothing, and the next pass tries again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db import Database
from common.storage import Storage
from services.training import models as m

log = logging.getLogger(__name__)

PASS_SIZE = 100


def batch_files(batch: m.Batch) -> list[str]:
    """Storage keys holding the batch's rows: its folder, with every attempt's files."""
    if not batch.data_key:
        return []
    return [f"batches/{batch.id}"]


def due_batches(*, session: Session, cutoff: datetime, limit: int = PASS_SIZE) -> list[str]:
    """Ids of up to ``limit`` ready batches created before ``cutoff``, oldest first."""
    due = session.scalars(
        select(m.Batch.id)
        .where(m.Batch.status == m.READY, m.Batch.created_at < cutoff)
        .order_by(m.Batch.created_at)
        .limit(limit)
    )
    return [str(i) for i in due]


def expire_batches(
    *,
    session: Session,
    storage: Storage,
    cutoff: datetime,
    limit: int = PASS_SIZE,
    batch_ids: Sequence[str] | None = None,
) -> list[str]:
    """Expires up to ``limit`` ready batches created before ``cutoff`` (of ``batch_ids``
    only, when given); returns their ids."""
    due = select(m.Batch).where(m.Batch.status == m.READY, m.Batch.created_at < cutoff)
    if batch_ids is not None:
        due = due.where(m.Batch.id.in_([uuid.UUID(i) for i in batch_ids]))
    batches = session.scalars(
        due.order_by(m.Batch.created_at).limit(limit).with_for_update(skip_locked=True)
    ).all()
    for batch in batches:
        for key in batch_files(batch):
            storage.delete(key)
        batch.status = m.EXPIRED
        batch.data_key = None
        batch.parts = []
    return [str(batch.id) for batch in batches]


class BatchExpiry:
    def __init__(
        self,
        db: Database,
        storage: Storage,
        *,
        retention: timedelta,
        interval_seconds: float,
        release: Callable[[list[str]], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.storage = storage
        self.retention = retention
        self.interval_seconds = interval_seconds
        # Gives the batches' bytes back to their owners' storage quota (raises on failure).
        self.release = release

    async def run_once(self) -> int:
        """One cleanup pass over every batch due; returns how many expired."""
        cutoff = datetime.now(UTC) - self.retention
        expired = 0
        while True:
            due = await self.db.call(due_batches, cutoff=cutoff)
            if not due:
                break
            if self.release is not None:
                await self.release(due)
            ids = await self.db.call(
                expire_batches, storage=self.storage, cutoff=cutoff, batch_ids=due
            )
            expired += len(ids)
            if len(due) < PASS_SIZE or not ids:  # the rest are another replica's now
                break
        if expired:
            log.info("expired batches", extra={"fields": {"count": expired}})
        return expired

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # storage or database trouble: the next pass tries again
                log.exception("batch expiry pass failed")
            await asyncio.sleep(self.interval_seconds)
