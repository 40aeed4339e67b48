"""Synthetic rows written the way the uploaded file wrote its values: dates without leading
zeros (`11/3/2016`) and with two-digit years (`1/5/13`), whole numbers with missing values
(`41`, not `41.0`).

Before: FiveThirtyEight's poll dates (`11/3/2016`) came back `11/03/2016`; `1/5/13` was
read as the year 13; airquality's `Ozone` (41, NA, 36) came out of the SDK's `to_pandas()`
as float64 41.0, NaN.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest.typing_rules import ColumnTyper
from synthetica_client._batches import frame_of
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    exported,
    ingested,
    sample,
    train,
)

UNPADDED_DATE = r"[1-9]\d?/[1-9]\d?/\d{4}"


def _detected(values: list[str]) -> tuple[str | None, list]:
    typer = ColumnTyper()
    typer.observe(pa.array(values))
    kind = typer.result()
    parsed = kind.convert(pa.array(values)).to_pylist() if kind.datetime_format else []
    return kind.datetime_format, parsed


def test_dates_are_read_with_the_padding_and_years_the_file_writes():
    fmt, parsed = _detected(["1/5/2013", "12/25/2014"])
    assert fmt == "%-m/%-d/%Y" and str(parsed[0]) == "2013-01-05 00:00:00"
    fmt, parsed = _detected(["1/5/13", "12/25/14", "3/7/99"])
    assert fmt == "%-m/%-d/%y"
    assert [str(p.date()) for p in parsed] == ["2013-01-05", "2014-12-25", "1999-03-07"]
    assert _detected(["1/5/2013 8:05", "12/25/2014 10:30"])[0] == "%-m/%-d/%Y %-H:%M"
    assert _detected(["1-Jan-13", "15-Feb-14"])[0] == "%-d-%b-%y"  # as Excel writes them
    assert _detected(["05.01.13", "25.12.14"])[0] is None  # no dotted two-digit years
    assert _detected(["1/2/3", "4/5/6"])[0] is None  # a year has two digits or four
    # False alarms: padded dates stay padded, and values that never tell stay plain.
    assert _detected(["01/05/2013", "12/25/2014"])[0] == "%m/%d/%Y"
    assert _detected(["10/15/2013", "12/25/2014"])[0] == "%m/%d/%Y"
    assert _detected(["2013-01-05", "2014-12-25"])[0] == "%Y-%m-%d"


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_unpadded_poll_dates_come_back_unpadded(engine, work):
    polls = ingested(FIXTURES / "polls_2016.csv", work)
    assert polls.metadata["columns"]["startdate"]["datetime_format"] == "%-m/%-d/%Y"
    batch = sample(train(polls, engine, work), 300, work)
    rows = pd.read_csv(io.StringIO(exported(batch, "csv")), dtype=str, keep_default_na=False)
    for column in ("startdate", "enddate"):
        dates = rows[column]
        assert dates.str.fullmatch(UNPADDED_DATE).all(), dates.head().tolist()
        parsed = pd.to_datetime(dates, format="%m/%d/%Y")
        assert parsed.min() >= pd.Timestamp("2015-11-01") and parsed.max() <= pd.Timestamp(
            "2016-11-08"
        )
    assert rows["startdate"].str.match(r"[1-9]/").any()  # single-digit months, as written
    lines = exported(batch, "jsonl").splitlines()
    assert all(
        pd.Series([json.loads(line)["enddate"] for line in lines]).str.fullmatch(UNPADDED_DATE)
    )
    assert "'2016-" in exported(batch, "sql")  # SQL gets dates, as before


def test_shared_tables_and_fixtures_keep_their_padded_date_formats(work):
    formats = {}
    for name in ("daily-min-temperatures", "monthly-car-sales", "adult-test"):
        table = ingested(shared_tables()[name], work)
        formats[name] = [c.get("datetime_format") for c in table.metadata["columns"].values()]
    weather = ingested(FIXTURES / "seattle_weather.csv", work)
    formats["seattle"] = [weather.metadata["columns"]["date"]["datetime_format"]]
    breaches = ingested(FIXTURES / "hhs_breaches.csv", work)
    formats["hhs"] = [breaches.metadata["columns"]["Breach.Submission.Date"]["datetime_format"]]
    assert {k: [f for f in v if f] for k, v in formats.items()} == {
        "daily-min-temperatures": ["%Y-%m-%d"],
        "monthly-car-sales": ["%Y-%m"],
        "adult-test": [],
        "seattle": ["%Y/%m/%d"],
        "hhs": ["%m/%d/%Y"],
    }


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_whole_numbers_with_missing_values_stay_whole(engine, work):
    air = ingested(FIXTURES / "airquality.csv", work)
    batch = sample(train(air, engine, work), 300, work)
    frame = frame_of(pq.read_table(batch))
    # What `batch.to_pandas()` gives a user: 41 and <NA>, not 41.0 and NaN.
    assert str(frame["Ozone"].dtype) == "Int64" and frame["Ozone"].isna().any()
    assert str(frame["Solar.R"].dtype) == "Int64"
    assert str(frame["Temp"].dtype) == "int64"  # no missing value: plain int64, as before
    assert frame["Wind"].dtype == "float64"
    assert ".0" not in frame["Ozone"].astype(str).str.cat()
    csv_text = exported(batch, "csv")
    ozone = pd.read_csv(io.StringIO(csv_text), dtype=str)["Ozone"].dropna()
    assert ozone.str.fullmatch(r"\d+").all(), ozone.head().tolist()
    jsonl = [json.loads(line)["Ozone"] for line in exported(batch, "jsonl").splitlines()]
    assert {type(v) for v in jsonl} == {int, type(None)}


def test_the_space_after_each_comma_is_layout_not_data(work):
    # adult writes `25, Private, 226802, 11th, ..., Male`: every category reads as
    # itself, without the space (the README's Ingestion says what was chosen, and that a
    # quoted value's own spaces are trimmed too).
    adult = ingested(shared_tables()["adult-test"], work)
    text = adult.frame.select_dtypes(include="object")
    assert set(adult.frame["column_10"].dropna()) == {"Male", "Female"}
    for column in text.columns:
        values = text[column].dropna().astype(str)
        assert not (values.str.startswith(" ") | values.str.endswith(" ")).any(), column
