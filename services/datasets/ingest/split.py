"""Seeded holdout split that streams the typed Parquet file row group by row group."""

from __future__ import annotations

from contextlib import ExitStack

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa

from .parquet_io import ParquetSink, iter_batches, open_parquet, parquet_output, plain_schema

BATCH_ROWS = 65_536
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


class HoldoutSplit:
    """Writes the rows of a table to `train_path` and about `fraction` of them to
    `holdout_path` as its batches stream by (a sink of ``ingest``): `start`, `write_batch`
    for each batch in order, then `close`, or `abort` to remove both files. The side of a
    row depends only on its index and the seed, so the same table and seed give the same
    split whatever its batches."""

    def __init__(
        self,
        fs: fsspec.AbstractFileSystem,
        train_path: str,
        holdout_path: str,
        fraction: float,
        seed: int,
    ) -> None:
        if not 0.0 <= fraction < 1.0:
            raise ValueError(f"holdout fraction must be in [0, 1), got {fraction}")
        self._fs, self._paths = fs, (train_path, holdout_path)
        self._fraction, self._seed = fraction, seed
        self._sinks: tuple[ParquetSink, ...] = ()
        self.rows = self.holdout_rows = 0

    def start(self, schema: pa.Schema) -> None:
        self.rows = self.holdout_rows = 0
        train = ParquetSink(self._fs, self._paths[0], schema)
        try:
            self._sinks = (train, ParquetSink(self._fs, self._paths[1], schema))
        except BaseException:
            train.abort()
            raise

    def write_batch(self, batch: pa.RecordBatch) -> None:
        rows = np.arange(self.rows, self.rows + batch.num_rows)
        in_holdout = _uniform(rows, self._seed) < self._fraction
        self.rows += batch.num_rows
        self.holdout_rows += int(in_holdout.sum())
        train, holdout = self._sinks
        train.write_batch(batch.filter(pa.array(~in_holdout)))
        holdout.write_batch(batch.filter(pa.array(in_holdout)))

    def close(self) -> None:
        try:
            for sink in self._sinks:
                sink.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        for sink in self._sinks:
            sink.abort()
        for path in self._paths:
            if self._fs.exists(path):
                self._fs.rm(path)

    @property
    def counts(self) -> tuple[int, int]:
        """(train rows, holdout rows)."""
        return self.rows - self.holdout_rows, self.holdout_rows


def split_holdout(
    fs: fsspec.AbstractFileSystem,
    src: str,
    train_path: str,
    holdout_path: str,
    fraction: float,
    seed: int,
) -> tuple[int, int]:
    """Write the rows of `src` to `train_path` and about `fraction` of them to `holdout_path`.

    Returns (train_rows, holdout_rows). Same file and seed give the same split. On error
    neither output is left behind.
    """
    split = HoldoutSplit(fs, train_path, holdout_path, fraction, seed)
    with fs.open(src, "rb") as source:
        parquet = open_parquet(source)
        split.start(plain_schema(parquet))
        try:
            for batch in iter_batches(parquet, BATCH_ROWS):
                split.write_batch(batch)
        except BaseException:
            split.abort()
            raise
        split.close()
    return split.counts


def value_uniform(values: np.ndarray, seed: int) -> np.ndarray:
    """A value in [0, 1) per value (text) from a stable hash of (seed, value): the same key
    falls on the same side in every table and every run."""
    salted = np.char.add(f"{seed}\x1f", values.astype(str))
    hashed = pd.util.hash_array(salted.astype(object), categorize=False)
    return (hashed >> np.uint64(11)).astype(np.float64) / float(2**53)


def row_uniform(rows: int, seed: int) -> np.ndarray:
    """What ``split_holdout`` draws for each row index."""
    return _uniform(np.arange(rows), seed)


def split_by_mask(
    fs: fsspec.AbstractFileSystem,
    src: str,
    train_path: str,
    holdout_path: str,
    in_holdout: np.ndarray,
) -> tuple[int, int]:
    """Rewrites the split of `src` with the rows `in_holdout` marks in the holdout; the new
    files replace the old ones only once written whole."""
    offset = 0
    written = (train_path + ".new", holdout_path + ".new")
    try:
        with fs.open(src, "rb") as source, ExitStack() as stack:
            parquet = open_parquet(source)
            schema = plain_schema(parquet)
            train = stack.enter_context(parquet_output(fs, written[0], schema))
            holdout = stack.enter_context(parquet_output(fs, written[1], schema))
            for batch in iter_batches(parquet, BATCH_ROWS):
                mask = in_holdout[offset : offset + batch.num_rows]
                offset += batch.num_rows
                train.write_batch(batch.filter(pa.array(~mask)))
                holdout.write_batch(batch.filter(pa.array(mask)))
    except BaseException:
        for path in written:
            if fs.exists(path):
                fs.rm(path)
        raise
    fs.mv(written[0], train_path)
    fs.mv(written[1], holdout_path)
    holdout_rows = int(in_holdout.sum())
    return len(in_holdout) - holdout_rows, holdout_rows
