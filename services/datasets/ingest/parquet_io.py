"""Parquet in and out with memory bounded whatever the file size, or its compression ratio.

Reading goes one row group at a time, in batches bounded in decoded bytes (BATCH_BYTES, see
:func:`open_parquet` and :func:`iter_batches`). One row group at a time, because
`ParquetFile.iter_batches` over a whole file keeps more and more decoded data alive as it
crosses row groups (measured with pyarrow 26 on a 1 GiB CSV's table: 46 MB allocated after
the first row groups, 86 MB by the end), while the same call restricted to one row group at
a time stays at one row group.

On output, batches come in whatever size the reader produced (a CSV block, a filtered split
batch); writing each as its own row group would give thousands of tiny groups. Buffering up
to ROW_GROUP_ROWS rows or ROW_GROUP_BYTES bytes gives groups big enough to compress and
scan well, and small enough that writing or reading one never holds much memory.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import BinaryIO

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import IngestError
from .options import MiB

ROW_GROUP_ROWS = 131_072
# One pass writes three files at once (the table, the train and the holdout split), each
# buffering a group and, in the background, encoding one more. With the statistics' row
# sample beside them, a Parquet bomb of 150,000 distinct 4,000-character values (600 MB
# decoded) took the ingest worker to 502-535 MB with groups and batches of 16 MiB, 439-452
# with 8 MiB (the worker's imports alone are 185 MB). CSV ingestion runs at the same MB/s.
ROW_GROUP_BYTES = 8 * MiB
# The most bytes one batch read from a Parquet file holds once decoded.
BATCH_BYTES = 8 * MiB


class BoundedParquetFile(pq.ParquetFile):
    """A Parquet file that :func:`iter_batches` reads in batches bounded in decoded bytes.

    What a row group decodes to is not in its metadata. Plain pages decode to about their
    uncompressed size (``total_uncompressed_size``), but a dictionary page decodes to its
    values repeated for every row that uses them: one 4,000-character string used 150,000
    times is a 73 KB file and 600 MB of text. So the dictionary pages are looked at first,
    through a second reader that keeps text columns as dictionaries (``dictionaries``): the
    longest value they hold bounds what each row of that column decodes to.
    """

    def __init__(self, source: str | BinaryIO) -> None:
        super().__init__(source)
        names = [f.name for f in self.schema_arrow if _is_text(f.type)]
        self.dictionaries = (
            pq.ParquetFile(source, metadata=self.metadata, read_dictionary=names) if names else None
        )


def open_parquet(source: str | BinaryIO) -> BoundedParquetFile:
    return BoundedParquetFile(source)


def plain_schema(parquet: pq.ParquetFile) -> pa.Schema:
    """The file's schema as :func:`iter_batches` yields it: dictionary columns decoded."""
    return pa.schema(
        [
            f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
            for f in parquet.schema_arrow
        ]
    )


def _is_text(data_type: pa.DataType) -> bool:
    return any(
        check(data_type)
        for check in (
            pa.types.is_string,
            pa.types.is_large_string,
            pa.types.is_binary,
            pa.types.is_large_binary,
        )
    )


