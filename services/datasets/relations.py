"""How a dataset's tables relate: keys detected from names and values, sequences suggested,
and the referential problems of each link, as JSON on the dataset row (``Relations``).

Detection, when a table becomes ready (the new table as parent or child only, so a link the
user removed is not brought back by an unrelated upload):

- A table without a primary key gets one when a column is unique and non-null and either
  id-like by name (``id``, ``<table>_id``, ``…_id``, ``…key``, ``…code``) or named like a
  column of another table (``carrier`` in ``airlines`` and ``flights``).
- A foreign key links ``child.c`` to ``parent.pk`` when the names match (``c == pk`` for a
  pk other than ``id``; ``c`` is ``<parent>_<pk>`` or ``<singular parent>_<pk>``, so
  ``customer_id`` ↔ ``customers.id`` or ``customers.customer_id``) and at least
  ``CONTAINMENT`` of the child's non-null values are parent keys. A child gets one parent
  (the contract's rule), the best-contained.
- A sequence is only suggested (the user sets it): a repeated id-like or low-cardinality
  column (the foreign key first) and a datetime column that together identify each row.

Every link's orphans, duplicate parent keys and null keys are counted, with a few examples,
whoever set the link: they are reported, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from common.contracts.relational import (
    ForeignKey,
    RelationalError,
    RelationalSchema,
    SequenceSpec,
    TableSpec,
)
from services.datasets.ingest.split import row_uniform as _row_uniform
from services.datasets.ingest.split import value_uniform as _value_uniform

# The share of a child's non-null values that must be parent keys for a link to be detected.
CONTAINMENT = 0.95
# Example values kept per problem.
EXAMPLES = 5
_ID_LIKE = re.compile(r"(^id$|_id$|id$|_key$|key$|_code$|code$|^uuid$|_uuid$)", re.IGNORECASE)


class LinkProblems(BaseModel):
    """What is wrong with one link's values (all zero: nothing)."""

    foreign_key: ForeignKey
    orphan_count: int = 0
    orphan_examples: list[str] = Field(default_factory=list)
    duplicate_parent_key_count: int = 0
    duplicate_parent_key_examples: list[str] = Field(default_factory=list)
    null_child_key_count: int = 0
    null_parent_key_count: int = 0

    def warnings(self) -> list[str]:
        key = self.foreign_key
        link = f"{key.child_table}.{key.child_column} → {key.parent_table}.{key.parent_column}"
        found = []
        if self.orphan_count:
            found.append(
                f"{link}: {self.orphan_count:,} rows name a parent that does not exist "
                f"(e.g. {', '.join(self.orphan_examples)})"
            )
        if self.duplicate_parent_key_count:
            found.append(
                f"{link}: {self.duplicate_parent_key_count:,} parent keys appear more than once "
                f"(e.g. {', '.join(self.duplicate_parent_key_examples)})"
            )
        if self.null_child_key_count:
            found.append(f"{link}: {self.null_child_key_count:,} rows have no parent key (null)")
        if self.null_parent_key_count:
            found.append(f"{link}: {self.null_parent_key_count:,} parent rows have a null key")
        return found


class Relations(BaseModel):
    """``Dataset.relations``: the links and sequences in force, suggestions, problems."""

    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    sequences: dict[str, SequenceSpec] = Field(default_factory=dict)
    suggested_sequences: dict[str, SequenceSpec] = Field(default_factory=dict)
    problems: list[LinkProblems] = Field(default_factory=list)


