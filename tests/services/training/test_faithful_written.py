"""Public tables written as their users write them: dates with month names, yes/no flags
written `True`/`False`, a column named like an id that holds one label. What a download
gives back is written the same way, with the real values.

Before: vega's stocks dates (`Jan 1 2000`) came back as `2009-11-01 00:00:00`; pandas'
`True`/`False` (HHS breach reports) as `true`/`false`; covid_testing's `test_id` (`covid` in
999 of 1,000 rows) was made anew as `covid4` by tabular_argn."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from services.datasets.ingest.typing_rules import ColumnTyper
from tests.services.training.faithful_world import (
    FIXTURES,
    Ingested,
    exported,
    ingested,
    sample,
    train,
)


def _downloaded(table: Ingested, engine: str, work: Path, rows: int) -> pd.DataFrame:
    """The CSV a user downloads, every cell as the text it is written as."""
    batch = sample(train(table, engine, work), rows, work)
    text = exported(batch, "csv")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _written(path: Path, column: str) -> list[str]:
    with path.open(newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_dates_written_with_month_names_come_back_so(engine, work):
    stocks = ingested(FIXTURES / "stocks.csv", work)
    assert stocks.metadata["columns"]["date"]["datetime_format"] == "%b %-d %Y"
    rows = _downloaded(stocks, engine, work, 500)
    dates = rows["date"]
    # Written as the file writes them: `Jan 1 2000`, not `Jan 01 2000`.
    assert dates.str.fullmatch(r"[A-Z][a-z]{2} [1-9]\d? \d{4}").all(), dates.head().tolist()
    parsed = pd.to_datetime(dates, format="%b %d %Y")
    real = pd.to_datetime(pd.Series(_written(FIXTURES / "stocks.csv", "date")), format="%b %d %Y")
    assert real.min() <= parsed.min() and parsed.max() <= real.max()
    assert (parsed.dt.day == 1).all()  # monthly prices: every real date is a 1st
    assert parsed.nunique() > 20


def test_month_name_formats_are_read_as_the_file_writes_them():
    def detected(values: list[str]) -> str | None:
        typer = ColumnTyper()
        typer.observe(pa.array(values))
        return typer.result().datetime_format

    assert detected(["Jan 1 2000", "May 12 2004"]) == "%b %-d %Y"
    assert detected(["January 1, 2000", "May 12, 2004"]) == "%B %-d, %Y"
    assert detected(["01-Jan-2000", "31-Dec-1999"]) == "%d-%b-%Y"
    assert detected(["Mar 2024", "Apr 2024"]) == "%b %Y"  # not day 20 of the year 24
    # Text that is no date stays text.
    assert detected(["Feb 30 2001", "Jan 1 2001"]) is None
    assert detected(["Apt 12", "Suite 1200"]) is None
    assert detected(["Married-civ-spouse", "Never-married"]) is None


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_true_false_flags_come_back_as_the_file_wrote_them(engine, work):
    breaches = ingested(FIXTURES / "hhs_breaches.csv", work)
    assert breaches.metadata["columns"]["Business.Associate.Present"]["sdtype"] == "boolean"
    rows = _downloaded(breaches, engine, work, 600)
    flags = rows["Business.Associate.Present"]
    assert set(flags) == {"True", "False"}
    real = pd.Series(_written(FIXTURES / "hhs_breaches.csv", "Business.Associate.Present"))
    assert abs((flags == "True").mean() - (real == "True").mean()) < 0.1
    dates = rows["Breach.Submission.Date"]
    assert dates.str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()


def test_only_lower_case_true_false_become_bools():
    def arrow_type(values: list[str]) -> str:
        typer = ColumnTyper()
        typer.observe(pa.array(values))
        return typer.result().arrow

    assert arrow_type(["true", "false"]) == "bool"  # as every download writes a bool
    assert arrow_type(["True", "False"]) == "string"  # pandas
    assert arrow_type(["TRUE", "FALSE"]) == "string"  # R, spreadsheets


def test_a_label_in_an_id_named_column_is_kept_not_made_anew(work):
    covid = ingested(FIXTURES / "covid_testing.csv", work)
    assert covid.metadata["columns"]["test_id"]["sdtype"] == "categorical"
    rows = _downloaded(covid, "tabular_argn", work, 1_000)
    real = set(_written(FIXTURES / "covid_testing.csv", "test_id"))
    assert set(rows["test_id"]) <= real
    assert (rows["test_id"] == "covid").mean() > 0.95


def test_ids_that_repeat_stay_ids(work):
    """A customer id beside each order (repeating, no value in most rows) is still an id."""
    orders = pd.DataFrame(
        {
            "order_no": range(1_000),
            "customer_id": [f"C{(i * 7) % 300:04d}" for i in range(1_000)],
            "total": [round(10 + (i * 37) % 200 * 0.5, 2) for i in range(1_000)],
        }
    )
    path = work / "orders.csv"
    orders.to_csv(path, index=False)
    assert ingested(path, work).metadata["columns"]["customer_id"]["sdtype"] == "id"
