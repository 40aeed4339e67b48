"""Ingestion in one pass: the typed table, its split and its statistics are written as the
file is read, with the types of the first batches; a late value that changes a type makes
a second pass, and a late error leaves nothing behind."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import (
    HoldoutSplit,
    IngestError,
    IngestOptions,
    TableStats,
    compute_stats,
    ingest,
    split_holdout,
)
from services.datasets.ingest.parquet_io import open_parquet, plain_schema
from services.datasets.ingest.split import split_batches
from tests.corpus import shared_tables

# Enough rows for several CSV blocks (2 MiB each), so the last rows come in a later batch
# than the types were first written with.
ROWS = 300_000


def _csv(last_score: str = "7", last_extra: str = "") -> bytes:
    lines = ["id,score,label"]
    lines += [f"{i},{i % 100},{'yes' if i % 3 else 'no'}" for i in range(ROWS - 1)]
    lines.append(f"{ROWS - 1},{last_score},no{last_extra}")
    return ("\n".join(lines) + "\n").encode()


def _ingest(fs, tmp_path: Path, data: bytes) -> tuple[HoldoutSplit, TableStats, pa.Table]:
    split = HoldoutSplit(fs, str(tmp_path / "split.parquet"), 0.2, 3)
    stats = TableStats(seed=3)
    ingest(
        lambda: io.BytesIO(data),
        options=IngestOptions(),
        fs=fs,
        out_path=str(tmp_path / "data.parquet"),
        sinks=(split, stats),
    )
    return split, stats, pq.read_table(tmp_path / "data.parquet")


def test_a_late_value_changes_the_type_of_everything_written(fs, tmp_path: Path) -> None:
    split, stats, table = _ingest(fs, tmp_path, _csv(last_score="12.5"))
    assert table.schema.field("score").type == pa.float64()
    assert table.num_rows == ROWS
    assert table.column("score").to_pylist()[-2:] == [(ROWS - 2) % 100, 12.5]
    train, holdout = (_side(tmp_path, holdout=side) for side in (False, True))
    assert train.schema.field("score").type == holdout.schema.field("score").type == pa.float64()
    assert split.counts == (train.num_rows, holdout.num_rows)
    # The same split as one made afterwards from the written table.
    again = split_holdout(
        fs,
        str(tmp_path / "data.parquet"),
        str(tmp_path / "t2.parquet"),
        str(tmp_path / "h2.parquet"),
        0.2,
        3,
    )
    assert again == split.counts
    assert pq.read_table(tmp_path / "h2.parquet").equals(holdout)
    assert pq.read_table(tmp_path / "t2.parquet").equals(train)
    streamed = stats.result(fs, str(tmp_path / "data.parquet"))
    score = next(c for c in streamed.columns if c.name == "score")
    assert score.type == "double" and score.count == ROWS and score.numeric is not None
    assert score.numeric.max == 99


def _side(tmp_path: Path, *, holdout: bool) -> pa.Table:
    """One side of the split, read as the service reads it: the table through its marks."""
    table = open_parquet(str(tmp_path / "data.parquet"))
    marks = pq.ParquetFile(tmp_path / "split.parquet")
    batches = split_batches(table, marks, holdout=holdout, batch_rows=65_536)
    return pa.Table.from_batches(list(batches), plain_schema(table))


def test_streamed_statistics_are_those_of_the_written_table(fs, tmp_path: Path) -> None:
    _, stats, _ = _ingest(fs, tmp_path, _csv())
    streamed = stats.result(fs, str(tmp_path / "data.parquet"))
    assert streamed.row_count == ROWS
    again = compute_stats(fs, str(tmp_path / "data.parquet"), seed=3)
    # Equal but for the last digits of means and deviations (merged over other batches).
    assert _rounded(streamed.model_dump()) == _rounded(again.model_dump())


def test_a_date_column_gets_a_histogram_over_its_range(fs, tmp_path: Path) -> None:
    """A monthly column is charted like a number: equal bins from its first to its last date,
    holding every row, as the upload's statistics stream (the dashboard had nothing to draw
    for dates)."""
    _, stats, _ = _ingest(fs, tmp_path, shared_tables()["monthly-car-sales"].read_bytes())
    month = stats.result(fs, str(tmp_path / "data.parquet")).columns[0]
    assert month.name == "Month" and month.type == "timestamp[s]" and month.numeric is None
    bins = month.datetime_histogram
    assert bins is not None and len(bins) == 20
    assert bins[0].start == "1960-01-01T00:00:00" and bins[-1].end == "1968-12-01T00:00:00"
    assert all(a.end == b.start for a, b in itertools.pairwise(bins))
    # Twelve months a year: every bin of about 5.3 months holds 5 or 6 of the 108.
    assert sum(b.count for b in bins) == 108 and {b.count for b in bins} <= {5, 6}
    again = compute_stats(fs, str(tmp_path / "data.parquet"), seed=3).columns[0]
    assert again.datetime_histogram == bins


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def test_an_error_late_in_the_file_leaves_nothing(fs, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        _ingest(fs, tmp_path, _csv(last_extra=",surplus"))
    assert caught.value.code == "inconsistent_columns"
    assert caught.value.line == ROWS + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []
