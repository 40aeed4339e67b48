"""Where a dataset's files live in storage, and the blocking reads and writes on them.

Keys are built from the dataset id only (never from the user's file name):
``datasets/<id>/upload`` (the raw bytes, kept only while ingesting), ``data.parquet``
(the typed table), ``train.parquet`` and ``holdout.parquet`` (the seeded split), and
``outcome.json`` (an ingestion's result, kept until the service has recorded it: a service
killed in between finds it at its next start instead of ingesting again).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

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


def outcome_key(dataset_id: str) -> str:
    return f"{folder(dataset_id)}/outcome.json"


def remove_all(storage: Storage, dataset_id: str) -> None:
    storage.delete(folder(dataset_id))


def write_outcome(storage: Storage, dataset_id: str, outcome: dict[str, Any]) -> None:
    with storage.open(outcome_key(dataset_id), "wb") as sink:
        sink.write(json.dumps(outcome).encode())


def read_outcome(storage: Storage, dataset_id: str) -> dict[str, Any] | None:
    try:
        with storage.open(outcome_key(dataset_id), "rb") as source:
            return json.loads(source.read())
    except FileNotFoundError:
        return None


def stored_dataset_ids(storage: Storage) -> list[str]:
    """The ids of every dataset folder in storage."""
    try:
        paths = storage.fs.ls(storage.path("datasets"), detail=False)
    except FileNotFoundError:
        return []
    return [path.rstrip("/").rsplit("/", 1)[-1] for path in paths]


def idle_seconds(storage: Storage, dataset_id: str) -> float:
    """Seconds since anything in the dataset's folder was last written."""
    latest = 0.0
    for info in storage.fs.find(storage.path(folder(dataset_id)), detail=True).values():
        modified = info.get("mtime") or info.get("LastModified") or info.get("created") or 0
        stamp = modified.timestamp() if hasattr(modified, "timestamp") else float(modified)
        latest = max(latest, stamp)
    return time.time() - latest


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
