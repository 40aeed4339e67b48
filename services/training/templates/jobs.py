"""The template job: the generation core's chunks written as one Parquet file per table.

Runs in a worker thread (generation is vectorized numpy/pyarrow, no engine process). Each
chunk becomes one row group written straight to storage, so memory stays bounded by the
chunk size whatever the row count. Files go under the job's id and attempt number: an
attempt writes and deletes only its own files, and the batch references them once that
attempt commits.
"""

from __future__ import annotations

import posixpath
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from common.errors import InvalidArgument
from common.storage import Storage
from services.training.engines import EngineCancelled, ProgressUpdate
from services.training.export_sql import SqlTable
from services.training.payloads import TemplatePayload
from services.training.shards import plan_shards
from services.training.templates import GenerationPlan, SchemaError, generate, generator, plan
from services.training.templates.columns import is_key_field

# Limits were enforced when the job was created; a later, lower setting must not fail it.
_NO_LIMIT = 2**62


@dataclass(frozen=True)
class Generated:
    tables: list[str]
    keys: list[str]
    rows: int


def job_prefix(batch_id: str, job_id: str, attempt: int) -> str:
    return f"batches/{batch_id}/{job_id}/{attempt}"


def table_key(prefix: str, index: int) -> str:
    """Keys are positions, never the user's table names."""
    return f"{prefix}/{index}.parquet"


def batch_table_key(batch_id: str, data_key: str, tables: list[str], table: str) -> str:
    """The file of one table of a batch: the first one when ``table`` is empty."""
    if not table:
        return data_key
    if table not in tables:
        known = ", ".join(tables) if tables else "none: it has a single unnamed table"
        raise InvalidArgument(
            f"batch {batch_id} has no table {table!r}; its tables: {known}", field="table"
        )
    return table_key(posixpath.dirname(data_key), tables.index(table))


def plan_request(request: TemplatePayload) -> GenerationPlan:
    """The job's stored request planned again, exactly as when it was validated."""
    spec = request.builtin or request.spec
    if spec is None:
        raise SchemaError([("schema", "the job names neither a built-in template nor a schema")])
    return plan(
        spec,
        count=request.count,
        seed=request.seed,
        locale=request.locale,
        options=request.options or None,
        max_rows=_NO_LIMIT,
        max_fields=_NO_LIMIT,
    )


def sql_tables(generation: GenerationPlan) -> list[SqlTable]:
    """The generated tables (parents first, paths left empty) with their keys and foreign
    keys, for one SQL script: a field a child refers to is the table's primary key (the first
    one) or UNIQUE (the others); a table nobody refers to takes its first key field as primary
    key. Hidden fields are not written, so no key or link names one."""
    specs = {table.name: table for table in generation.schema.tables}
    written = {(t, f.name) for t, spec in specs.items() for f in spec.fields if not f.hidden}
    references: dict[str, list[tuple[str, str, str]]] = {}
    referenced: dict[str, list[str]] = {}
    for name, spec in specs.items():
        for field in spec.fields:
            key = field.foreign_key
            if key and {(name, field.name), (key.table, key.field)} <= written:
                references.setdefault(name, []).append((field.name, key.table, key.field))
                if key.field not in referenced.setdefault(key.table, []):
                    referenced[key.table].append(key.field)
    tables = []
    for planned in generation.tables:
        fields = specs[planned.name].fields
        keys = (
            referenced.get(planned.name)
            or [f.name for f in fields if is_key_field(f) and not f.hidden][:1]
        )
        tables.append(
            SqlTable(
                name=planned.name,
                path="",
                primary_key=keys[0] if keys else None,
                unique=tuple(keys[1:]),
                references=tuple(references.get(planned.name, ())),
            )
        )
    return tables


class Written:
    """Bytes a job has written so far, over all its files: grown by the writing thread as each
    chunk goes out, read by the worker that charges them to the storage quota."""

    def __init__(self) -> None:
        self.bytes = 0


