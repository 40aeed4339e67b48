"""The worker's jobs on a dataset of several linked tables: training one model on all of them,
and generating from such a model (its root table's rows and their children). Worker runs them
(``worker``), when the dataset's schema or the model's manifest is relational.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from common.contracts.relational import RelationalSchema
from common.db import Database
from common.jetstream import Outcome
from common.storage import Storage
from services.training import attempts, batch_storage, scratch
from services.training.access import Access
from services.training.engines import ProgressUpdate, TrainParams, get_engine
from services.training.engines.relational_runner import (
    run_relational_sampling,
    run_relational_training,
)
from services.training.payloads import GeneratePayload
from services.training.settings import TrainingSettings
from services.training.templates import jobs as template_jobs
from services.training.worker_common import (
    JobFailed,
    _attempt_folder,
    _engine_metadata,
    engine_run,
)


class RelationalJobs:
    """The relational half of Worker, which provides these attributes and methods."""

    db: Database
    settings: TrainingSettings
    access: Access
    storage: Storage
    _retention: timedelta

    if TYPE_CHECKING:

        def _metered(
            self,
            attempt: attempts.Attempt,
            measure: Callable[[], int],
            cancel: threading.Event,
        ) -> AbstractAsyncContextManager[None]: ...

        async def _supervised(
            self,
            attempt: attempts.Attempt,
            cancel: threading.Event,
            run: Callable[[Callable[[ProgressUpdate], None], threading.Event], Any],
        ) -> Any: ...

        async def _commit(
            self,
            finish: Callable[..., bool],
            attempt: attempts.Attempt,
            folder: str,
            **outputs: Any,
        ) -> Outcome: ...

        async def _finish_training(
            self, attempt: attempts.Attempt, artifact: Path, metrics: dict[str, Any]
        ) -> Outcome: ...

    async def _train_relational(
        self,
        attempt: attempts.Attempt,
        cancel: threading.Event,
        dataset: Any,
        schema: RelationalSchema,
    ) -> Outcome:
        names = [table.name for table in schema.tables]
        tables = await self.access.read_training_tables(attempt.owner_id, attempt.dataset_id, names)
        empty = [name for name, table in tables.items() if table.num_rows == 0]
        if empty:
            raise JobFailed(f"the training split of {', '.join(empty)} has no rows")
        metadata = {t.name: _engine_metadata(t.metadata) for t in dataset.tables}
        params = TrainParams.from_dict(attempt.params or {})
        with scratch.workdir(self.settings) as workdir:
            paths = {}
            for index, name in enumerate(names):
                paths[name] = workdir / f"train-{index}.parquet"
                await asyncio.to_thread(pq.write_table, tables[name], paths[name])
            del tables
            artifact = workdir / "model.tar.gz"
            train = functools.partial(
                run_relational_training,
                get_engine(attempt.engine),
                paths,
                schema,
                metadata,
                params,
                artifact,
            )
            result = await self._supervised(
                attempt, cancel, engine_run(train, self.settings.engine_threads)
            )
            # The model records what it learned: its tables, keys, sequences and links.
            metrics = {**result.metrics, "schema": schema.model_dump()}
            return await self._finish_training(attempt, artifact, metrics)

    async def _generate_tables(
        self,
        attempt: attempts.Attempt,
        cancel: threading.Event,
        request: GeneratePayload,
        artifact: Path,
        workdir: Path,
    ) -> Outcome:
        """A model of several tables: ``count`` root rows (entities of a sequential root) and
        their children, one Parquet file per table, stored as template batches store theirs."""
        sample = functools.partial(
            run_relational_sampling,
            artifact,
            request.count,
            request.seed,
            workdir / "tables",
            conditions=request.conditions or None,
            enforce_bounds=request.enforce_bounds,
        )
        async with self._metered(attempt, batch_storage.local_size(workdir / "tables"), cancel):
            written = await self._supervised(
                attempt, cancel, engine_run(sample, self.settings.engine_threads)
            )
        folder = _attempt_folder(f"batches/{attempt.batch_id}", attempt)
        keys = [template_jobs.table_key(folder, index) for index in range(len(written))]
        for table, key in zip(written, keys, strict=True):
            await asyncio.to_thread(self.storage.upload_file, table.path, key)
        return await self._commit(
            attempts.finish_generation,
            attempt,
            folder,
            data_key=keys[0],
            row_count=sum(table.rows for table in written),
            retention=self._retention,
            tables=[table.name for table in written],
        )
