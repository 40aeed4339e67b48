"""Checks behind the DatasetsService RPCs that change a dataset's tables: the metadata an
editor sets on a table (against a sample of its data), the relations between the tables
(against the contract and the key columns' values), and a linked parent key left alone.
Blocking (they read the stored files): the servicer runs them in a thread.
"""

from __future__ import annotations

import dataclasses
import re

from common.contracts.relational import RelationalError
from common.errors import FieldViolation, InvalidArgument
from common.storage import Storage
from services.datasets import files, models
from services.datasets.ingest import (
    DatasetMetadata,
    MetadataError,
    MetadataUpdate,
    validate_metadata_update,
)
from services.datasets.relating import recount_problems
from services.datasets.relations import Relations, is_unique_key, schema_of
from services.datasets.table_service import ReadyTable
from services.datasets.tables import first_table_name


def validated_metadata(
    storage: Storage,
    sample_rows: int,
    table: models.Dataset | models.DatasetTable,
    unit: str,
    update: MetadataUpdate,
) -> DatasetMetadata:
    known = {c["name"] for c in table.columns}
    current_key = (table.table_metadata or {}).get("primary_key")
    # The primary key in force is checked again even when the update leaves it: without
    # it in the sample, correcting any column of a table with a key failed (KeyError).
    named = {
        *update.columns,
        *([update.primary_key] if update.primary_key else []),
        *([current_key] if current_key else []),
        *([update.target_column] if update.target_column else []),
    }
    sample = files.read_sample(
        storage,
        unit,
        columns=sorted(named & known),
        max_rows=sample_rows,
    )
    try:
        return validate_metadata_update(
            DatasetMetadata.model_validate(table.table_metadata), update, sample=sample
        )
    except MetadataError as exc:
        violations = [
            FieldViolation(f"metadata.columns.{column}", f"column {column!r}: {problem}")
            for column, problem in exc.problems
        ]
        raise InvalidArgument(str(exc), violations=violations, reason="INVALID_METADATA") from exc


def checked_relations(
    storage: Storage,
    tables: list[ReadyTable],
    keys: dict[str, str | None],
    relations: Relations,
) -> Relations:
    """The relations with their problems counted, or InvalidArgument with a violation
    per field: what the contract refuses, and a primary key whose values repeat."""
    tables = [
        dataclasses.replace(t, primary_key=keys[t.name]) if t.name in keys else t for t in tables
    ]
    names = [t.name for t in tables]
    violations = []
    try:
        schema_of(
            names,
            {t.name: list(t.columns) for t in tables},
            {t.name: t.primary_key for t in tables},
            relations,
        )
    except RelationalError as exc:
        violations = [
            FieldViolation(named_path(path, names), message) for path, message in exc.errors
        ]
    for table in tables:
        key = keys.get(table.name)
        if key and key in table.columns and not violations:
            column = files.read_columns(storage, table.unit, [key])[key]
            if not is_unique_key(column):
                violations.append(
                    FieldViolation(
                        f"tables.{table.name}.primaryKey",
                        f"{table.name}.{key} has repeated or null values",
                    )
                )
    if violations:
        raise InvalidArgument(
            "; ".join(f"{v.field}: {v.description}" for v in violations),
            violations=violations,
            reason="INVALID_RELATIONSHIPS",
        )
    return recount_problems(storage, tables, relations)


def named_path(path: str, names: list[str]) -> str:
    """``tables[2].primaryKey`` (the contract's index) as ``tables.orders.primaryKey``."""
    return re.sub(r"^tables\[(\d+)\]", lambda m: f"tables.{names[int(m.group(1))]}", path)


def keep_linked_key(
    dataset: models.Dataset,
    name: str,
    table: models.Dataset | models.DatasetTable,
    primary_key: str | None,
) -> None:
    """A parent's primary key that a link uses changes only with the link
    (updateDatasetRelationships): the contract would no longer hold."""
    current = (table.table_metadata or {}).get("primary_key")
    if primary_key == current:
        return
    name = name or first_table_name(dataset)
    relations = Relations.model_validate(dataset.relations or {})
    used = [k for k in relations.foreign_keys if k.parent_table == name]
    if used:
        key = used[0]
        raise InvalidArgument(
            f"{name}.{current} is the parent key of {key.child_table}.{key.child_column}: "
            "change the link with updateDatasetRelationships first",
            field="metadata.primary_key",
            reason="INVALID_METADATA",
        )
