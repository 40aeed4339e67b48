"""Holdout split reproducibility and fractions; preview rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import preview_rows, split_holdout
from services.datasets.ingest.preview import PREVIEW_MAX_BYTES


@pytest.fixture
def adult_parquet(run_ingest, adult_path: Path, out_path: str) -> str:
    run_ingest(adult_path)
    return out_path


def _split(fs, src: str, tmp_path: Path, fraction: float, seed: int, tag: str):
    train = str(tmp_path / f"{tag}-train.parquet")
    holdout = str(tmp_path / f"{tag}-holdout.parquet")
    counts = split_holdout(fs, src, train, holdout, fraction, seed)
    return counts, pq.read_table(train), pq.read_table(holdout)


def test_split_is_reproducible_and_complete(fs, adult_parquet: str, tmp_path: Path) -> None:
    (train_rows, holdout_rows), train, holdout = _split(fs, adult_parquet, tmp_path, 0.2, 7, "a")
    _, _, again = _split(fs, adult_parquet, tmp_path, 0.2, 7, "b")
    _, _, other = _split(fs, adult_parquet, tmp_path, 0.2, 8, "c")
    assert train_rows + holdout_rows == 32_561
    assert (train.num_rows, holdout.num_rows) == (train_rows, holdout_rows)
    assert abs(holdout_rows / 32_561 - 0.2) < 0.01
    assert holdout.equals(again)
    assert not holdout.equals(other)
    whole = pq.read_table(adult_parquet)
    assert sorted(train.column(2).to_pylist() + holdout.column(2).to_pylist()) == sorted(
        whole.column(2).to_pylist()
    )


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.9])
def test_split_fractions(fs, adult_parquet: str, tmp_path: Path, fraction: float) -> None:
    (_, holdout_rows), _, _ = _split(fs, adult_parquet, tmp_path, fraction, 0, "f")
    assert abs(holdout_rows / 32_561 - fraction) < 0.01


def test_split_rejects_a_bad_fraction(fs, adult_parquet: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fraction"):
        _split(fs, adult_parquet, tmp_path, 1.0, 0, "bad")


def test_preview_rows(fs, adult_parquet: str) -> None:
    rows = preview_rows(fs, adult_parquet, 2)
    assert len(rows) == 2
    assert rows[0]["column_1"] == 39 and rows[0]["column_2"] == "State-gov"
    assert preview_rows(fs, adult_parquet, 5, offset=32_560)[0]["column_15"] == ">50K"
    assert preview_rows(fs, adult_parquet, 5, offset=40_000) == []


def test_preview_makes_dates_json_safe(run_ingest, fs, out_path: str) -> None:
    run_ingest(b"d,x\n2021-03-04,1\n2021-03-05,\n")
    assert preview_rows(fs, out_path, 10) == [
        {"d": "2021-03-04T00:00:00", "x": 1},
        {"d": "2021-03-05T00:00:00", "x": None},
    ]


def test_a_preview_of_long_values_stops_at_its_byte_budget(fs, tmp_path: Path) -> None:
    # 1,000 rows of a 100,000-character note are 100 MB of JSON: more than a gRPC message
    # holds (64 MiB), from a Parquet file of a few kilobytes.
    note = "x" * 100_000
    notes = pa.DictionaryArray.from_arrays(pa.array([0] * 1_000, pa.int32()), pa.array([note]))
    path = str(tmp_path / "notes.parquet")
    pq.write_table(pa.table({"id": pa.array(range(1_000)), "note": notes}), path)
    rows = preview_rows(fs, path, 1_000)
    assert rows[0] == {"id": 0, "note": note}
    assert 1 < len(rows) < 1_000
    assert len(json.dumps(rows)) <= PREVIEW_MAX_BYTES
    assert [row["id"] for row in rows] == list(range(len(rows)))
