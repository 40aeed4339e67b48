"""The training split read as a stream: the profile merged batch by batch is the whole
table's, and the seeded sample is of the documented size, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from services.training.engines import trainset
from services.training.engines.profile import build_profile
from services.training.footprint import MB, check_fits, memory_limit_bytes, plan_training
from services.training.worker_common import JobFailed
from synthetica.datasets.v1 import datasets_pb2
from tests import adult


def _stream(table: pa.Table, path: Path, batch_rows: int) -> Path:
    """``table`` as the datasets service sends a split: an IPC stream of record batches."""
    with pa.OSFile(str(path), "wb") as sink, ipc.new_stream(sink, table.schema) as writer:
        for batch in table.to_batches(batch_rows):
            writer.write_batch(batch)
    return path


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = adult.frame(3_000)
    frame["seen"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(len(frame)), "D")
    frame["key"] = np.arange(len(frame)) * 2 + 10
    frame.loc[5:40, "age"] = None  # missing numbers in the first batch only
    return frame


def test_the_streamed_profile_is_the_whole_tables(table, tmp_path):
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = {"primary_key": "key"}
    whole = build_profile(table, metadata, arrow.schema)
    streamed, rows = trainset.stream_profile(_stream(arrow, tmp_path / "t.arrows", 256), metadata)
    assert rows == len(table)
    for expected, got in zip(whole.columns, streamed.columns, strict=True):
        assert got.std == pytest.approx(expected.std) if expected.std else got.std is None
        if expected.kind == "categorical":  # equal counts may come in another order
            assert dict(zip(got.categories, got.category_counts, strict=True)) == dict(
                zip(expected.categories, expected.category_counts, strict=True)
            )
            assert sorted(got.category_counts, reverse=True) == list(got.category_counts)
            continue
        assert got.null_share == pytest.approx(expected.null_share)
        assert {**vars(got), "std": None} == {**vars(expected), "std": None}


def test_the_sample_has_the_caps_size_and_follows_the_seed(table, tmp_path):
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    path = _stream(arrow, tmp_path / "t.arrows", 500)
    total = len(table)
    assert trainset.sample_rows(total, total, seed=1) is None
    first = trainset.sample_rows(total, 700, seed=1)
    assert first is not None and len(first) == len(set(first)) == 700
    assert np.array_equal(first, trainset.sample_rows(total, 700, seed=1))  # type: ignore[arg-type]
    other = trainset.sample_rows(total, 700, seed=2)
    assert other is not None and not np.array_equal(first, other)
    # Spread over the whole split, not its head.
    assert first.min() < total / 10 and first.max() > total * 9 / 10
    assert trainset.read_rows(path, first).equals(arrow.take(pa.array(first)))


def _dataset(rows: int, **types: str) -> datasets_pb2.Dataset:
    columns = [
        datasets_pb2.ColumnMetadata(name=name, data_type=data_type, sdtype=sdtype)
        for name, (data_type, sdtype) in ((name, spec.split(":")) for name, spec in types.items())
    ]
    return datasets_pb2.Dataset(
        train_row_count=rows, metadata=datasets_pb2.DatasetMetadata(columns=columns)
    )


def test_the_estimate_counts_the_rows_learned_and_names_the_numbers_when_too_big():
    dataset = _dataset(10_000_000, age="int64:numerical", job="string:categorical")
    capped = plan_training("tabular_argn", dataset, 1_000_000)
    assert (capped.rows, capped.source_rows, capped.row_bytes) == (1_000_000, 10_000_000, 16)
    whole = plan_training("tabular_argn", dataset, 10_000_000)
    assert whole.estimate_bytes > capped.estimate_bytes
    check_fits(capped, capped.estimate_bytes)
    with pytest.raises(JobFailed) as refused:
        check_fits(capped, 1024 * MB)
    message = str(refused.value)
    assert "training tabular_argn on a sample of 1,000,000 of the split's 10,000,000 rows" in (
        message
    )
    assert f"needs about {capped.estimate_bytes / MB:,.0f} MB" in message
    assert "more than the worker's 1,024 MB (TRAINING_WORKER_MEMORY_MB)" in message
    assert "lower TRAINING_TRAIN_MAX_ROWS (now 1,000,000)" in message


def test_ids_cost_their_own_text_and_the_setting_overrides_the_machine():
    plain = plan_training("ctgan", _dataset(1000, name="string:categorical"), 10)
    ids = plan_training("ctgan", _dataset(1000, name="string:id"), 10)
    assert ids.row_bytes > plain.row_bytes
    assert memory_limit_bytes(300) == 300 * MB
    assert memory_limit_bytes(0) > 300 * MB
