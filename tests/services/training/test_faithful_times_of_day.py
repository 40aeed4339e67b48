"""A pizzeria's order lines (gt's pizzaplace): an order number `2015-000002` on each of the
order's lines, and the time of day in a column of its own (`11:57:40`) beside the date.

Before: the time of day was taken for an IPv6 address (digits and colons), so every
synthetic pizza was ordered at `86.228.88.182`, a fake IP, and the column was PII; and the
order number, repeated on the lines of one order, was no running number (that had to be
unique) but a phone number by its shape: `(564) 664-9257`.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
import sqlalchemy as sa

from services.datasets.ingest import infer_metadata
from tests.conftest import create_database
from tests.services.training.faithful_world import (
    FIXTURES,
    QUICK_PARAMS,
    exported,
    ingested,
    sample,
    train,
)


def test_a_time_of_day_is_a_time_and_an_order_number_an_id(pizzas):
    columns = pizzas.metadata["columns"]
    assert columns["time"] == {"sdtype": "datetime", "datetime_format": "%H:%M:%S"}
    assert columns["id"] == {"sdtype": "id"}
    assert pizzas.metadata["primary_key"] is None  # an order's lines share its number


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_synthetic_pizzas_are_ordered_at_a_time_with_an_order_number(engine, pizzas, work):
    real = pd.read_csv(FIXTURES / "pizzaplace.csv", dtype=str)
    csv_text = exported(
        sample(train(pizzas, engine, work, **QUICK_PARAMS[engine]), 300, work), "csv"
    )
    rows = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    assert rows["time"].str.fullmatch(r"\d\d:\d\d:\d\d").all(), rows["time"].head().tolist()
    assert rows["time"].between(real["time"].min(), real["time"].max()).all()
    assert rows["id"].str.fullmatch(r"2015-\d{6}").all(), rows["id"].head().tolist()
    assert rows["date"].str.fullmatch(r"2015-\d\d-\d\d").all()


def test_times_written_without_a_leading_zero_keep_it_off(work):
    path = work / "shifts.csv"
    times = [f"{h}:{m:02d}" for h in range(6, 22) for m in (0, 15, 30, 45)]
    pd.DataFrame({"start": times, "staff": range(len(times))}).to_csv(path, index=False)
    shifts = ingested(path, work)
    assert shifts.metadata["columns"]["start"]["sdtype"] == "datetime"
    rows = pd.read_csv(
        io.StringIO(exported(sample(train(shifts, "gaussian_copula", work), 200, work), "csv")),
        dtype=str,
    )
    assert rows["start"].str.fullmatch(r"([6-9]|1\d|2[01]):\d\d").all(), rows["start"].head()


def test_addresses_are_still_addresses():
    ips = pd.DataFrame(
        {
            "v4": [f"10.0.{i}.{i * 7 % 250}" for i in range(60)],
            "v6": [f"2001:db8:85a3::8a2e:370:{i:x}" for i in range(60)],
            "full": [f"fe80:0:0:0:202:b3ff:fe1e:{i:x}" for i in range(60)],
        }
    )
    columns = infer_metadata(ips, row_count=60).columns
    assert {name: c.sdtype for name, c in columns.items()} == dict.fromkeys(ips, "ip_address")


def test_a_sql_download_loads_times_of_day_as_times(pizzas, work, postgres_server_url):
    # They were timestamps on 1 January 1900 ('1900-01-01 15:39:19').
    batch = sample(train(pizzas, "gaussian_copula", work), 50, work)
    script = exported(batch, "sql")
    assert '"time" time,' in script
    engine = sa.create_engine(create_database(postgres_server_url))
    with engine.begin() as conn:
        conn.exec_driver_sql(script)
        times = conn.exec_driver_sql('SELECT "time" FROM "synthetic"').scalars().all()
    engine.dispose()
    rows = pd.read_parquet(batch)
    assert times == [stamp.time() for stamp in rows["time"]]
    assert all(isinstance(t, dt.time) for t in times)