def iter_batches(
    parquet: BoundedParquetFile,
    batch_size: int,
    columns: Sequence[str] | None = None,
    *,
    max_bytes: int = BATCH_BYTES,
    max_value_bytes: int | None = None,
    row_groups: Sequence[int] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The file's record batches, in order, one row group at a time, each at most
    ``batch_size`` rows and (but for a single huge row) ``max_bytes`` once decoded.

    Rows per read come from each row group's uncompressed size (what plain pages decode
    to) and the longest value of each dictionary page (what dictionary-encoded rows decode
    to). With ``max_value_bytes``, a longer value raises ``IngestError("value_too_long")``
    (for a dictionary, before its rows are decoded). ``row_groups`` reads only those groups.
    """
    if not isinstance(parquet, BoundedParquetFile):
        raise TypeError("iter_batches reads files opened with open_parquet()")
    offset = 0
    for index in range(parquet.num_row_groups) if row_groups is None else row_groups:
        group = parquet.metadata.row_group(index)
        per_row = _plain_bytes_per_row(group, columns)
        for name, longest in _dictionary_values(parquet, index, columns):
            if max_value_bytes is not None and longest > max_value_bytes:
                raise IngestError(
                    "value_too_long",
                    f"column {name!r} holds a value of {longest:,} bytes, more than the "
                    f"limit of {max_value_bytes:,}",
                )
            per_row += longest
        rows = max(1, min(batch_size, int(max_bytes / per_row) if per_row > 0 else batch_size))
        for batch in parquet.iter_batches(batch_size=rows, row_groups=[index], columns=columns):
            if max_value_bytes is not None:
                _check_values(batch, max_value_bytes, offset)
            offset += batch.num_rows
            yield from decoded_slices(batch, max_bytes)


def _chunks(
    group: pq.RowGroupMetaData, columns: Sequence[str] | None
) -> Iterator[pq.ColumnChunkMetaData]:
    wanted = None if columns is None else set(columns)
    for i in range(group.num_columns):
        chunk = group.column(i)
        if wanted is None or chunk.path_in_schema.split(".")[0] in wanted:
            yield chunk


def _plain_bytes_per_row(group: pq.RowGroupMetaData, columns: Sequence[str] | None) -> float:
    size = sum(max(chunk.total_uncompressed_size, 0) for chunk in _chunks(group, columns))
    return size / max(group.num_rows, 1)


def _dictionary_values(
    parquet: BoundedParquetFile, index: int, columns: Sequence[str] | None
) -> Iterator[tuple[str, int]]:
    """(column, longest value in bytes) for each text column of the row group stored with a
    dictionary page. Reading one row loads the dictionary page and nothing more of it."""
    if parquet.dictionaries is None:
        return
    text = {f.name for f in parquet.schema_arrow if _is_text(f.type)}
    for chunk in _chunks(parquet.metadata.row_group(index), columns):
        name = chunk.path_in_schema
        if name not in text or not chunk.has_dictionary_page:
            continue
        first = next(
            parquet.dictionaries.iter_batches(batch_size=1, row_groups=[index], columns=[name]),
            None,
        )
        column = first.column(0) if first is not None else None
        if column is not None and pa.types.is_dictionary(column.type):
            lengths = pc.binary_length(column.dictionary)
            yield name, int(pc.max(lengths).as_py() or 0)


def _check_values(batch: pa.RecordBatch, limit: int, offset: int) -> None:
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        sizes = value_sizes(column)
        if sizes.size and int(sizes.max()) > limit:
            row = int(np.argmax(sizes > limit))
            raise IngestError(
                "value_too_long",
                f"row {offset + row + 1:,}, column {name!r}: a value of {int(sizes[row]):,} "
                f"bytes, more than the limit of {limit:,}",
            )


def row_sizes(batch: pa.RecordBatch) -> np.ndarray:
    """Bytes each row holds once decoded (values of text columns, 8 bytes for the rest)."""
    sizes = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        sizes += value_sizes(column)
    return sizes


def value_sizes(column: pa.Array) -> np.ndarray:
    """Bytes of each value of ``column`` once decoded, computed without decoding it."""
    if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
        lengths = pc.binary_length(column.dictionary).fill_null(0)
        return pc.fill_null(lengths.take(column.indices), 0).to_numpy().astype(np.int64)
    if _is_text(column.type):
        return pc.fill_null(pc.binary_length(column), 0).to_numpy().astype(np.int64)
    return np.full(len(column), 8, dtype=np.int64)


def decoded_slices(batch: pa.RecordBatch, max_bytes: int) -> Iterator[pa.RecordBatch]:
    """``batch`` with dictionary text columns decoded, cut into slices of at most
    ``max_bytes`` decoded bytes (a row bigger than that is a slice of its own)."""
    if not any(pa.types.is_dictionary(c.type) for c in batch.columns):
        yield batch
        return
    ends = np.cumsum(row_sizes(batch))
    start = 0
    while start < batch.num_rows:
        base = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, base + max_bytes, side="right"))
        stop = max(stop, start + 1)
        yield _decode(batch.slice(start, stop - start))
        start = stop


def _decode(batch: pa.RecordBatch) -> pa.RecordBatch:
    columns = [
        c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


class RowGroupWriter:
    """Collects record batches and writes them to `writer` one bounded row group at a time.

    With ``background``, each row group is encoded and written on a thread of its own
    (pyarrow releases the GIL), while the caller goes on reading and converting the next
    batches: at most one group is in flight, so memory stays at two groups.
    """

    def __init__(self, writer: pq.ParquetWriter, *, background: bool = False) -> None:
        self._writer = writer
        self._batches: list[pa.RecordBatch] = []
        self._rows = self._bytes = 0
        self._executor = ThreadPoolExecutor(1, "parquet-writer") if background else None
        self._in_flight: Future[None] | None = None

    def write_batch(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        self._batches.append(batch)
        self._rows += batch.num_rows
        self._bytes += batch.nbytes
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._batches:
            return
        table = pa.Table.from_batches(self._batches)
        self._batches, self._rows, self._bytes = [], 0, 0
        if self._executor is None:
            self._writer.write_table(table, row_group_size=table.num_rows)
            return
        self._wait()
        self._in_flight = self._executor.submit(
            self._writer.write_table, table, row_group_size=table.num_rows
        )

    def finish(self) -> None:
        """Writes what is left and waits for it; raises what a background write raised."""
        try:
            self.flush()
            self._wait()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stops the background thread, once the group in flight (if any) is written."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def _wait(self) -> None:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()


@contextmanager
def parquet_output(
    fs: fsspec.AbstractFileSystem, path: str, schema: pa.Schema
) -> Iterator[RowGroupWriter]:
    """A RowGroupWriter on a new Parquet file at `path`; the last group is written on exit."""
    fs.makedirs(posixpath.dirname(path) or ".", exist_ok=True)
    with fs.open(path, "wb") as sink, pq.ParquetWriter(sink, schema) as writer:
        rows = RowGroupWriter(writer)
        yield rows
        rows.flush()


class ParquetSink:
    """A new Parquet file at `path`, written in bounded row groups in the background:
    ``close`` finishes it, ``abort`` removes it.

    Without column statistics (min, max, null count per page and row group): nothing that
    reads a dataset's files uses them (every read is whole row groups, in order), and they
    were a quarter of the encoding's CPU (1.08 against 0.83 CPU-s for the table of 300 MB
    of CSV, whose file they make 0.4 % larger).
    """

    def __init__(self, fs: fsspec.AbstractFileSystem, path: str, schema: pa.Schema) -> None:
        self._fs, self._path = fs, path
        fs.makedirs(posixpath.dirname(path) or ".", exist_ok=True)
        self._file = fs.open(path, "wb")
        try:
            self._writer = pq.ParquetWriter(self._file, schema, write_statistics=False)
        except BaseException:
            self._remove()
            raise
        self._rows = RowGroupWriter(self._writer, background=True)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        self._rows.write_batch(batch)

    def close(self) -> None:
        try:
            self._rows.finish()
            self._writer.close()
            self._file.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        self._rows.stop()
        with suppress(Exception):
            self._writer.close()
        self._remove()

    def _remove(self) -> None:
        with suppress(Exception):
            self._file.close()
        if self._fs.exists(self._path):
            self._fs.rm(self._path)
