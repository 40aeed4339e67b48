"""Ingestion and metadata on public tables of every shape: what a user sees in
`dataset { columns { name sdtype pii datetimeFormat } primaryKey }` after an upload."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from services.datasets.ingest import CategoricalRule, DatasetMetadata, infer_metadata
from tests.corpus import TXHOUSING, airports_csv, cars_csv, customers_csv, shared_tables

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "faithful"


def _metadata(run_ingest, path: Path, **rule: float) -> tuple[pd.DataFrame, DatasetMetadata]:
    result, table = run_ingest(path)
    frame = table.to_pandas()
    formats = {c.name: c.datetime_format for c in result.columns if c.datetime_format}
    metadata = infer_metadata(
        frame,
        row_count=len(frame),
        datetime_formats=formats,
        categorical_rule=CategoricalRule(**rule),
    )
    return frame, metadata


def _sdtypes(metadata: DatasetMetadata) -> dict[str, str]:
    return {name: column.sdtype for name, column in metadata.columns.items()}


def test_quoted_labels_lose_their_quotes(run_ingest) -> None:
    # mammography.csv writes its class as '-1' / '1'.
    frame, metadata = _metadata(run_ingest, shared_tables()["mammography"])
    assert sorted(frame["column_7"].unique()) == [-1, 1]
    assert metadata.columns["column_7"].sdtype == "categorical"


def test_quotes_stay_when_only_some_values_have_them(run_ingest) -> None:
    _, table = run_ingest(b"band,n\n'40-49',1\n50-59,2\n'60-69',3\n")
    assert table.column("band").to_pylist() == ["'40-49'", "50-59", "'60-69'"]
    _, table = run_ingest(b"band,n\n'40-49',1\n'50-59',2\n")
    assert table.column("band").to_pylist() == ["40-49", "50-59"]


def test_numbers_with_thousands_separators_are_numbers(run_ingest) -> None:
    # A spreadsheet export: salaries written "54,859" were 400 text categories, so the
    # engines copied real salaries and the report scored pairs of spurious associations.
    rows = "".join(
        f'"{s:,}","{s * 10.5:,.2f}",{s % 7},"{s % 3},5"\n' for s in range(900, 60_000, 97)
    )
    frame, metadata = _metadata(run_ingest, b"salary,budget,team,ratio\n" + rows.encode())
    assert frame["salary"].dtype == "int64" and frame["salary"].max() == 59_973
    assert frame["budget"].dtype == "float64" and frame["budget"].iloc[-1] == 629_716.5
    assert metadata.columns["salary"].sdtype == "numerical"
    assert metadata.columns["budget"].sdtype == "numerical"
    # A decimal comma ("2,5") is not a thousands separator: that column is 2.5.
    assert frame["ratio"].dtype == "float64" and frame["ratio"].iloc[0] == 0.5


def test_months_are_dates_and_a_unique_count_is_no_key(run_ingest) -> None:
    frame, metadata = _metadata(run_ingest, shared_tables()["monthly-car-sales"])
    assert metadata.columns["Month"].sdtype == "datetime"
    assert metadata.columns["Month"].datetime_format == "%Y-%m"
    assert frame["Month"].min() == pd.Timestamp("1960-01-01")
    # Sales are unique numbers, not an id: no primary key.
    assert metadata.columns["Sales"].sdtype == "numerical"
    assert metadata.primary_key is None


@pytest.mark.parametrize(
    ("table", "column"),
    [("glass", "column_10"), ("winequality-red", "column_12"), ("housing", "column_4")],
)
def test_integer_codes_are_categorical(run_ingest, table: str, column: str) -> None:
    frame, metadata = _metadata(run_ingest, shared_tables()[table])
    assert pd.api.types.is_integer_dtype(frame[column])
    assert metadata.columns[column].sdtype == "categorical"


def test_the_categorical_rule_is_a_setting(run_ingest) -> None:
    # glass's class has 6 codes: with at most 5 distinct values allowed it stays a number,
    # while measurements of many distinct values never become categories.
    _, metadata = _metadata(run_ingest, shared_tables()["glass"], max_distinct=5)
    assert metadata.columns["column_10"].sdtype == "numerical"
    _, metadata = _metadata(run_ingest, shared_tables()["haberman"])
    assert _sdtypes(metadata) == {
        "column_1": "numerical",
        "column_2": "numerical",  # year of operation: 12 values
        "column_3": "numerical",
        "column_4": "categorical",  # the 1/2 coded outcome
    }


def test_product_model_names_are_not_people(run_ingest, tmp_path: Path) -> None:
    _, metadata = _metadata(run_ingest, cars_csv(tmp_path / "cars.csv"))
    assert metadata.columns["Name"].sdtype == "categorical"
    assert not metadata.columns["Name"].pii
    assert metadata.columns["Cylinders"].sdtype == "categorical"
    assert metadata.columns["Year"].sdtype == "datetime"


def test_airport_codes_are_ids_and_airport_names_are_not_people(run_ingest, tmp_path: Path) -> None:
    _, metadata = _metadata(run_ingest, airports_csv(tmp_path / "airports.csv"))
    assert metadata.columns["iata"].sdtype == "id"
    assert metadata.columns["name"].sdtype == "categorical" and not metadata.columns["name"].pii
    assert metadata.columns["city"].sdtype == "city" and metadata.columns["city"].pii
    assert metadata.columns["country"].sdtype == "categorical"


def test_a_panel_of_cities_keeps_its_cities(run_ingest) -> None:
    # Six Texan cities, 36 months each: the table's dimension, not where someone lives.
    # As PII they came out as 1,409 invented towns ("South Dianastad") in 2,000 rows.
    _, metadata = _metadata(run_ingest, TXHOUSING)
    assert metadata.columns["city"].sdtype == "categorical"
    assert not metadata.columns["city"].pii


def test_customer_pii_and_phones(run_ingest, tmp_path: Path) -> None:
    _, metadata = _metadata(run_ingest, customers_csv(tmp_path / "customers.csv"))
    assert _sdtypes(metadata) == {
        "customer_id": "id",
        "name": "name",
        "email": "email",
        "phone": "phone_number",
        "ssn": "ssn",
        "city": "city",
        "signup_date": "datetime",
        "plan": "categorical",
        "monthly_spend": "numerical",
        "churned": "categorical",
    }
    assert metadata.primary_key == "customer_id"
    assert {n for n, c in metadata.columns.items() if c.pii} == {
        "name", "email", "phone", "ssn", "city"
    }  # fmt: skip


def test_unique_model_names_without_spaces_are_labels_not_ids(run_ingest) -> None:
    # Cars93 writes its car models as one word each ("Integra", "LeSabre", "Grand_Prix",
    # "535i"), unique in the table. Taken for codes, they were the primary key and came out
    # as made-up ids in their shape: "Sqjnxt", "Nmdrik" where a user expects "Integra".
    _, metadata = _metadata(run_ingest, FIXTURES / "cars93_models.csv")
    assert metadata.columns["Model"].sdtype == "categorical"
    assert metadata.primary_key is None
