"""Uploads whose values sit where arithmetic breaks: dates outside pandas' nanosecond range
(before 1678, after 2262), timestamps at the very end of their unit, a column of a single
date or number, "inf" and numbers near the float limit. Each is ingested (a crash failed the
upload), its histogram spans its own extremes and holds every value, and its preview rows
are valid JSON written as the file wrote them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common.storage import Storage
from services.datasets import files
from services.datasets.ingest import IngestLimits, IngestOptions, preview_rows
from services.datasets.ingest.process import ingest_dataset

ROWS = 40


def _ingest(tmp_path: Path, data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The upload's outcome and its first rows, as the datasets service makes them."""
    storage = Storage(f"file://{tmp_path}")
    with storage.open(files.upload_key("ds"), "wb") as upload:
        upload.write(data)
    outcome = ingest_dataset(
        {
            "storage_url": f"file://{tmp_path}",
            "storage_options": {},
            "dataset_id": "ds",
            "options": IngestOptions(),
            "limits": dataclasses.asdict(IngestLimits()),
        }
    )
    assert outcome["ok"], outcome
    formats = {
        name: column["datetime_format"]
        for name, column in outcome["metadata"]["columns"].items()
        if column.get("datetime_format")
    }
    path = storage.path(files.split_key("ds", "all"))
    return outcome, preview_rows(storage.fs, path, ROWS, date_formats=formats)


def _csv(values: list[str]) -> bytes:
    return ("d,n\n" + "".join(f"{v},{i}\n" for i, v in enumerate(values))).encode()


def _parquet(values: pa.Array) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"d": values, "n": list(range(len(values)))}), sink)
    return sink.getvalue()


def _column(outcome: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in outcome["stats"]["columns"] if c["name"] == name)


def _spans_its_extremes(column: dict[str, Any], count: int) -> list[dict[str, Any]]:
    bins = column["datetime_histogram"]
    assert bins[0]["start"] == column["datetime_min"]
    assert bins[-1]["end"] == column["datetime_max"]
    assert all(
        a["end"] == b["start"] and a["start"] <= a["end"] for a, b in itertools.pairwise(bins)
    )
    assert "NaT" not in json.dumps(bins)
    assert sum(b["count"] for b in bins) == count
    return bins


@pytest.mark.parametrize(
    ("dates", "first", "last"),
    [
        ([f"15{10 + i}-03-01" for i in range(ROWS)], "1510-03-01", "1549-03-01"),
        ([f"29{10 + i}-03-01" for i in range(ROWS)], "2910-03-01", "2949-03-01"),
        ([f"{1 + i % 3:04d}-01-01" for i in range(ROWS)], "0001-01-01", "0003-01-01"),
        ([f"{9999 - i % 3}-12-31" for i in range(ROWS)], "9997-12-31", "9999-12-31"),
    ],
)
def test_dates_outside_pandas_range_are_charted_and_previewed(tmp_path, dates, first, last):
    outcome, rows = _ingest(tmp_path, _csv(dates))
    month = _column(outcome, "d")
    assert month["type"] == "timestamp[s]"
    assert (month["datetime_min"], month["datetime_max"]) == (
        f"{first}T00:00:00",
        f"{last}T00:00:00",
    )
    assert len(_spans_its_extremes(month, ROWS)) == 20
    # As the file wrote them, four-digit years included ("0001", not "1").
    assert [row["d"] for row in rows] == dates


@pytest.mark.parametrize(
    "values",
    [
        pa.array(
            [
                dt.datetime(9999, 12, 31, 23, 59, 59, 999999) - dt.timedelta(days=7 * i)
                for i in range(ROWS)
            ],
            pa.timestamp("us"),
        ),
        pa.array([2**63 - 1 - i * 10**15 for i in range(ROWS)], pa.timestamp("ns")),
        pa.array([-(2**63) + 1 + i * 10**15 for i in range(ROWS)], pa.timestamp("ns")),
        pa.array(
            [1_600_000_000_000 + i * 86_400_000 for i in range(ROWS)],
            pa.timestamp("ms", tz="Europe/Paris"),
        ),
    ],
    ids=["us-9999", "ns-2262", "ns-1677", "ms-paris"],
)
def test_timestamps_at_the_end_of_their_unit_keep_exact_bounds(tmp_path, values):
    """As floats, edges near 2262 in nanoseconds wrapped round to "NaT", and the last edge
    of microseconds in 9999 rounded into year 10000 and failed the upload."""
    outcome, rows = _ingest(tmp_path, _parquet(values))
    column = _column(outcome, "d")
    assert column["datetime_min"] == min(values.to_pylist()).isoformat()
    assert column["datetime_max"] == max(values.to_pylist()).isoformat()
    assert len(_spans_its_extremes(column, ROWS)) == 20
    assert len(rows) == ROWS


@pytest.mark.parametrize(
    "data",
    [
        _csv(["2020-01-01"] * ROWS),
        _parquet(pa.array([dt.datetime(2020, 1, 1)] * ROWS, pa.timestamp("us"))),
        _parquet(pa.array([dt.datetime(2020, 1, 1)] * ROWS, pa.timestamp("ns"))),
    ],
    ids=["csv", "us", "ns"],
)
def test_a_single_date_is_one_bin_holding_every_row(tmp_path, data):
    """It was twenty bins from that date to itself (or, in microseconds and nanoseconds, a
    failed upload): a chart of identical labels."""
    outcome, _ = _ingest(tmp_path, data)
    bins = _spans_its_extremes(_column(outcome, "d"), ROWS)
    assert bins == [{"start": "2020-01-01T00:00:00", "end": "2020-01-01T00:00:00", "count": ROWS}]


@pytest.mark.parametrize(
    ("values", "low", "high", "finite"),
    [
        (["inf" if i % 4 == 0 else str(i) for i in range(ROWS)], 1.0, 39.0, 30),
        (["-inf", "inf"] * (ROWS // 2), None, None, 0),
        (["1e308" if i % 2 else "-1e308" for i in range(ROWS)], -1e308, 1e308, ROWS),
        (["1e17"] * ROWS, 1e17, 1e17, ROWS),
    ],
    ids=["some-inf", "all-inf", "near-float-max", "one-large-value"],
)
def test_numbers_where_float_arithmetic_breaks_are_ingested(tmp_path, values, low, high, finite):
    outcome, rows = _ingest(tmp_path, _csv(values))
    numeric = _column(outcome, "d")["numeric"]
    assert (numeric["min"], numeric["max"]) == (low, high)
    bins = numeric["histogram"]
    assert sum(b["count"] for b in bins) == finite
    if bins:
        assert (bins[0]["start"], bins[-1]["end"]) == (low, high)
    # Rows a browser can parse: JSON has no Infinity, so an infinite value is shown empty.
    json.dumps(rows, allow_nan=False)
