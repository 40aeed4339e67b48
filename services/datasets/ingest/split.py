"""The seeded holdout split of a typed table, kept as one mark per row.

A table's split is a Parquet file of booleans (``holdout``), one per row of the table in its
order, written as the table streams by (``HoldoutSplit``); a side of the split is the table
read through its marks (``split_batches``), so the rows of each side keep the table's order.
Writing the two sides as Parquet files of their own, beside the table, encoded every row
twice (1 GB of CSV: 3.1 of the pass's 6.2 CPU-seconds of Parquet encoding) and stored it
twice.
"""

from __future__ import annotations

from collections.abc import Iterator

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .parquet_io import (
    ROW_GROUP_ROWS,
    BoundedParquetFile,
    ParquetSink,
    iter_batches,
    open_parquet,
    parquet_output,
    plain_schema,
)

BATCH_ROWS = 65_536
MARK = "holdout"
MARKS_SCHEMA = pa.schema([pa.field(MARK, pa.bool_(), nullable=False)])
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _uniform(row_index: np.ndarray, seed: int) -> np.ndarray:
    """A value in [0, 1) per row from a splitmix64 hash of (seed, row index).

    Depending only on the index, the split is the same whatever the batch boundaries.
    """
    with np.errstate(over="ignore"):
        z = row_index.astype(np.uint64) + np.uint64(seed % 2**64) * _GOLDEN + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def _check_fraction(fraction: float) -> None:
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"holdout fraction must be in [0, 1), got {fraction}")


def _marks_batch(in_holdout: np.ndarray) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(in_holdout, pa.bool_())], schema=MARKS_SCHEMA)


class HoldoutSplit:
    """Marks about `fraction` of a table's rows as held out, in the file `path`, as the
    table's batches stream by (a sink of ``ingest``): `start`, `write_batch` for each batch
    in order, then `close`, or `abort` to remove the file. The side of a row depends only
    on its index and the seed, so the same table and seed give the same split whatever its
    batches."""

    def __init__(self, fs: fsspec.AbstractFileSystem, path: str, fraction: float, seed: int):
        _check_fraction(fraction)
        self._fs, self._path = fs, path
        self._fraction, self._seed = fraction, seed
        self._marks: ParquetSink | None = None
        self.rows = self.holdout_rows = 0

    def start(self, schema: pa.Schema) -> None:
        self.rows = self.holdout_rows = 0
        self._marks = ParquetSink(self._fs, self._path, MARKS_SCHEMA)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        assert self._marks is not None, "started"
        rows = np.arange(self.rows, self.rows + batch.num_rows)
        in_holdout = _uniform(rows, self._seed) < self._fraction
        self.rows += batch.num_rows
        self.holdout_rows += int(in_holdout.sum())
        self._marks.write_batch(_marks_batch(in_holdout))

    def close(self) -> None:
        if self._marks is not None:
            self._marks.close()

    def abort(self) -> None:
        if self._marks is not None:
            self._marks.abort()
        elif self._fs.exists(self._path):
            self._fs.rm(self._path)
        self._marks = None

    @property
    def counts(self) -> tuple[int, int]:
        """(train rows, holdout rows)."""
        return self.rows - self.holdout_rows, self.holdout_rows


def write_marks(
    fs: fsspec.AbstractFileSystem, path: str, in_holdout: np.ndarray
) -> tuple[int, int]:
    """Replaces the split at `path` with the rows `in_holdout` marks (once written whole);
    (train rows, holdout rows)."""
    written = path + ".new"
    try:
        with parquet_output(fs, written, MARKS_SCHEMA) as marks:
            for start in range(0, len(in_holdout), ROW_GROUP_ROWS):
                marks.write_batch(_marks_batch(in_holdout[start : start + ROW_GROUP_ROWS]))
    except BaseException:
        if fs.exists(written):
            fs.rm(written)
        raise
    fs.mv(written, path)
    holdout_rows = int(in_holdout.sum())
    return len(in_holdout) - holdout_rows, holdout_rows


class _Marks:
    """The marks of a split file, handed out a batch of the table's rows at a time."""

    def __init__(self, marks: pq.ParquetFile) -> None:
        self._arrays = (batch.column(0) for batch in marks.iter_batches(BATCH_ROWS))
        self._left: pa.Array = pa.array([], pa.bool_())

    def take(self, rows: int) -> pa.Array:
        parts = []
        while rows > 0:
            if len(self._left) == 0:
                following = next(self._arrays, None)
                if following is None:
                    raise ValueError("the split marks fewer rows than the table has")
                self._left = following
            part = self._left.slice(0, rows)
            self._left = self._left.slice(len(part))
            parts.append(part)
            rows -= len(part)
        return pa.concat_arrays(parts) if parts else pa.array([], pa.bool_())


def split_batches(
    table: BoundedParquetFile, marks: pq.ParquetFile, *, holdout: bool, batch_rows: int
) -> Iterator[pa.RecordBatch]:
    """The rows of one side of the split (held out, or kept for training), in the table's
    order, read batch by batch (memory stays at one batch of the table)."""
    if marks.metadata.num_rows != table.metadata.num_rows:
        raise ValueError(
            f"the split marks {marks.metadata.num_rows:,} rows, the table has "
            f"{table.metadata.num_rows:,}"
        )
    cursor = _Marks(marks)
    for batch in iter_batches(table, batch_rows):
        chosen = cursor.take(batch.num_rows)
        kept = batch.filter(chosen if holdout else pc.invert(chosen))
        if kept.num_rows:
            yield kept


def split_holdout(
    fs: fsspec.AbstractFileSystem,
    src: str,
    train_path: str,
    holdout_path: str,
    fraction: float,
    seed: int,
) -> tuple[int, int]:
    """Write the rows of `src` to `train_path` and about `fraction` of them to
    `holdout_path`, the split ``HoldoutSplit`` marks (benchmarks and tests give engines and
    reports their files this way).

    Returns (train_rows, holdout_rows). Same file and seed give the same split. On error
    neither output is left behind.
    """
    _check_fraction(fraction)
    rows = holdout_rows = 0
    try:
        with fs.open(src, "rb") as source:
            parquet = open_parquet(source)
            schema = plain_schema(parquet)
            with (
                parquet_output(fs, train_path, schema) as train,
                parquet_output(fs, holdout_path, schema) as holdout,
            ):
                for batch in iter_batches(parquet, BATCH_ROWS):
                    in_holdout = _uniform(np.arange(rows, rows + batch.num_rows), seed) < fraction
                    rows += batch.num_rows
                    holdout_rows += int(in_holdout.sum())
                    train.write_batch(batch.filter(pa.array(~in_holdout)))
                    holdout.write_batch(batch.filter(pa.array(in_holdout)))
    except BaseException:
        for path in (train_path, holdout_path):
            if fs.exists(path):
                fs.rm(path)
        raise
    return rows - holdout_rows, holdout_rows


def value_uniform(values: np.ndarray, seed: int) -> np.ndarray:
    """A value in [0, 1) per value (text) from a stable hash of (seed, value): the same key
    falls on the same side in every table and every run."""
    salted = np.char.add(f"{seed}\x1f", values.astype(str))
    hashed = pd.util.hash_array(salted.astype(object), categorize=False)
    return (hashed >> np.uint64(11)).astype(np.float64) / float(2**53)


def row_uniform(rows: int, seed: int) -> np.ndarray:
    """What ``HoldoutSplit`` draws for each row index."""
    return _uniform(np.arange(rows), seed)
