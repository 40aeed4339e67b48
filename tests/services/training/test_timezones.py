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
