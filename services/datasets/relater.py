"""Relating a dataset's tables and splitting them again by root entity, one run per dataset
at a time across every replica of the service: detection after a table finished ingesting,
a user's ``UpdateDatasetRelationships`` and removing a table all hold ``lock`` (a PostgreSQL
advisory lock per dataset, and an asyncio lock within this process so its own callers queue
without polling), so none of them overwrites what another just saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from common.advisory import advisory_lock
from common.db import Database
from common.storage import Storage
from services.datasets import ingestion, service, table_service
from services.datasets.models import Dataset
from services.datasets.relating import needs_family_split, relate_stored, split_families
from services.datasets.relations import Relations
from services.datasets.table_service import ReadyTable

log = logging.getLogger(__name__)

LOCK_NAMESPACE = "datasets.relating"


@dataclass(eq=False)
class Relater:
    db: Database
    storage: Storage
    # How long a caller waits for another replica's run on the same dataset.
    lock_timeout_seconds: float = 300.0

    def __post_init__(self) -> None:
        self._local: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def lock(self, dataset_id: str) -> AsyncIterator[None]:
        """Held while a dataset's relations or split are computed and saved."""
        async with (
            self._local.setdefault(dataset_id, asyncio.Lock()),
            advisory_lock(self.db, LOCK_NAMESPACE, dataset_id, timeout=self.lock_timeout_seconds),
        ):
            yield

    async def complete_ingestion(
        self, dataset_id: str, table_id: str, attempt: int
    ) -> Dataset | None:
        """Relates the table that finished ingesting (keys, links, sequence suggestions, every
        link's problems), splits every table again, and marks it READY with both, in one
        transaction, if ``attempt`` is still the latest. A failure of relating or splitting is
        logged and leaves the relations or the split as they were: the table becomes READY
        all the same (a user can set its links)."""
        async with self.lock(dataset_id):
            args = {"dataset_id": dataset_id, "table_id": table_id, "attempt": attempt}
            given = await self.db.call(ingestion.relating_input, **args)
            if given is None:  # a newer attempt owns it, or it is gone
                return await self.db.call(dataset_of, dataset_id=dataset_id)
            relations, keys = given.relations, {}
            try:
                relations, keys = await asyncio.to_thread(
                    relate_stored, self.storage, given.tables, given.relations, given.new_table
                )
            except Exception:
                log.exception("relating failed", extra={"fields": {"dataset_id": dataset_id}})
            tables = [
                dataclasses.replace(t, primary_key=keys[t.name]) if t.name in keys else t
                for t in given.tables
            ]
            counts = await self._split(
                dataset_id, tables, relations, given.holdout_fraction, given.seed
            )
            return await self.db.call(
                ingestion.complete, **args, relations=relations, primary_keys=keys, counts=counts
            )

    async def resplit(self, dataset_id: str) -> Dataset | None:
        """Splits the dataset's ready tables again by root entity once its relations changed
        (the caller holds ``lock``); the dataset, None when it is gone."""
        dataset = await self.db.call(dataset_of, dataset_id=dataset_id)
        if dataset is None:
            return None
        fraction, seed = table_service.holdout_options(dataset)
        relations = Relations.model_validate(dataset.relations or {})
        tables = table_service.ready_tables(dataset)
        counts = await self._split(dataset_id, tables, relations, fraction, seed)
        if counts is None:
            return dataset
        return await self.db.call(
            table_service.save_split_counts, dataset_id=dataset_id, counts=counts
        )

    async def _split(
        self,
        dataset_id: str,
        tables: list[ReadyTable],
        relations: Relations,
        fraction: float,
        seed: int,
    ) -> dict[str, tuple[int, int]] | None:
        """Each table's (train, holdout) rows after splitting by root entity; None when the
        dataset keeps the split ingestion made (a single plain table) or splitting failed
        (logged; the previous split stays)."""
        if not needs_family_split(tables, relations):
            return None
        try:
            return await asyncio.to_thread(
                split_families, self.storage, tables, relations, fraction, seed
            )
        except Exception:
            log.exception("splitting failed", extra={"fields": {"dataset_id": dataset_id}})
            return None


def dataset_of(*, session: Any, dataset_id: str) -> Dataset | None:
    return session.get(Dataset, service.parse_id(dataset_id, "dataset_id"))