def singular(name: str) -> str:
    lower = name.lower()
    if lower.endswith("ies"):
        return name[:-3] + "y"
    if lower.endswith(("ses", "xes")):
        return name[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return name[:-1]
    return name


def is_id_like(column: str, table: str) -> bool:
    return bool(_ID_LIKE.search(column)) or column.lower() in (
        f"{table}_id".lower(),
        f"{singular(table)}_id".lower(),
    )


def names_match(child_column: str, parent: str, parent_key: str) -> bool:
    """Whether ``child_column`` is named as a reference to ``parent.parent_key``."""
    column = child_column.lower()
    key = parent_key.lower()
    prefixes = {parent.lower(), singular(parent).lower()}
    if key != "id" and column == key:
        return True
    return any(column == f"{prefix}_{key}" for prefix in prefixes) or (
        key.endswith("_id") and column == key
    )


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values compared as text, so an integer key matches the same key read as text."""
    if pa.types.is_floating(column.type):
        # 7.0 and 7 are the same key (a column with nulls may be read as floats).
        as_int = pc.cast(column, pa.int64(), safe=False)
        if pc.all(pc.equal(pc.cast(as_int, column.type), column)).as_py() is not False:
            column = as_int
    return pc.cast(column, pa.string())


def _examples(values: pa.Array | pa.ChunkedArray) -> list[str]:
    return [str(v) for v in pc.unique(values).slice(0, EXAMPLES).to_pylist()]


def containment(child: pa.ChunkedArray, parent: pa.ChunkedArray) -> float:
    """The share of the child's non-null values found among the parent's (1.0 when none)."""
    values = _text(child.drop_null())
    if len(values) == 0:
        return 1.0
    found = pc.sum(pc.is_in(values, value_set=_text(parent).combine_chunks())).as_py() or 0
    return found / len(values)


def link_problems(key: ForeignKey, child: pa.ChunkedArray, parent: pa.ChunkedArray) -> LinkProblems:
    parent_text = _text(parent)
    parent_values = parent_text.drop_null()
    counts = pc.value_counts(parent_values)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    child_values = _text(child.drop_null())
    known = pc.is_in(child_values, value_set=parent_values.combine_chunks())
    orphans = child_values.filter(pc.invert(known))
    return LinkProblems(
        foreign_key=key,
        orphan_count=len(orphans),
        orphan_examples=_examples(orphans),
        duplicate_parent_key_count=len(repeated),
        duplicate_parent_key_examples=_examples(repeated.field("values")),
        null_child_key_count=child.null_count,
        null_parent_key_count=parent.null_count,
    )


def is_unique_key(column: pa.ChunkedArray) -> bool:
    return column.null_count == 0 and len(pc.unique(column)) == len(column)


def detect_primary_key(
    name: str, table: pa.Table, other_columns: Iterable[str], current: str | None
) -> str | None:
    """The table's primary key: the one it has, else a unique non-null column with an
    id-like name or a name another table uses."""
    if current:
        return current
    shared = set(other_columns)
    for column in table.column_names:
        if (is_id_like(column, name) or column in shared) and is_unique_key(table[column]):
            return column
    return None


def detect_foreign_keys(
    tables: dict[str, pa.Table],
    primary_keys: dict[str, str | None],
    existing: list[ForeignKey],
    new_table: str,
) -> list[ForeignKey]:
    """Links to add, each involving ``new_table``, for children without a parent yet."""
    has_parent = {key.child_table for key in existing}
    found: list[ForeignKey] = []
    for child, data in tables.items():
        if child in has_parent:
            continue
        best: tuple[float, ForeignKey] | None = None
        for parent, pk in primary_keys.items():
            if parent == child or pk is None or new_table not in (parent, child):
                continue
            for column in data.column_names:
                if column == primary_keys.get(child) or not names_match(column, parent, pk):
                    continue
                share = containment(data[column], tables[parent][pk])
                if share >= CONTAINMENT and (best is None or share > best[0]):
                    best = (
                        share,
                        ForeignKey(
                            parent_table=parent,
                            parent_column=pk,
                            child_table=child,
                            child_column=column,
                        ),
                    )
        if best is not None:
            found.append(best[1])
    return found


def suggest_sequence(
    name: str, table: pa.Table, foreign_key: str | None, datetimes: Iterable[str] = ()
) -> SequenceSpec | None:
    """An entity key and a datetime order column (typed so, or ``datetimes``: text the
    metadata says holds datetimes) that identify each row together, when the entity
    repeats (at least two rows each on average)."""
    described = set(datetimes)
    times = [
        f.name
        for f in table.schema
        if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type) or f.name in described
    ]
    rows = table.num_rows
    if not times or rows < 4:
        return None
    candidates = [
        f.name
        for f in table.schema
        if f.name not in times
        and (pa.types.is_integer(f.type) or pa.types.is_string(f.type))
        and 2 <= len(pc.unique(table[f.name])) <= rows // 2
    ]
    candidates.sort(key=lambda c: (c != foreign_key, not is_id_like(c, name)))
    for entity in candidates:
        for order in times:
            pairs = table.select([entity, order]).group_by([entity, order]).aggregate([])
            if pairs.num_rows == rows:
                return SequenceSpec(entity_key=entity, order_column=order)
    return None


def schema_of(
    names: list[str],
    columns: dict[str, list[str]],
    primary_keys: dict[str, str | None],
    relations: Relations,
) -> RelationalSchema:
    """The dataset's RelationalSchema; RelationalError when it cannot be learned."""
    return RelationalSchema.parse(
        {
            "tables": [
                TableSpec(
                    name=name,
                    columns=columns[name],
                    primary_key=primary_keys.get(name),
                    sequence=relations.sequences.get(name),
                ).model_dump()
                for name in names
            ],
            "foreign_keys": [key.model_dump() for key in relations.foreign_keys],
        }
    )


def problems_of(keys: list[ForeignKey], tables: dict[str, pa.Table]) -> list[LinkProblems]:
    return [
        link_problems(
            key,
            tables[key.child_table][key.child_column],
            tables[key.parent_table][key.parent_column],
        )
        for key in keys
        if key.child_table in tables and key.parent_table in tables
    ]


def relate(
    tables: dict[str, pa.Table],
    primary_keys: dict[str, str | None],
    relations: Relations,
    new_table: str,
    datetimes: Iterable[str] = (),
) -> tuple[Relations, dict[str, str | None]]:
    """Detection after ``new_table`` became ready: the relations and primary keys after it.
    ``datetimes``: the new table's text columns that hold datetimes.

    A detected link that would break the contract (a cycle) is left out."""
    keys = dict(primary_keys)
    for name, data in tables.items():
        others = [c for other, t in tables.items() if other != name for c in t.column_names]
        if name == new_table or not keys.get(name):
            keys[name] = detect_primary_key(name, data, others, keys.get(name))
    links = list(relations.foreign_keys)
    for key in detect_foreign_keys(tables, keys, links, new_table):
        trial = Relations(foreign_keys=[*links, key], sequences=relations.sequences)
        try:
            schema_of(list(tables), {n: t.column_names for n, t in tables.items()}, keys, trial)
        except RelationalError:
            continue
        links.append(key)
    suggested = dict(relations.suggested_sequences)
    if new_table not in relations.sequences:
        parent = next((k.child_column for k in links if k.child_table == new_table), None)
        found = suggest_sequence(new_table, tables[new_table], parent, datetimes)
        if found is not None:
            suggested[new_table] = found
    return (
        Relations(
            foreign_keys=links,
            sequences=relations.sequences,
            suggested_sequences=suggested,
            problems=problems_of(links, tables),
        ),
        keys,
    )


def family_holdout(
    schema: RelationalSchema,
    tables: dict[str, pa.Table],
    rows: dict[str, int],
    fraction: float,
    seed: int,
) -> dict[str, np.ndarray]:
    """Per table, which rows go to the holdout, so that a root row and all its descendants
    (a whole sequence) fall on the same side.

    A root is drawn by its entity (a sequential table's entity key), else by its primary key
    when it has children, else by row as a single table is. A child follows its parent row;
    an orphan is drawn by its key (orphans naming the same missing parent stay together),
    and a row without a key goes to training."""
    masks: dict[str, np.ndarray] = {}
    for table in schema.order():
        name = table.name
        link = schema.parent_key(name)
        if link is None:
            by = table.sequence.entity_key if table.sequence else None
            if by is None and schema.child_keys(name) and table.primary_key:
                by = table.primary_key
            if by is None:
                masks[name] = _row_uniform(rows[name], seed) < fraction
            else:
                masks[name] = _value_uniform(_values(tables[name][by]), seed) < fraction
            continue
        parents = pd.Series(
            masks[link.parent_table], index=_values(tables[link.parent_table][link.parent_column])
        )
        parents = parents[~parents.index.duplicated()]
        children = _values(tables[name][link.child_column])
        side = pd.Series(children).map(parents)
        drawn = _value_uniform(children, seed) < fraction
        has_key = pd.notna(tables[name][link.child_column].to_numpy(zero_copy_only=False))
        found = side.notna().to_numpy()
        follows = np.zeros(len(children), dtype=bool)
        follows[found] = side[found].astype(bool).to_numpy()
        masks[name] = np.where(found, follows, drawn & has_key)
    return masks


def _values(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(_text(column).to_numpy(zero_copy_only=False), dtype=object)


def without_table(relations: Relations, name: str) -> Relations:
    """The relations once table ``name`` is removed: its links (as parent or child), its
    sequence and suggestion, and those links' problems gone."""
    kept = [k for k in relations.foreign_keys if name not in (k.parent_table, k.child_table)]
    return Relations(
        foreign_keys=kept,
        sequences={t: s for t, s in relations.sequences.items() if t != name},
        suggested_sequences={t: s for t, s in relations.suggested_sequences.items() if t != name},
        problems=[p for p in relations.problems if p.foreign_key in kept],
    )
