"""CSV downloads write missing values and decimals the way the upload wrote them: adult's
`?` and airquality's `NA` instead of empty cells, mtcars' `21.0` (written by pandas) and
housing's `18.00` instead of `21` and `18`.

Before: every missing value came back as an empty cell whatever the file wrote, and a
column written with one decimal in every row (`8.0`, `7.5`) lost its `.0`. JSON Lines keep
null, Parquet null, SQL NULL, as before.
"""

from __future__ import annotations

import io
import json

import fsspec
import pandas as pd
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import ingest
from tests.corpus import shared_tables
from tests.services.training.faithful_world import FIXTURES, exported, ingested, sample, train


def _written(text: str) -> tuple[str | None, dict[str, int]]:
    """The missing-value token and the decimals ingestion finds in CSV text."""
    data = text.encode()
    fs = fsspec.filesystem("memory")
    result = ingest(lambda: io.BytesIO(data), fs=fs, out_path="/written.parquet")
    return result.missing_value, {c.name: c.decimals for c in result.columns if c.decimals}


def test_ingestion_finds_the_token_and_the_decimals_a_file_writes():
    assert _written("a,b\n8.0,NA\n7.5,3\n1.0,NA\n") == ("NA", {"a": 1})
    assert _written("a,b\n8.00,?\n-7.50,3\n") == ("?", {"a": 2})
    assert _written("a,b\n1.5,-\n2.5,3\n") == ("-", {"a": 1})  # a lone dash is missing too
    # The most common token of the table; empty cells win a tie.
    assert _written("a,b,c\nNA,,x\n1.5,4,N/A\n2.5,4,NA\n")[0] == "NA"
    assert _written("a,b\nNA,\n1.5,2\n")[0] is None
    assert _written("a,b\n1.5,2\n2.5,3\n")[0] is None  # nothing missing
    # Decimals that vary, or numbers not written plainly, are left to the shortest form.
    assert _written("a\n8\n7.5\n")[1] == {}
    assert _written("a\n8.0\n7.25\n")[1] == {}
    assert _written("a\n1.0e3\n2.0e3\n")[1] == {}
    assert _written('a\n"1,234.5"\n"2,000.0"\n')[1] == {}
    assert _written("a\n8.0\nabc\n")[1] == {}  # text


def _cells(csv_text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)


def test_adults_question_marks_come_back_as_question_marks(work):
    adult = ingested(shared_tables()["adult-test"], work)
    assert adult.metadata["missing_value"] == "?"
    batch = sample(train(adult, "gaussian_copula", work), 2000, work)
    rows = _cells(exported(batch, "csv"))
    occupation = rows["column_7"]  # `?` in 6 % of the real rows
    assert (occupation == "?").any() and not (occupation == "").any()
    assert not (rows == "").any().any()  # no empty cell anywhere
    assert set(occupation) - {"?"} <= set(adult.frame["column_7"].dropna())
    # JSON Lines, Parquet and SQL keep their own missing value.
    lines = [json.loads(line) for line in exported(batch, "jsonl").splitlines()]
    assert any(line["column_7"] is None for line in lines)
    assert "?" not in {line["column_7"] for line in lines}
    assert pq.read_table(batch).column("column_7").null_count == (occupation == "?").sum()
    sql = exported(batch, "sql")
    assert "NULL" in sql and "'?'" not in sql


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_r_written_na_comes_back_na_and_numbers_as_r_wrote_them(engine, work):
    air = ingested(FIXTURES / "airquality.csv", work)
    assert air.metadata["missing_value"] == "NA"
    rows = _cells(exported(sample(train(air, engine, work), 300, work), "csv"))
    ozone = rows["Ozone"]
    assert (ozone == "NA").any() and ozone[ozone != "NA"].str.fullmatch(r"\d+").all()
    # R writes Wind 7.4 and 8: decimals that vary are written in their shortest form.
    assert rows["Wind"].str.fullmatch(r"\d+(\.\d)?").all()
    assert not rows["Wind"].str.endswith(".0").any()


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_numbers_written_with_one_decimal_keep_it(engine, work):
    cars = ingested(FIXTURES / "mtcars.csv", work)
    decimals = {n: c.get("decimals") for n, c in cars.metadata["columns"].items()}
    assert {n: d for n, d in decimals.items() if d} == {"mpg": 1, "disp": 1}
    rows = _cells(exported(sample(train(cars, engine, work), 200, work), "csv"))
    for column in ("mpg", "disp"):  # 21.0, 160.0 in the upload
        assert rows[column].str.fullmatch(r"\d+\.\d").all(), rows[column].head().tolist()
    assert rows["mpg"].str.endswith(".0").any()
    assert rows["cyl"].str.fullmatch(r"\d").all()  # whole numbers stay whole
    assert rows["wt"].str.fullmatch(r"\d+(\.\d{1,3})?").all()  # 2.62, 2.875: as short as may be
    assert not rows["wt"].str.fullmatch(r"\d+\.\d{2}0").any()


def test_shared_tables_written_with_fixed_decimals_keep_them(work):
    housing = ingested(shared_tables()["housing"], work)
    assert housing.metadata["missing_value"] is None  # nothing missing: empty cells stay
    rows = _cells(exported(sample(train(housing, "gaussian_copula", work), 100, work), "csv"))
    assert rows["column_2"].str.fullmatch(r"\d+\.\d\d").all()  # 18.00, 0.00, 12.50
    assert rows["column_5"].str.fullmatch(r"\d\.\d{4}").all()  # 0.5380
    assert rows["column_4"].isin(["0", "1"]).all()  # the 0/1 flag


def test_the_other_fixtures_and_shared_tables_keep_empty_cells(work):
    tokens = {}
    for path in [*FIXTURES.glob("*.csv"), *shared_tables().values()]:
        data = path.read_bytes()
        fs = fsspec.filesystem("memory")
        tokens[path.stem] = ingest(
            lambda data=data: io.BytesIO(data), fs=fs, out_path="/t.parquet"
        ).missing_value
    assert {k: v for k, v in tokens.items() if v} == {
        "airquality": "NA",
        "covid_testing": "NA",
        "mpls_stops": "NA",
        "pbc": "NA",
        "penguins": "NA",
        "adult-train": "?",
        "adult-test": "?",
    }
