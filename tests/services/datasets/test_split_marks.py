"""A table's split is stored as a mark per row: each side read through the marks is the
rows of that side in the table's order, the rows a split written as two files holds; a
dataset stored with its sides as files of their own is still read from them."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common.storage import Storage
from services.datasets import files
from services.datasets.ingest import IngestLimits, IngestOptions, split_holdout
from services.datasets.ingest.process import ingest_dataset
from services.datasets.ingest.split import write_marks


def _read(storage: Storage, unit: str, split: str) -> pa.Table:
    stream = io.BytesIO(b"".join(files.ipc_chunks(storage, unit, split)))
    return pa.ipc.open_stream(stream).read_all()


def _ingested(tmp_path: Path, data: bytes, unit: str = "d") -> Storage:
    storage = Storage(str(tmp_path))
    with storage.open(files.upload_key(unit), "wb") as sink:
        sink.write(data)
    job = {
        "storage_url": str(tmp_path),
        "storage_options": {},
        "dataset_id": unit,
        "options": IngestOptions(seed=11),
        "limits": dataclasses.asdict(IngestLimits()),
    }
    outcome = ingest_dataset(job)
    assert outcome["ok"], outcome
    return storage


def test_each_side_is_the_rows_of_a_split_written_as_two_files(tmp_path: Path, adult_path: Path):
    storage = _ingested(tmp_path, adult_path.read_bytes())
    outcome = files.read_outcome(storage, "d")
    assert outcome is not None
    train, holdout = _read(storage, "d", "train"), _read(storage, "d", "holdout")
    assert (train.num_rows, holdout.num_rows) == (
        outcome["train_row_count"],
        outcome["holdout_row_count"],
    )
    # The same rows, in the same order, as the two files the split used to be written as.
    sides = [str(tmp_path / name) for name in ("t.parquet", "h.parquet")]
    table = storage.path(files.split_key("d", "all"))
    counts = split_holdout(storage.fs, table, *sides, 0.2, 11)
    assert counts == (train.num_rows, holdout.num_rows)
    assert pq.read_table(sides[0]).equals(train)
    assert pq.read_table(sides[1]).equals(holdout)
    assert train.num_rows + holdout.num_rows == _read(storage, "d", "all").num_rows
    assert abs(holdout.num_rows / 32_561 - 0.2) < 0.01


def test_a_dataset_stored_with_its_sides_as_files_is_read_from_them(tmp_path: Path):
    """Stored before the marks: train.parquet and holdout.parquet, read as they are until
    relating splits the table again, which writes marks and removes them."""
    csv = b"id,value\n" + b"".join(f"{i},{i * 3}\n".encode() for i in range(1000))
    storage = _ingested(tmp_path, csv)
    table = storage.path(files.split_key("d", "all"))
    train_file = storage.path(files.split_key("d", "train"))
    holdout_file = storage.path(files.split_key("d", "holdout"))
    storage.delete(files.split_key("d", "marks"))
    split_holdout(storage.fs, table, train_file, holdout_file, 0.5, 1)
    assert _read(storage, "d", "holdout").equals(pq.read_table(holdout_file))

    # Relating's split by family: every third row held out.
    in_holdout = np.arange(1000) % 3 == 0
    marks = storage.path(files.split_key("d", "marks"))
    assert write_marks(storage.fs, marks, in_holdout) == (666, 334)
    files.remove_split_sides(storage, "d")
    assert not storage.exists(files.split_key("d", "train"))
    assert _read(storage, "d", "holdout").column("id").to_pylist() == list(range(0, 1000, 3))
    assert _read(storage, "d", "train").column("value").to_pylist() == [
        i * 3 for i in range(1000) if i % 3
    ]


def test_marks_that_do_not_fit_the_table_are_refused(tmp_path: Path):
    csv = b"id\n" + b"".join(f"{i}\n".encode() for i in range(100))
    storage = _ingested(tmp_path, csv)
    marks = storage.path(files.split_key("d", "marks"))
    write_marks(storage.fs, marks, np.zeros(99, dtype=bool))
    with pytest.raises(ValueError, match="99 rows, the table has 100"):
        _read(storage, "d", "train")
