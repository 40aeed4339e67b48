"""Synthetic batches: ``client.batches`` and ``Batch`` objects (rows, downloads, reports),
asynchronous and synchronous."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from synthetica_client._base import POLL_SECONDS, Bound, all_pages, enum_of, id_of
from synthetica_client._generated import enums
from synthetica_client._generated.fragments import BatchFields
from synthetica_client._generated.input_types import EvaluateOptionsInput
from synthetica_client._jobs import follow
from synthetica_client._mirror import Mirror, Namespace, blocking, mirrors
from synthetica_client._reports import AsyncReport, Report, latest_report
from synthetica_client.errors import FailedPrecondition, NotFound
from synthetica_client.progress import Bars, ProgressOption, console_for

if TYPE_CHECKING:
    import pandas as pd

    from synthetica_client._async import AsyncClient
    from synthetica_client._datasets import DatasetRef
    from synthetica_client._models import ModelRef
    from synthetica_client._projects import ProjectRef

# A batch as the methods take it: its id or the object (of either client).
BatchRef = str | BatchFields
DOWNLOAD_FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".sql": "sql",
}


def frame_of(arrow: Any) -> pd.DataFrame:
    """A pyarrow Table as a DataFrame whose whole numbers stay whole: a column of integers
    with missing values is pandas' nullable ``Int64`` (41, <NA>), not the float64 (41.0,
    NaN) pyarrow makes of it; integer columns without a missing value stay int64."""
    import pandas as pd
    import pyarrow as pa

    nullable = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
    }
    holes = {
        f.name: arrow.column(f.name)
        for f in arrow.schema
        if f.type in nullable and arrow.column(f.name).null_count
    }
    # self_destruct frees each Arrow column as soon as pandas has it: memory stays near
    # one copy of the table instead of two.
    frame = arrow.to_pandas(split_blocks=True, self_destruct=True)
    for name, column in holes.items():
        frame[name] = column.to_pandas(types_mapper=nullable.get).array
    return frame


class AsyncBatch(Bound, BatchFields):
    _resource = "batches"

    async def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> AsyncBatch:
        """The batch once its job has ended: READY, or JobFailed / JobCancelled."""
        if self.status == enums.BatchStatus.GENERATING:
            job = await self._client.jobs.get(self.job_id)
            await follow(self._client, job, progress=progress, timeout=timeout)
        return await self.refresh()

    async def release(self, reason: str) -> AsyncBatch:
        """See ``client.batches.release``."""
        return await self._client.batches.release(self, reason)

    async def _ready(self, progress: ProgressOption) -> AsyncBatch:
        """This batch, waited for while it is generating."""
        if self.status == enums.BatchStatus.GENERATING:
            return await self.wait(progress=progress)
        return self

    async def preview(self, n: int = 10, *, table: str = "") -> list[dict[str, Any]]:
        result = await self._client._t.batch_preview(id=self.id, n=n, table=table)
        return list(result.batch.preview_rows)

    async def to_pandas(self, *, table: str = "", progress: ProgressOption = False) -> pd.DataFrame:
        """The rows as a DataFrame (streamed as Parquet, read with pyarrow; needs the
        ``pandas`` extra). Waits for a batch that is still generating."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError(
                "to_pandas needs pandas and pyarrow: pip install 'synthetica-client[pandas]'"
            ) from None
        ready = await self._ready(progress)
        ready._check_table(table, "parquet")
        data = bytearray()
        async for chunk in ready._stream("parquet", table, progress, "fetching"):
            data += chunk
        arrow = pq.read_table(pa.BufferReader(pa.py_buffer(data)))
        del data
        return frame_of(arrow)

    async def download(
        self,
        path: str | os.PathLike[str],
        *,
        format: str | None = None,
        table: str = "",
        progress: ProgressOption = True,
    ) -> Path:
        """Streams the rows to ``path`` (csv, jsonl, parquet or sql: from ``format`` or the
        file's suffix, csv otherwise); the file appears whole or not at all."""
        target = Path(path)
        fmt = (format or DOWNLOAD_FORMATS.get(target.suffix.lower(), "csv")).lower()
        ready = await self._ready(progress)
        ready._check_table(table, fmt)
        partial = target.with_name(f".{target.name}.part")
        try:
            async with await anyio.open_file(partial, "wb") as out:
                async for chunk in ready._stream(
                    fmt, table, progress, f"downloading {target.name}"
                ):
                    await out.write(chunk)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    def _check_table(self, table: str, fmt: str) -> None:
        """A batch of several tables needs ``table=`` for a one-table format: silently giving
        the first table would look like the whole result."""
        if not table and fmt != "sql" and len(self.tables) > 1:
            raise ValueError(
                f"this batch has {len(self.tables)} tables ({', '.join(self.tables)}): "
                "pass table= to choose one, or download format='sql' for all of them"
            )

    async def _stream(
        self, fmt: str, table: str, progress: ProgressOption, label: str
    ) -> AsyncIterator[bytes]:
        params = {"format": fmt}
        if table:
            params["table"] = table
        async with self._client._t.stream(
            "GET", f"/downloads/batches/{self.id}", params=params
        ) as response:
            total = response.headers.get("content-length")
            with Bars.transfer(console_for(progress)) as bars:
                bar = bars.add(label, total=int(total) if total else None)
                async for chunk in response.aiter_raw():
                    bar.advance(len(chunk))
                    yield chunk

    async def report(
        self, *, wait: bool = True, timeout: float = 600.0, progress: ProgressOption = False
    ) -> AsyncReport:
        """The batch's newest evaluation report. Reports are made by themselves after a batch
        is generated; with ``wait`` this waits until it is READY (or FAILED).
        FailedPrecondition at once for a batch that failed or was cancelled: it never gets
        one."""
        ready = await self._ready(progress)
        if ready.status in (enums.BatchStatus.FAILED, enums.BatchStatus.CANCELLED):
            raise FailedPrecondition(
                f"batch {ready.id} was {ready.status.value}: it has no report"
                f"{f' ({ready.error})' if ready.error else ''}",
                reason="BATCH_NOT_READY",
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                report = await latest_report(self._client, ready.id)
            except NotFound:
                if not wait or time.monotonic() > deadline:
                    raise
            else:
                if not wait or report.status in (
                    enums.ReportStatus.READY,
                    enums.ReportStatus.FAILED,
                ):
                    return report
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the report of batch {ready.id} is still {report.status.value}"
                    )
            await asyncio.sleep(POLL_SECONDS)

    async def evaluate(
        self,
        *,
        target_column: str | None = None,
        sample_rows: int | None = None,
        seed: int | None = None,
    ) -> AsyncReport:
        """Evaluates the batch again (another ML-utility target, another sample size); the
        new report starts PENDING: ``report()`` waits for it."""
        options = EvaluateOptionsInput(
            target_column=target_column, sample_rows=sample_rows, seed=seed
        )
        result = await self._client._t.evaluate(batch_id=self.id, options=options)
        return AsyncReport.bind(result.evaluate, self._client)

    async def export_to(
        self, connection: Any, table: str, *, mode: str = "create", batch_table: str = ""
    ) -> int:
        """Writes the batch's rows into ``table`` (or ``schema.table``) of a PostgreSQL
        connection with COPY, in one transaction: ``mode`` "create" makes the table (refused
        when it exists), "append" adds to it. Returns the rows written."""
        result = await self._client._t.export_batch(
            batch_id=self.id,
            connection_id=id_of(connection),
            table=table,
            mode=enum_of(enums.ExportMode, mode, "mode"),
            batch_table=batch_table,
        )
        return result.export_batch.row_count


