"""Datasets domain logic for the tables of a dataset: the tables added to it (their rows,
their ingestion) and the relations between its tables, which relating detects and an
editor sets. The dataset itself, its project and the access rules are in ``service``.

Every function takes the session as a keyword and runs in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.contracts.relational import MAX_TABLES
from common.errors import AlreadyExists, FailedPrecondition, NotFound
from common.ids import parse_id
from services.datasets import files
from services.datasets.ingest import IngestOptions
from services.datasets.models import EDITOR, FAILED, INGESTING, READY, Dataset, DatasetTable
from services.datasets.relations import Relations, without_table
from services.datasets.service import existing_ids, get_dataset, require_ready, utcnow
from services.datasets.tables import first_table_name, validate_table_name

# --- tables added to a dataset ----------------------------------------------------------


def check_new_table(*, session: Session, user_id: str, dataset_id: str, name: str) -> Dataset:
    """The ready dataset an editor adds a table named ``name`` to, when there is room and
    the name is free (a FAILED table's name is free: the new upload replaces it)."""
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    require_ready(dataset)
    kept = [t for t in dataset.added_tables if not (t.name == name and t.status == FAILED)]
    if name in (first_table_name(dataset), *(t.name for t in kept)):
        raise AlreadyExists(f"the dataset already has a table {name!r}", reason="TABLE_EXISTS")
    if 1 + len(kept) >= MAX_TABLES:
        raise FailedPrecondition(
            f"a dataset holds at most {MAX_TABLES} tables", reason="TOO_MANY_TABLES"
        )
    return dataset


def create_table(
    *,
    session: Session,
    user_id: str,
    dataset_id: str,
    table_id: str,
    name: str,
    file_name: str,
    options: IngestOptions,
    size_bytes: int,
) -> tuple[DatasetTable, str | None]:
    """The row of a table whose bytes are stored, INGESTING until the worker reports, and
    the id of the FAILED table of that name it replaces (whose files the caller removes).
    The dataset row is locked, so two uploads cannot both take the last place or a name."""
    validate_table_name(name)
    session.get(Dataset, parse_id(dataset_id, "dataset_id"), with_for_update=True)
    dataset = check_new_table(session=session, user_id=user_id, dataset_id=dataset_id, name=name)
    replaced = next((t for t in dataset.added_tables if t.name == name), None)
    if replaced is not None:
        dataset.added_tables.remove(replaced)
        session.flush()
    table = DatasetTable(
        id=uuid.UUID(table_id),
        dataset_id=dataset.id,
        position=max((t.position for t in dataset.added_tables), default=0) + 1,
        name=name,
        file_name=file_name,
        status=INGESTING,
        created_by=parse_id(user_id, "user_id"),
        options=options.stored(),
        size_bytes=size_bytes,
    )
    dataset.added_tables.append(table)
    dataset.updated_at = utcnow()
    session.flush()
    return table, str(replaced.id) if replaced is not None else None


def remove_table(*, session: Session, user_id: str, dataset_id: str, name: str) -> str:
    """Removes the added table ``name`` (READY or FAILED) with its links and sequence; the
    files' unit, for the caller to delete once committed."""
    session.get(Dataset, parse_id(dataset_id, "dataset_id"), with_for_update=True)
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    if name == first_table_name(dataset):
        raise FailedPrecondition(
            f"{name!r} is the table the dataset was uploaded with; delete the dataset instead",
            reason="FIRST_TABLE",
        )
    table = next((t for t in dataset.added_tables if t.name == name), None)
    if table is None:
        raise NotFound(f"the dataset has no table {name[:80]!r}", reason="TABLE_NOT_FOUND")
    if table.status == INGESTING:
        raise FailedPrecondition(
            f"table {name!r} is still being ingested; remove it once it is ready or failed",
            reason="TABLE_INGESTING",
        )
    relations = without_table(Relations.model_validate(dataset.relations or {}), name)
    dataset.relations = relations.model_dump(mode="json")
    dataset.added_tables.remove(table)
    dataset.updated_at = utcnow()
    return files.table_unit(str(dataset.id), str(table.id))


def ingesting_tables(*, session: Session) -> list[tuple[str, str, dict[str, Any]]]:
    """(dataset id, table id, options) of every added table still INGESTING."""
    rows = session.execute(
        select(DatasetTable.dataset_id, DatasetTable.id, DatasetTable.options).where(
            DatasetTable.status == INGESTING
        )
    ).all()
    return [(str(d), str(t), options) for d, t, options in rows]


def existing_table_ids(*, session: Session, table_ids: list[str]) -> list[str]:
    return existing_ids(session, DatasetTable, table_ids)


# --- relations between the tables -------------------------------------------------------


@dataclass(frozen=True)
class ReadyTable:
    """What relating needs of one ready table: its files' unit and its columns."""

    name: str
    unit: str
    columns: dict[str, str]  # name -> Arrow type, in file order
    primary_key: str | None
    # Columns whose metadata says datetime (text ones too: ISO strings with a zone, ...).
    datetimes: frozenset[str] = frozenset()
    row_count: int = 0


def ready_tables(dataset: Dataset, *, pending: str = "") -> list[ReadyTable]:
    """The dataset's READY tables, and the one of id ``pending`` (the dataset's own id for
    its first table) that finished ingesting and is being related."""

    def included(row: Dataset | DatasetTable) -> bool:
        return row.status == READY or (
            str(row.id) == pending and row.status == INGESTING and bool(row.columns)
        )

    rows: list[tuple[str, Dataset | DatasetTable, str]] = []
    if included(dataset):
        rows.append((first_table_name(dataset), dataset, str(dataset.id)))
        for table in dataset.added_tables:
            if included(table):
                unit = files.table_unit(str(dataset.id), str(table.id))
                rows.append((table.name, table, unit))
    return [
        ReadyTable(
            name=name,
            unit=unit,
            columns={c["name"]: c["type"] for c in row.columns},
            primary_key=(row.table_metadata or {}).get("primary_key"),
            datetimes=frozenset(
                column
                for column, described in (row.table_metadata or {}).get("columns", {}).items()
                if described.get("sdtype") == "datetime"
            ),
            row_count=row.row_count,
        )
        for name, row, unit in rows
    ]


def save_relations(
    *,
    session: Session,
    dataset_id: str,
    relations: Relations,
    primary_keys: dict[str, str | None],
) -> Dataset | None:
    """Stores the relations, and the primary keys of tables that had none."""
    dataset = session.get(Dataset, parse_id(dataset_id, "dataset_id"), with_for_update=True)
    if dataset is None:
        return None
    for name, row in _tables_by_name(dataset).items():
        metadata = dict(row.table_metadata or {})
        if name in primary_keys and primary_keys[name] != metadata.get("primary_key"):
            metadata["primary_key"] = primary_keys[name]
            row.table_metadata = metadata
    dataset.relations = relations.model_dump(mode="json")
    dataset.updated_at = utcnow()
    return dataset


def _tables_by_name(dataset: Dataset) -> dict[str, Dataset | DatasetTable]:
    return {
        first_table_name(dataset): dataset,
        **{table.name: table for table in dataset.added_tables},
    }


def save_relationships(
    *,
    session: Session,
    user_id: str,
    dataset_id: str,
    relations: Relations,
    primary_keys: dict[str, str | None],
) -> Dataset:
    """Stores relations an editor set (checked by the caller against the data)."""
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    require_ready(dataset)
    saved = save_relations(
        session=session, dataset_id=dataset_id, relations=relations, primary_keys=primary_keys
    )
    assert saved is not None  # the row is locked and was there just above
    return saved


def holdout_options(dataset: Dataset) -> tuple[float, int]:
    """The holdout fraction and seed of the dataset's upload, which every table's split uses."""
    options = IngestOptions.model_validate(dataset.options)
    return options.holdout_fraction, options.seed


def save_split_counts(
    *, session: Session, dataset_id: str, counts: dict[str, tuple[int, int]]
) -> Dataset | None:
    """Records each table's train and holdout rows after a split by root entity."""
    dataset = session.get(Dataset, parse_id(dataset_id, "dataset_id"), with_for_update=True)
    if dataset is None:
        return None
    for name, row in _tables_by_name(dataset).items():
        if name in counts:
            row.train_row_count, row.holdout_row_count = counts[name]
    dataset.updated_at = utcnow()
    return dataset
