"""Where a dataset's files live in storage, and the blocking reads and writes on them.

Keys are built from the dataset id only (never from the user's file name):
``datasets/<id>/upload`` (the raw bytes, kept only while ingesting), ``data.parquet``
(the typed table), ``train.parquet`` and ``holdout.parquet`` (the seeded split).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from common.storage import Storage
from services.datasets.ingest.parquet_io import (
    iter_batches,
    open_parquet,
    plain_schema,
    row_sizes,
)

SPLIT_FILES = {"all": "data.parquet", "train": "train.parquet", "holdout": "holdout.parquet"}
IPC_BATCH_ROWS = 65_536
# The most decoded bytes of rows read for metadata inference (SDV's detection gets them too).
SAMPLE_BYTES = 16 * 1024 * 1024
IPC_CHUNK_BYTES = 1024 * 1024


def folder(dataset_id: str) -> str:
    return f"datasets/{dataset_id}"


def upload_key(dataset_id: str) -> str:
    return f"{folder(dataset_id)}/upload"


def split_key(dataset_id: str, split: str) -> str:
    return f"{folder(dataset_id)}/{SPLIT_FILES[split]}"


def remove_all(storage: Storage, dataset_id: str) -> None:
    storage.delete(folder(dataset_id))


def ipc_chunks(storage: Storage, dataset_id: str, split: str) -> Iterator[bytes]:
    """The split as an Arrow IPC stream, in chunks of at most IPC_CHUNK_BYTES.

    Reads one batch at a time, so memory stays at one batch whatever the table size.
    """
    sink = io.BytesIO()
    with storage.open(split_key(dataset_id, split), "rb") as source:
        parquet = open_parquet(source)
        with pa.ipc.new_stream(sink, plain_schema(parquet)) as writer:
            yield from _drain(sink)
            for batch in iter_batches(parquet, IPC_BATCH_ROWS):
                writer.write_batch(batch)
                yield from _drain(sink)
        yield from _drain(sink)


def _drain(sink: io.BytesIO) -> Iterator[bytes]:
    data = sink.getvalue()
    sink.seek(0)
    sink.truncate()
    for start in range(0, len(data), IPC_CHUNK_BYTES):
        yield data[start : start + IPC_CHUNK_BYTES]


def read_sample(
    storage: Storage,
    dataset_id: str,
    *,
    columns: list[str] | None,
    max_rows: int,
    max_bytes: int = SAMPLE_BYTES,
) -> pd.DataFrame:
    """The first rows of the typed table (only ``columns`` when given): ``max_rows`` of
    them, fewer when they hold more than ``max_bytes`` (long text values)."""
    batches = []
    rows = size = 0
    with storage.open(split_key(dataset_id, "all"), "rb") as source:
        parquet = open_parquet(source)
        for batch in iter_batches(parquet, IPC_BATCH_ROWS, columns):
            ends = np.cumsum(row_sizes(batch))
            # The first row whatever its size, then as many as fit in what is left.
            fitting = int(np.searchsorted(ends, max_bytes - size, side="right"))
            take = min(max(fitting, 0 if batches else 1), max_rows - rows, batch.num_rows)
            batches.append(batch.slice(0, take))
            rows += take
            size += int(ends[take - 1]) if take else 0
            if take < batch.num_rows or rows >= max_rows:
                break
        schema = plain_schema(parquet)
        if columns is not None:
            schema = pa.schema([schema.field(c) for c in columns])
    return pa.Table.from_batches(batches, schema=schema).to_pandas()
