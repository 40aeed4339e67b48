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
from services.datasets import files, service, table_service
from services.datasets.ingest.options import IngestOptions
from services.datasets.ingest.process import ingest_dataset, prepare_process
from services.datasets.models import Dataset
from services.datasets.relating import needs_family_split, relate_stored, split_families
from services.datasets.relations import Relations
from services.datasets.settings import DatasetsSettings
from services.datasets.tables import first_table_name

log = logging.getLogger(__name__)


@dataclass(eq=False)
class IngestRunner:
    db: Database
    settings: DatasetsSettings
    storage: Storage
    _: KW_ONLY
    on_commit: Callable[[], None]

    def __post_init__(self) -> None:
        self._pool = self._new_pool()
        self._tasks: dict[str, asyncio.Task[Dataset | None]] = {}
        self._relating: dict[str, asyncio.Lock] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = new_worker_pool(self.settings.ingest_workers)
        for _ in range(self.settings.ingest_workers):
            pool.submit(os.getpid)
        return pool

    def start(self, dataset_id: str, options: IngestOptions, *, table_id: str = "") -> None:
        """Ingests the dataset's first file, or the added table ``table_id``."""
        unit = files.table_unit(dataset_id, table_id) if table_id else dataset_id
        task = asyncio.create_task(self._run(unit, options, table_id))
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

    async def _run(self, unit: str, options: IngestOptions, table_id: str) -> Dataset | None:
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
        if table_id:
            dataset = await self.db.call(
                table_service.finish_table_ingestion, table_id=table_id, outcome=outcome
            )
        else:
            dataset = await self.db.call(service.finish_ingestion, dataset_id=unit, outcome=outcome)
        self.on_commit()
        await asyncio.to_thread(self.storage.delete, files.outcome_key(unit))
        if dataset is not None and outcome["ok"]:
            name = next((t.name for t in dataset.added_tables if str(t.id) == table_id), "")
            dataset = await self.relate(str(dataset.id), name or first_table_name(dataset))
        return dataset

    def relating_lock(self, dataset_id: str) -> asyncio.Lock:
        """Held while a dataset's relations are computed or changed (in this process)."""
        return self._relating.setdefault(dataset_id, asyncio.Lock())

    async def relate(self, dataset_id: str, new_table: str) -> Dataset | None:
        """Detects keys, links and sequences after ``new_table`` became ready, and counts
        every link's problems; one dataset at a time (two tables may end together). A
        failure here leaves the table ready, unrelated, and is logged."""
        async with self.relating_lock(dataset_id):
            tables, relations = await self.db.call(
                table_service.relating_input, dataset_id=dataset_id
            )
            try:
                found, keys = await asyncio.to_thread(
                    relate_stored, self.storage, tables, relations, new_table
                )
            except Exception:
                log.exception("relating failed", extra={"fields": {"dataset_id": dataset_id}})
                return await self.db.call(_dataset_of, dataset_id=dataset_id)
            await self.db.call(
                table_service.save_relations,
                dataset_id=dataset_id,
                relations=found,
                primary_keys=keys,
            )
            return await self.resplit(dataset_id)

    async def resplit(self, dataset_id: str) -> Dataset | None:
        """Splits the dataset's tables again by root entity (a family, a whole sequence on one
        side), once its relations are known or changed; the caller holds relating_lock.
        A failure leaves the previous split, and is logged."""
        dataset = await self.db.call(_dataset_of, dataset_id=dataset_id)
        if dataset is None:
            return None
        tables = table_service.ready_tables(dataset)
        relations = Relations.model_validate(dataset.relations or {})
        if not needs_family_split(tables, relations):
            return dataset
        fraction, seed = table_service.holdout_options(dataset)
        try:
            counts = await asyncio.to_thread(
                split_families, self.storage, tables, relations, fraction, seed
            )
        except Exception:
            log.exception("splitting failed", extra={"fields": {"dataset_id": dataset_id}})
            return dataset
        return await self.db.call(
            table_service.save_split_counts, dataset_id=dataset_id, counts=counts
        )

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


def _dataset_of(*, session: Any, dataset_id: str) -> Dataset | None:
    return session.get(Dataset, service.parse_id(dataset_id, "dataset_id"))


def _options_of(*, session: Any, dataset_id: str) -> IngestOptions | None:
    dataset = session.get(Dataset, service.parse_id(dataset_id, "dataset_id"))
    return IngestOptions.model_validate(dataset.options) if dataset is not None else None
