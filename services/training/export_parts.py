"""A batch written in parts (a sharded batch's Parquet files, in row order) read as one
table: its record batches part after part, or one Parquet file streamed from them.

Each part is opened only when the one before it is done, so memory stays that of one read
batch (or one row group) whatever the number of parts.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_COPY_CHUNK_BYTES = 1 << 20
# Rows an export reads at a time.
READ_BATCH_ROWS = 20_000


def read_parts(
    fs: fsspec.AbstractFileSystem, paths: Sequence[str], batch_rows: int
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The first part's schema (every part has it) and the parts' record batches in order."""
    with fs.open(paths[0], "rb") as first:
        schema = pq.ParquetFile(first).schema_arrow

    def batches() -> Iterator[pa.RecordBatch]:
        for path in paths:
            with fs.open(path, "rb") as source:
                yield from pq.ParquetFile(source).iter_batches(batch_size=batch_rows)

    return schema, batches()


def parquet_bytes(fs: fsspec.AbstractFileSystem, paths: Sequence[str]) -> Iterator[bytes]:
    """One Parquet file: the file itself when there is one part; else the parts' row groups,
    in order, rewritten into one file as it streams (zstd, as the parts are)."""
    if len(paths) == 1:
        with fs.open(paths[0], "rb") as source:
            yield from iter(lambda: source.read(_COPY_CHUNK_BYTES), b"")
        return
    schema, _ = read_parts(fs, paths[:1], 1)
    sink = _Sink()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for path in paths:
            with fs.open(path, "rb") as source:
                part = pq.ParquetFile(source)
                for group in range(part.num_row_groups):
                    writer.write_table(part.read_row_group(group))
                    yield sink.take()
    yield sink.take()


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken as they come; it keeps counting positions,
    which the Parquet footer's offsets are made of."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data