def write_batch(
    storage: Storage,
    generation: GenerationPlan,
    *,
    prefix: str,
    chunk_rows: int,
    on_progress: Callable[[ProgressUpdate], None],
    cancel: threading.Event,
    written: Written | None = None,
) -> Generated:
    """Generates every table into ``prefix``; raises EngineCancelled once ``cancel`` is set."""
    tracker = _Tracker(on_progress, cancel)
    names = [t.name for t in generation.tables]
    keys = [table_key(prefix, i) for i in range(len(names))]
    chunks = generate(generation, chunk_rows=chunk_rows, progress=tracker)
    written = written or Written()
    for name, key, table_chunks in zip(names, keys, _by_table(chunks, names), strict=True):
        _write_table(storage, key, generation.table(name).arrow_schema, table_chunks, written)
    return Generated(tables=names, keys=keys, rows=generation.total_rows)


def shard_parts(
    generation: GenerationPlan, *, chunk_rows: int, threshold: int, shard_rows: int
) -> list[tuple[int, int]]:
    """``(start, count)`` of each shard of a single-table job of more than ``threshold``
    rows, whole chunks each; empty when the job runs in one piece (a job of several tables
    too: a child's rows are drawn against its parents' count)."""
    if len(generation.tables) != 1 or generation.total_rows <= threshold:
        return []
    table = generation.tables[0]
    return plan_shards(table.rows, shard_rows, unit=generator.chunk_size(table, chunk_rows))


def write_part(
    storage: Storage,
    generation: GenerationPlan,
    *,
    key: str,
    start: int,
    count: int,
    chunk_rows: int,
    on_progress: Callable[[ProgressUpdate], None],
    cancel: threading.Event,
    written: Written | None = None,
) -> None:
    """One shard of a single-table job (``count`` rows from ``start``, whole chunks) to
    ``key``: the very rows the unsplit job has there. Raises EngineCancelled on cancel."""
    table = generation.tables[0]
    size = generator.chunk_size(table, chunk_rows)
    numbers = range(start // size, -(-(start + count) // size))
    tracker = _Tracker(on_progress, cancel)

    def chunks() -> Iterator[pa.RecordBatch]:
        done = 0
        for batch in generator.table_chunks(generation, table, size, numbers):
            yield batch
            done += batch.num_rows
            tracker(done, count)

    _write_table(storage, key, table.arrow_schema, chunks(), written or Written())


def _by_table(
    chunks: Iterator[tuple[str, pa.RecordBatch]], names: list[str]
) -> Iterator[Iterator[pa.RecordBatch]]:
    """Splits the (table, chunk) stream into one chunk iterator per table, in plan order."""
    pending: list[tuple[str, pa.RecordBatch]] = []

    def table(name: str) -> Iterator[pa.RecordBatch]:
        while True:
            if not pending:
                following = next(chunks, None)
                if following is None:
                    return
                pending.append(following)
            if pending[0][0] != name:
                return
            yield pending.pop()[1]

    for name in names:
        yield table(name)


def _write_table(
    storage: Storage,
    key: str,
    schema: pa.Schema,
    chunks: Iterator[pa.RecordBatch],
    written: Written,
) -> None:
    before = written.bytes
    with ExitStack() as stack:
        handle = stack.enter_context(storage.open(key, "wb"))
        writer = stack.enter_context(pq.ParquetWriter(handle, schema, compression="zstd"))
        for chunk in chunks:
            writer.write_batch(chunk)
            written.bytes = before + handle.tell()
    written.bytes = before + storage.size(key)


class _Tracker:
    """The core's progress callback: reports rows done with an ETA, and stops on cancel."""

    def __init__(self, on_progress: Callable[[ProgressUpdate], None], cancel: threading.Event):
        self.on_progress = on_progress
        self.cancel = cancel
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise EngineCancelled("the job was cancelled")
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        self.on_progress(
            ProgressUpdate(
                percent=100.0 * done / total if total else 100.0,
                message=f"{done:,} of {total:,} rows generated",
                eta_seconds=(total - done) / rate if rate > 0 else None,
            )
        )
