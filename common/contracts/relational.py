"""The shape of a dataset with several tables, a contract: datasets detects and stores it,
training learns and generates from it, evaluation scores by it.

A dataset's tables are linked by foreign keys (a child column whose values are the parent's
primary key). A table is *sequential* when rows of one entity form an ordered sequence
(``entity_key`` names the entity, ``order_column`` the time or step): a patient's visits, a
sensor's readings. A sequential table may also be the child of a parent table, with its entity
key the foreign key to that parent (an account's transactions).

Every consumer works in :meth:`RelationalSchema.order`, parents before children;
:meth:`RelationalSchema.parse` refuses cycles, unknown names and a child with two parents
(no engine here learns those).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# The most tables one dataset holds: enough for a star or snowflake of real exports, few enough
# that a job's per-table work stays bounded.
MAX_TABLES = 20


class RelationalError(ValueError):
    """A schema that cannot be learned; ``errors`` holds ``(path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


class ForeignKey(BaseModel):
    """``child_table.child_column`` holds values of ``parent_table.parent_column``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parent_table: str
    parent_column: str
    child_table: str
    child_column: str


class SequenceSpec(BaseModel):
    """Rows sharing ``entity_key`` form one sequence, ordered by ``order_column``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity_key: str
    order_column: str


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    columns: list[str] = Field(default_factory=list)
    primary_key: str | None = None
    sequence: SequenceSpec | None = None


class RelationalSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: list[TableSpec] = Field(min_length=1, max_length=MAX_TABLES)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)

    @classmethod
    def parse(cls, data: Any) -> RelationalSchema:
        """The schema ``data`` describes, or :class:`RelationalError` with every problem."""
        try:
            schema = cls.model_validate(data)
        except ValidationError as invalid:
            raise RelationalError(
                [(".".join(map(str, error["loc"])), error["msg"]) for error in invalid.errors()]
            ) from None
        problems = list(schema.problems())
        if problems:
            raise RelationalError(problems)
        return schema

    def problems(self) -> Iterator[tuple[str, str]]:
        """What no engine can learn: unknown names, duplicates, two parents, cycles."""
        names = [table.name for table in self.tables]
        seen: set[str] = set()
        for index, name in enumerate(names):
            if name in seen:
                yield f"tables[{index}].name", f"table {name!r} appears twice"
            seen.add(name)
        for index, table in enumerate(self.tables):
            for role, column in _named_columns(table):
                if table.columns and column not in table.columns:
                    yield f"tables[{index}].{role}", f"{table.name} has no column {column!r}"
        parents: dict[str, str] = {}
        for index, key in enumerate(self.foreign_keys):
            path = f"foreignKeys[{index}]"
            for table, column in (
                (key.parent_table, key.parent_column),
                (key.child_table, key.child_column),
            ):
                spec = self.table(table) if table in seen else None
                if spec is None:
                    yield path, f"no table {table!r}"
                elif spec.columns and column not in spec.columns:
                    yield path, f"{table} has no column {column!r}"
            if key.child_table == key.parent_table:
                yield path, f"{key.child_table} cannot be its own parent"
            elif key.child_table in parents:
                yield path, f"{key.child_table} already has a parent ({parents[key.child_table]})"
            parents[key.child_table] = key.parent_table
            parent = self.table(key.parent_table) if key.parent_table in seen else None
            if parent is not None and parent.primary_key != key.parent_column:
                yield path, f"{key.parent_column!r} is not the primary key of {key.parent_table}"
        cycle = _cycle(parents)
        if cycle:
            yield "foreignKeys", "the tables form a cycle: " + " → ".join(cycle)

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def parent_key(self, child: str) -> ForeignKey | None:
        """The foreign key that links ``child`` to its parent, if it has one."""
        return next((key for key in self.foreign_keys if key.child_table == child), None)

    def child_keys(self, parent: str) -> list[ForeignKey]:
        return [key for key in self.foreign_keys if key.parent_table == parent]

    def order(self) -> list[TableSpec]:
        """Every table, each parent before its children (roots in their listed order).

        Tables on a cycle are left out; :meth:`parse` refuses such schemas."""
        ordered: list[TableSpec] = []

        def visit(table: TableSpec) -> None:
            ordered.append(table)
            for key in self.child_keys(table.name):
                visit(self.table(key.child_table))

        for table in self.tables:
            if self.parent_key(table.name) is None:
                visit(table)
        return ordered

    def depth(self) -> int:
        """The tables in the longest parent → child chain (1: no link)."""
        levels: dict[str, int] = {}
        for table in self.order():
            key = self.parent_key(table.name)
            levels[table.name] = levels[key.parent_table] + 1 if key else 1
        return max(levels.values(), default=1)

    @property
    def is_single_table(self) -> bool:
        return len(self.tables) == 1 and self.tables[0].sequence is None


def _cycle(parents: dict[str, str]) -> list[str]:
    """The first cycle of child → parent links, each table followed by its parent, or []."""
    for start in parents:
        walked = [start]
        node = start
        while node in parents:
            node = parents[node]
            if node == start:
                return [*walked, start]
            if node in walked:
                break
            walked.append(node)
    return []


def _named_columns(table: TableSpec) -> Iterator[tuple[str, str]]:
    if table.primary_key:
        yield "primaryKey", table.primary_key
    if table.sequence:
        yield "sequence.entityKey", table.sequence.entity_key
        yield "sequence.orderColumn", table.sequence.order_column