class AsyncBatches:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def release(self, batch: BatchRef, reason: str) -> AsyncBatch:
        """Lets a batch the project's privacy gate (OWNER_OVERRIDE) holds be downloaded,
        giving the reason that is recorded and told to the project's owners (owners and
        admins only). ``batch.gate`` says whether it is held."""
        result = await self._c._t.release_batch(id=id_of(batch), reason=reason)
        return AsyncBatch.bind(result.release_batch, self._c)

    async def get(self, batch: BatchRef) -> AsyncBatch:
        return AsyncBatch.bind((await self._c._t.batch(id=id_of(batch))).batch, self._c)

    async def list(
        self,
        *,
        project: ProjectRef | None = None,
        model: ModelRef | None = None,
        dataset: DatasetRef | None = None,
        limit: int | None = None,
    ) -> list[AsyncBatch]:
        """Batches newest first: a project's (or your own), of one model or one dataset (its
        id or the object)."""
        found = await all_pages(
            self._c._t.batches,
            "batches",
            limit,
            project_id=await self._c.projects._id(project),
            model_id=id_of(model) if model else None,
            dataset_id=id_of(dataset) if dataset else None,
        )
        return [AsyncBatch.bind(b, self._c) for b in found]

    async def newest(self, dataset: DatasetRef, *, project: ProjectRef | None = None) -> AsyncBatch:
        """The batch generated last from any model of a dataset (by id, or by name as
        ``datasets.get`` finds it). NotFound when none was."""
        found = await self._c.datasets.get(dataset, project=project)
        # Newest first, filtered by the server: one batch, not every page of the project's.
        last = await self.list(project=found.project_id, dataset=found.id, limit=1)
        if not last:
            raise NotFound(f"no batch was generated from dataset {found.name!r} ({found.id})")
        return last[0]


@mirrors(AsyncBatch)
class Batch(Mirror, BatchFields):
    def wait(self, *, progress: ProgressOption = True, timeout: float | None = None) -> Batch:
        """The batch once its job has ended (READY). Ctrl-C in a terminal asks whether to
        cancel the job."""
        return self._client._wait(
            self.job_id, self._twin().wait, progress=progress, timeout=timeout
        )

    def _ready(self, progress: ProgressOption) -> Batch:
        if self.status == enums.BatchStatus.GENERATING:
            return self.wait(progress=progress)
        return self

    def to_pandas(self, *, table: str = "", progress: ProgressOption = False) -> pd.DataFrame:
        """The rows as a DataFrame (needs the ``pandas`` extra)."""
        ready = self._ready(progress)
        return self._client._run(ready._twin().to_pandas, table=table, progress=progress)

    preview = blocking(AsyncBatch.preview, list[dict[str, Any]])

    def release(self, reason: str) -> Batch:
        """See ``client.batches.release``."""
        return self._client._run(self._twin().release, reason)

    download = blocking(AsyncBatch.download, Path, ready_first=True)
    report = blocking(AsyncBatch.report, Report, ready_first=True)
    evaluate = blocking(AsyncBatch.evaluate, Report)
    export_to = blocking(AsyncBatch.export_to, int)


class Batches(Namespace):
    get = blocking(AsyncBatches.get, Batch)
    list = blocking(AsyncBatches.list, list[Batch])
    newest = blocking(AsyncBatches.newest, Batch)
    release = blocking(AsyncBatches.release, Batch)
