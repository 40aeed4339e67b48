"""Statistics on adult checked against pandas."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import compute_stats


@pytest.fixture
def adult(run_ingest, adult_path: Path, fs, out_path: str):
    _, table = run_ingest(adult_path)
    return compute_stats(fs, out_path), table.to_pandas()


def test_numeric_column_matches_pandas(adult) -> None:
    stats, frame = adult
    age = next(c for c in stats.columns if c.name == "column_1")
    expected = frame["column_1"]
    assert stats.row_count == 32_561
    assert (age.count, age.nulls, age.distinct) == (32_561, 0, expected.nunique())
    assert age.numeric.min == expected.min() and age.numeric.max == expected.max()
    assert age.numeric.mean == pytest.approx(expected.mean())
    assert age.numeric.std == pytest.approx(expected.std())
    assert age.numeric.quantiles["p50"] == pytest.approx(expected.quantile(0.5), abs=1)
    counts, _ = np.histogram(expected, bins=20)
    assert [b.count for b in age.numeric.histogram] == counts.tolist()


def test_categorical_column_matches_pandas(adult) -> None:
    stats, frame = adult
    workclass = next(c for c in stats.columns if c.name == "column_2")
    expected = frame["column_2"].value_counts()
    assert workclass.nulls == 1836 and workclass.count == 32_561 - 1836
    assert workclass.distinct == len(expected)
    assert [(c.value, c.count) for c in workclass.top_categories] == list(expected.items())


def test_correlation_matrix(adult) -> None:
    stats, frame = adult
    matrix = stats.correlation
    assert matrix.sample_size == 32_561
    names = matrix.columns
    age, hours = names.index("column_1"), names.index("column_13")
    expected = frame["column_1"].corr(frame["column_13"])
    assert matrix.values[age][hours] == pytest.approx(expected, abs=1e-6)
    sex, relationship = names.index("column_10"), names.index("column_8")
    assert 0.5 < matrix.values[sex][relationship] <= 1  # Cramér's V: husband/wife vs sex
    assert all(v is None or -1 <= v <= 1 for row in matrix.values for v in row)


def test_stats_are_json_without_nan(run_ingest, fs, out_path: str) -> None:
    run_ingest(b"a,b,d\n1,x,2021-01-01\n,,2021-02-01\n")
    stats = compute_stats(fs, out_path)
    text = stats.model_dump_json()
    assert "NaN" not in text
    column = json.loads(text)["columns"][0]
    assert column["nulls"] == 1 and column["numeric"]["std"] is None
    assert stats.columns[2].datetime_max == "2021-02-01T00:00:00"


def test_histograms_are_exact_whether_distinct_values_were_kept_or_not(fs, tmp_path) -> None:
    """Columns whose distinct values are all kept are binned from them and their counts,
    the others (past the distinct cap) read back from the table: every bin counts what
    numpy counts on all the finite values, and dates too."""
    rng = np.random.default_rng(7)
    rows = 150_000
    many = rng.normal(size=rows)  # past the cap of 100,000 distinct values
    few = rng.integers(-50, 50, rows).astype(float)
    for column in (many, few):
        column[::97], column[::1001], column[::13] = np.nan, np.inf, -0.0
    days = rng.integers(0, 40, rows) * 86_400
    seconds = rng.integers(0, 10**9, rows)
    path = str(tmp_path / "t.parquet")
    pq.write_table(
        pa.table(
            {
                "many": many,
                "few": few,
                "days": pa.array(days, pa.timestamp("s")),
                "seconds": pa.array(seconds, pa.timestamp("s")),
            }
        ),
        path,
        row_group_size=40_000,
    )
    stats = {c.name: c for c in compute_stats(fs, path).columns}
    assert stats["many"].distinct_approximate and not stats["few"].distinct_approximate
    assert stats["seconds"].distinct_approximate and not stats["days"].distinct_approximate
    for name, values in (("many", many), ("few", few)):
        finite = values[np.isfinite(values)]
        bins = [b.count for b in stats[name].numeric.histogram]
        assert bins == np.histogram(finite, bins=20)[0].tolist(), name
    for name, values in (("days", days), ("seconds", seconds)):
        histogram = stats[name].datetime_histogram or []
        assert len(histogram) == 20 and sum(b.count for b in histogram) == rows, name
        starts = [
            np.datetime64(b.start).astype("datetime64[s]").astype(np.int64) for b in histogram
        ]
        expected = np.bincount(np.searchsorted(starts, values, side="right") - 1, minlength=20)
        assert [b.count for b in histogram] == expected.tolist(), name
