"""Metadata inference (sdtypes, PII, datetime format, primary key) and user corrections."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest

from services.datasets.ingest import (
    ColumnUpdate,
    MetadataError,
    MetadataUpdate,
    infer_metadata,
    validate_metadata_update,
)
from tests import adult


@pytest.fixture
def people() -> pd.DataFrame:
    count = 60
    return pd.DataFrame(
        {
            "user_id": [str(uuid.UUID(int=i + 1)) for i in range(count)],
            "contact": [f"person{i}@example.org" for i in range(count)],
            "mobile": [f"+44 20 7946 {i:04d}" for i in range(count)],
            "first_name": ["Ann", "Bob", "Cleo"] * 20,
            "signup": [f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/2021" for i in range(count)],
            "active": ["yes", "no"] * 30,
            "age": [20 + i % 40 for i in range(count)],
            "plan": ["free", "pro", "team"] * 20,
        }
    )


def test_adult_types(run_ingest, adult_path: Path) -> None:
    _, table = run_ingest(adult_path, column_names=adult.COLUMNS)
    metadata = infer_metadata(table.slice(0, 5000).to_pandas(), row_count=table.num_rows)
    columns = metadata.columns
    assert columns["age"].sdtype == "numerical"
    assert columns["education"].sdtype == "categorical"
    assert columns["sex"].sdtype == "categorical"
    assert columns["income"].sdtype == "categorical"
    assert metadata.primary_key is None
    assert not any(column.pii for column in columns.values())


def test_people_types(people: pd.DataFrame) -> None:
    metadata = infer_metadata(people, row_count=len(people))
    sdtypes = {name: column.sdtype for name, column in metadata.columns.items()}
    assert sdtypes == {
        "user_id": "id",
        "contact": "email",
        "mobile": "phone_number",
        "first_name": "first_name",
        "signup": "datetime",
        "active": "boolean",
        "age": "numerical",
        "plan": "categorical",
    }
    assert metadata.columns["signup"].datetime_format == "%d/%m/%Y"
    assert metadata.primary_key == "user_id"
    assert metadata.columns["contact"].pii and not metadata.columns["plan"].pii


def test_first_names_with_middle_initials_are_pii(run_ingest, tmp_path: Path) -> None:
    # vega-datasets' LA riots table: half of its first names carry an initial or a middle
    # name ("Cesar A.", "Dennis Ray"). The column was a category, so every synthetic row
    # named a real victim while the surname beside it was fake.
    from vega_datasets import local_data

    path = tmp_path / "la-riots.csv"
    local_data.la_riots().to_csv(path, index=False)
    _, table = run_ingest(path)
    metadata = infer_metadata(table.to_pandas(), row_count=table.num_rows)
    kinds = {name: (c.sdtype, c.pii) for name, c in metadata.columns.items() if c.pii}
    assert kinds == {
        "first_name": ("first_name", True),
        "last_name": ("last_name", True),
        "address": ("address", True),
    }
    assert metadata.columns["neighborhood"].sdtype == "categorical"


def test_metadata_is_json(people: pd.DataFrame) -> None:
    metadata = infer_metadata(people, row_count=len(people))
    assert type(metadata).model_validate_json(metadata.model_dump_json()) == metadata


def test_valid_update_is_applied(people: pd.DataFrame) -> None:
    current = infer_metadata(people, row_count=len(people))
    update = MetadataUpdate(
        columns={"plan": ColumnUpdate(sdtype="id"), "age": ColumnUpdate(sdtype="categorical")},
        primary_key="plan",
    )
    with pytest.raises(MetadataError):
        validate_metadata_update(current, update, sample=people)
    update.primary_key = ""
    updated = validate_metadata_update(current, update, sample=people)
    assert updated.primary_key is None and updated.columns["age"].sdtype == "categorical"


def test_invalid_update_names_every_column(people: pd.DataFrame) -> None:
    current = infer_metadata(people, row_count=len(people))
    update = MetadataUpdate(
        columns={
            "nope": ColumnUpdate(sdtype="categorical"),
            "plan": ColumnUpdate(sdtype="numerical"),
            "age": ColumnUpdate(sdtype="colour"),
            "signup": ColumnUpdate(sdtype="datetime", datetime_format="%Y-%m-%d"),
            "first_name": ColumnUpdate(sdtype="datetime"),
        },
        primary_key="active",
    )
    with pytest.raises(MetadataError) as caught:
        validate_metadata_update(current, update, sample=people)
    problems = dict(caught.value.problems)
    assert problems["nope"] == "unknown column"
    assert "not numbers" in problems["plan"]
    assert "unknown sdtype 'colour'" in problems["age"]
    assert "does not parse" in problems["signup"]
    assert "datetime_format" in problems["first_name"]
    assert "not unique" in problems["active"]
    assert "'plan'" in str(caught.value)
