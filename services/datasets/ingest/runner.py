"""Background ingestion: uploads are ingested in a pool of child processes, at most
``ingest_workers`` at a time, so the gRPC server stays responsive and light. The pool
starts with the service, so an upload does not wait for a worker to start and import.

An upload call may wait for its dataset's outcome; datasets left INGESTING by a crash are
ingested again at startup: a worker that had finished hands back its recorded outcome, an
upload still in storage is ingested, and otherwise the dataset fails as interrupted. Worker
processes die with the service. Folders of uploads that never got a dataset row (the
service died while the bytes streamed) are removed at startup once nothing has written to
them for ``orphan_upload_grace_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import KW_ONLY, dataclass
from typing import Any

from common.db import Database
from common.storage import Storage
from services.datasets import files, ingestion, service, table_service
from services.datasets.ingest.options import IngestOptions
from services.datasets.ingest.process import ingest_dataset, prepare_process
from services.datasets.ingest_lease import ingest_leases
from services.datasets.models import Dataset
from services.datasets.relater import Relater, dataset_of
from services.datasets.settings import DatasetsSettings

log = logging.getLogger(__name__)


@dataclass(eq=False)
class IngestRunner:
    db: Database
    settings: DatasetsSettings
    storage: Storage
    _: KW_ONLY
    on_commit: Callable[[], None]
    relater: Relater

    def __post_init__(self) -> None:
        self._pool = self._new_pool()
        self._tasks: dict[str, asyncio.Task[Dataset | None]] = {}
        self._leases = ingest_leases(self.db)

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = new_worker_pool(self.settings.ingest_workers)
        for _ in range(self.settings.ingest_workers):
            pool.submit(os.getpid)
        return pool

    def start(self, dataset_id: str, options: IngestOptions, *, table_id: str = "") -> None:
        """Ingests the dataset's first file, or the added table ``table_id``."""
        unit = files.table_unit(dataset_id, table_id) if table_id else dataset_id
        task = asyncio.create_task(self._run(dataset_id, table_id, options))
        self._tasks[unit] = task
        task.add_done_callback(lambda _: self._tasks.pop(unit, None))

    async def wait(self, dataset_id: str, timeout: float, *, table_id: str = "") -> Dataset | None:
        """The dataset once ingested (READY or FAILED; for ``table_id``, once that table is),
        or None if still running at timeout."""
        unit = files.table_unit(dataset_id, table_id) if table_id else dataset_id
        task = self._tasks.get(unit)
        if task is None:
            return None
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        return None

    async def recover(self) -> None:
        """Ingests again what a previous process left INGESTING, and removes uploads that
        never became a dataset."""
        await self._sweep_orphans()
        for dataset_id in await self.db.call(service.ingesting_ids):
            row = await self.db.call(_options_of, dataset_id=dataset_id)
            if row is not None:
                log.info("resuming ingestion", extra={"fields": {"dataset_id": dataset_id}})
                self.start(dataset_id, row)
        for dataset_id, table_id, options in await self.db.call(table_service.ingesting_tables):
            fields = {"dataset_id": dataset_id, "table_id": table_id}
            log.info("resuming a table's ingestion", extra={"fields": fields})
            self.start(dataset_id, IngestOptions.model_validate(options), table_id=table_id)

    async def _run(self, dataset_id: str, table_id: str, options: IngestOptions) -> Dataset | None:
        """One attempt while this replica holds the table's ingest lease; none when another
        live replica holds it (it is ingesting the table: see ``ingest_lease``)."""
        unit = files.table_unit(dataset_id, table_id) if table_id else dataset_id
        async with self._leases.hold(unit) as held:
            if held:
                return await self._attempt(dataset_id, table_id, options)
        log.info("ingesting on another replica", extra={"fields": {"unit": unit}})
        return await self.db.call(dataset_of, dataset_id=dataset_id)

    async def _attempt(
        self, dataset_id: str, table_id: str, options: IngestOptions
    ) -> Dataset | None:
        """The worker's outcome recorded, then the table related and READY
        (``Relater.complete_ingestion``), unless a newer attempt took over meanwhile."""
        unit = files.table_unit(dataset_id, table_id) if table_id else dataset_id
        attempt = await self.db.call(
            ingestion.claim_attempt, dataset_id=dataset_id, table_id=table_id
        )
        if attempt is None:  # removed, or finished by another attempt
            return await self.db.call(dataset_of, dataset_id=dataset_id)
        job = {
            "storage_url": self.settings.storage_url,
            "storage_options": self.settings.storage_options,
            "dataset_id": unit,
            "options": options,
            "limits": dataclasses.asdict(self.settings.ingest_limits()),
            "categorical_rule": {
                "max_distinct": self.settings.categorical_max_distinct,
                "max_share": self.settings.categorical_max_share,
            },
        }
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self._pool, ingest_dataset, job)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in a native library): say so, and replace
            # the pool so the next upload works.
            self._pool = self._new_pool()
            outcome = {
                "ok": False,
                "code": "ingest_crashed",
                "message": "ingestion stopped unexpectedly (the file may be too large for memory)",
            }
        except Exception:
            log.exception("ingestion failed", extra={"fields": {"unit": unit}})
            outcome = {"ok": False, "code": "internal", "message": "ingestion failed unexpectedly"}
        args = {"dataset_id": dataset_id, "table_id": table_id, "attempt": attempt}
        recorded = await self.db.call(ingestion.record_outcome, **args, outcome=outcome)
        self.on_commit()
        if recorded and outcome["ok"]:
            try:
                await self.relater.complete_ingestion(**args)
            except Exception:  # the database or the lock unavailable: a restart resumes it
                log.exception("completing ingestion failed", extra={"fields": {"unit": unit}})
            self.on_commit()
        dataset = await self.db.call(dataset_of, dataset_id=dataset_id)
        if dataset is not None and ingestion.is_final(dataset, table_id):
            # Kept until then: an attempt resumed after a crash gets the outcome back.
            await asyncio.to_thread(self.storage.delete, files.outcome_key(unit))
        return dataset

    async def _sweep_orphans(self) -> None:
        stored = await asyncio.to_thread(files.stored_dataset_ids, self.storage)
        known = set(await self.db.call(service.existing_dataset_ids, dataset_ids=stored))
        for dataset_id in stored:
            if dataset_id in known:
                await self._sweep_orphan_tables(dataset_id)
                continue
            idle = await asyncio.to_thread(files.idle_seconds, self.storage, dataset_id)
            if idle >= self.settings.orphan_upload_grace_seconds:
                log.info("removing a partial upload", extra={"fields": {"dataset_id": dataset_id}})
                await asyncio.to_thread(files.remove_all, self.storage, dataset_id)

    async def _sweep_orphan_tables(self, dataset_id: str) -> None:
        """Removes table folders of a dataset that never got their row (the service died
        while the table's bytes streamed), as for whole uploads."""
        stored = await asyncio.to_thread(files.stored_table_ids, self.storage, dataset_id)
        known = set(await self.db.call(table_service.existing_table_ids, table_ids=stored))
        for table_id in stored:
            unit = files.table_unit(dataset_id, table_id)
            if table_id in known:
                continue
            idle = await asyncio.to_thread(files.idle_seconds, self.storage, unit)
            if idle >= self.settings.orphan_upload_grace_seconds:
                log.info("removing a partial table upload", extra={"fields": {"unit": unit}})
                await asyncio.to_thread(files.remove_all, self.storage, unit)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
        await self._leases.close()


def new_worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes that run `ingest_dataset`, started from the calling thread (the service's
    main thread: they die with the process, see ``prepare_process``)."""
    # spawn: a fork of a process running gRPC threads is unsafe.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=prepare_process,
        initargs=(os.getpid(),),
    )


def _options_of(*, session: Any, dataset_id: str) -> IngestOptions | None:
    dataset = session.get(Dataset, service.parse_id(dataset_id, "dataset_id"))
    return IngestOptions.model_validate(dataset.options) if dataset is not None else None
