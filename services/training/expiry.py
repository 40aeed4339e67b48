"""Expiry of generated files: a ready batch older than the retention (TRAINING_BATCH_RETENTION_DAYS,
default 7) loses its files and becomes EXPIRED; downloading it then fails with "batch expired".

The API role runs a pass every ``batch_cleanup_interval_seconds``. Rows are locked with SKIP
LOCKED, so several API replicas share the work, and each batch's files are deleted inside the
transaction that marks it: a failed deletion leaves the batch READY for the next pass.
"""

from __future__ import annotations

import asyncio
import logging
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


def expire_batches(
    *, session: Session, storage: Storage, cutoff: datetime, limit: int = PASS_SIZE
) -> list[str]:
    """Expires up to ``limit`` ready batches created before ``cutoff``; returns their ids."""
    batches = session.scalars(
        select(m.Batch)
        .where(m.Batch.status == m.READY, m.Batch.created_at < cutoff)
        .order_by(m.Batch.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
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
        self, db: Database, storage: Storage, *, retention: timedelta, interval_seconds: float
    ) -> None:
        self.db = db
        self.storage = storage
        self.retention = retention
        self.interval_seconds = interval_seconds

    async def run_once(self) -> int:
        """One cleanup pass over every batch due; returns how many expired."""
        cutoff = datetime.now(UTC) - self.retention
        expired = 0
        while True:
            ids = await self.db.call(expire_batches, storage=self.storage, cutoff=cutoff)
            expired += len(ids)
            if len(ids) < PASS_SIZE:
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
