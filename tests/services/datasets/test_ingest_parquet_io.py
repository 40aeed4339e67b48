"""Parquet written in bounded row groups and read back one row group at a time."""

from __future__ import annotations

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from services.datasets.ingest.parquet_io import (
    ROW_GROUP_ROWS,
    iter_batches,
    open_parquet,
    parquet_output,
)

BATCH_ROWS = 10_000
BATCHES = 40


def _batch(start: int) -> pa.RecordBatch:
    ids = pa.array(range(start, start + BATCH_ROWS), pa.int64())
    labels = pa.array([f"row {i}" for i in range(start, start + BATCH_ROWS)])
    return pa.RecordBatch.from_arrays([ids, labels], names=["id", "label"])


def _write(fs: fsspec.AbstractFileSystem, path: str) -> None:
    schema = _batch(0).schema
    with parquet_output(fs, path, schema) as writer:
        for index in range(BATCHES):
            writer.write_batch(_batch(index * BATCH_ROWS))
            writer.write_batch(_batch(0).slice(0, 0))


def test_small_batches_are_gathered_into_bounded_row_groups(fs, tmp_path) -> None:
    path = str(tmp_path / "out" / "data.parquet")
    _write(fs, path)
    metadata = pq.ParquetFile(path).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sum(sizes) == BATCH_ROWS * BATCHES
    assert len(sizes) == 3  # 400,000 rows in groups of 140,000: 14 batches reach the bound
    assert all(ROW_GROUP_ROWS <= size < ROW_GROUP_ROWS + BATCH_ROWS for size in sizes[:-1])


def test_batches_come_back_in_order_one_row_group_at_a_time(fs, tmp_path) -> None:
    path = str(tmp_path / "data.parquet")
    _write(fs, path)
    parquet = open_parquet(path)
    batches = list(iter_batches(parquet, 50_000))
    assert pa.Table.from_batches(batches).equals(pq.read_table(path))
    assert max(batch.num_rows for batch in batches) <= 50_000
    labels = pa.Table.from_batches(list(iter_batches(parquet, 50_000, ["label"])))
    assert labels.column_names == ["label"]
    assert (
        labels.column("label")[BATCH_ROWS * BATCHES - 1].as_py()
        == f"row {BATCH_ROWS * BATCHES - 1}"
    )


def test_nothing_written_gives_an_empty_file_with_the_schema(fs, tmp_path) -> None:
    path = str(tmp_path / "empty.parquet")
    with parquet_output(fs, path, _batch(0).schema):
        pass
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema.names == ["id", "label"]
    assert list(iter_batches(open_parquet(path), 1000)) == []
