"""Relating a dataset's stored tables (``relations.relate`` on their key-like columns), run
by the service in a thread after a table became ready, or after the user changed the links.

Only the columns that can be keys are read (id-like names, names that several tables share,
the keys in force) plus, for a new table with a time column, the columns a sequence could be
made of (a sequence is ordered by a time), so memory grows with the rows of those columns,
not with whole tables.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from common.storage import Storage
from services.datasets import files
from services.datasets.ingest.split import write_marks
from services.datasets.relations import (
    Relations,
    family_holdout,
    is_id_like,
    problems_of,
    relate,
    schema_of,
)
from services.datasets.table_service import ReadyTable

_SEQUENCE_TYPES = ("int", "uint", "string", "large_string", "timestamp", "date")
_TIME_TYPES = ("timestamp", "date")


def _has_time(table: ReadyTable) -> bool:
    """Whether a sequence could be ordered in the table: a column typed as a time, or text
    its metadata says holds datetimes (``relations.suggest_sequence`` needs one)."""
    return bool(table.datetimes) or any(t.startswith(_TIME_TYPES) for t in table.columns.values())


def _wanted(table: ReadyTable, shared: set[str], relations: Relations, new: bool) -> list[str]:
    named = {key.child_column for key in relations.foreign_keys if key.child_table == table.name}
    named |= {key.parent_column for key in relations.foreign_keys if key.parent_table == table.name}
    if table.primary_key:
        named.add(table.primary_key)
    sequence = relations.sequences.get(table.name)
    if sequence is not None:
        named |= {sequence.entity_key, sequence.order_column}
    sequence_columns = new and _has_time(table)
    return [
        column
        for column, data_type in table.columns.items()
        if column in named
        or column in shared
        or is_id_like(column, table.name)
        or (sequence_columns and data_type.startswith(_SEQUENCE_TYPES))
    ]


def _shared_names(tables: list[ReadyTable]) -> set[str]:
    counts = Counter(column for table in tables for column in table.columns)
    return {column for column, count in counts.items() if count > 1}


def read_key_columns(
    storage: Storage, tables: list[ReadyTable], relations: Relations, new_table: str
) -> dict[str, pa.Table]:
    shared = _shared_names(tables)
    return {
        table.name: files.read_columns(
            storage, table.unit, _wanted(table, shared, relations, table.name == new_table)
        )
        for table in tables
    }


def relate_stored(
    storage: Storage, tables: list[ReadyTable], relations: Relations, new_table: str
) -> tuple[Relations, dict[str, str | None]]:
    """Detection after ``new_table`` became ready (see ``relations.relate``)."""
    data = read_key_columns(storage, tables, relations, new_table)
    datetimes = next((t.datetimes for t in tables if t.name == new_table), frozenset())
    keys = {t.name: t.primary_key for t in tables}
    return relate(data, keys, relations, new_table, datetimes)


def recount_problems(storage: Storage, tables: list[ReadyTable], relations: Relations) -> Relations:
    """The relations with their problems counted again (after the user changed links)."""
    data = read_key_columns(storage, tables, relations, "")
    return relations.model_copy(update={"problems": problems_of(relations.foreign_keys, data)})


def needs_family_split(tables: list[ReadyTable], relations: Relations) -> bool:
    """A single table that is not sequential keeps the split ingestion made."""
    return len(tables) > 1 or bool(relations.sequences)


def split_families(
    storage: Storage,
    tables: list[ReadyTable],
    relations: Relations,
    fraction: float,
    seed: int,
) -> dict[str, tuple[int, int]]:
    """Splits every table again by root entity (``relations.family_holdout``), rewriting its
    split's marks; the train and holdout rows per table."""
    schema = schema_of(
        [t.name for t in tables],
        {t.name: list(t.columns) for t in tables},
        {t.name: t.primary_key for t in tables},
        relations,
    )
    data = read_key_columns(storage, tables, relations, "")
    masks = family_holdout(schema, data, {t.name: t.row_count for t in tables}, fraction, seed)
    counts = {}
    for table in tables:
        marks = storage.path(files.split_key(table.unit, "marks"))
        counts[table.name] = write_marks(storage.fs, marks, masks[table.name])
        files.remove_split_sides(storage, table.unit)
    return counts
