"""Static checks of a schema: every problem is reported, with its path, before any work."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from common.contracts.template_schema import FieldSpec, Schema, SchemaError, TableSpec
from services.training.templates import columns
from services.training.templates.field_checks import (
    DEFAULT_MAX_ROWS,
    INT64_MAX,
    MOMENTS,
    UNIQUE_TYPES,
    Checker,
    check_field,
)
from services.training.templates.lengths import field_lengths
from services.training.templates.limits import (
    MAX_ROW_LENGTH,
    MAX_VALUE_LENGTH,
)
from services.training.templates.ordering import cycles, parents, reads, table_order
from services.training.templates.vocab import value_lengths

DEFAULT_MAX_FIELDS = 1_000
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def validate_schema(
    schema: Schema,
    *,
    count: int | None = None,
    max_fields: int = DEFAULT_MAX_FIELDS,
    max_rows: int = DEFAULT_MAX_ROWS,
    reference_date: dt.date | None = None,
    locale: str = "en_US",
) -> dict[str, int]:
    """Check ``schema`` and return the number of rows of each table.

    ``count`` is the row count of tables that set neither ``count`` nor
    ``rows_per_parent``. Every option that can make the work grow is bounded (see
    :mod:`limits`); the vocabularies of ``locale`` bound the length of fake values.
    Raises :class:`SchemaError` listing every ``(path, message)``.
    """
    total_fields = sum(len(t.fields) for t in schema.tables)
    if total_fields > max_fields:
        raise SchemaError(
            [("tables", f"schema has {total_fields} fields; the limit is {max_fields}")]
        )
    if not schema.tables:
        raise SchemaError([("tables", "a schema needs at least one table")])
    checker = Checker(schema, count, reference_date or dt.date(2025, 1, 1), max_rows)
    _check_names(checker)
    for t, table in enumerate(schema.tables):
        _check_table(checker, t, table)
    if checker.errors:
        raise SchemaError(checker.errors)
    rows = _row_counts(checker, max_rows)
    if not checker.errors:
        for t, table in enumerate(schema.tables):
            for f, spec in enumerate(table.fields):
                path = f"tables[{t}].fields[{f}]"
                _check_unique(checker, path, spec, rows, table)
                _check_sequence(checker, path, spec, rows[table.name])
    if not checker.errors:
        for t in range(len(schema.tables)):
            _check_lengths(checker, t, value_lengths(locale))
    if checker.errors:
        raise SchemaError(checker.errors)
    return rows


def _check_lengths(checker: Checker, t: int, vocab: Mapping[str, int]) -> None:
    table = checker.schema.tables[t]
    lengths = field_lengths(checker.schema, t, vocab)
    for f, spec in enumerate(table.fields):
        length = lengths[spec.name]
        if length > MAX_VALUE_LENGTH:
            checker.error(
                f"tables[{t}].fields[{f}].{_length_option(spec)}",
                f"values of this field could be {length:,} characters long; "
                f"the limit is {MAX_VALUE_LENGTH:,}",
            )
    width = sum(lengths.values())
    if width <= MAX_ROW_LENGTH or len(checker.errors):
        return
    checker.error(
        f"tables[{t}].fields",
        f"one row of table {table.name!r} could be {width:,} characters long; "
        f"the limit is {MAX_ROW_LENGTH:,}",
    )


def _length_option(spec: FieldSpec) -> str:
    """The option of a field that makes its values long."""
    if spec.derive:
        return "derive"
    if spec.template:
        return "template"
    if spec.type == "text":
        return "params.max_words"
    if spec.type == "category":
        return "categories"
    if spec.format is not None:
        return "format"
    return "regex" if spec.regex is not None else "max"


def _check_names(checker: Checker) -> None:
    seen: set[str] = set()
    for t, table in enumerate(checker.schema.tables):
        if not IDENTIFIER.match(table.name):
            checker.error(f"tables[{t}].name", f"{table.name!r} is not a valid table name")
        elif table.name in seen:
            checker.error(f"tables[{t}].name", f"duplicate table name {table.name!r}")
        seen.add(table.name)
        fields: set[str] = set()
        if not table.fields:
            checker.error(f"tables[{t}].fields", "a table needs at least one field")
        for f, spec in enumerate(table.fields):
            path = f"tables[{t}].fields[{f}].name"
            if not IDENTIFIER.match(spec.name) or spec.name == "_row":
                checker.error(path, f"{spec.name!r} is not a valid field name")
            elif spec.name in fields:
                checker.error(path, f"duplicate field name {spec.name!r}")
            fields.add(spec.name)


def _check_table(checker: Checker, t: int, table: TableSpec) -> None:
    path = f"tables[{t}]"
    if table.count is not None and table.count <= 0:
        checker.error(f"{path}.count", f"count must be positive, got {table.count}")
    if table.rows_per_parent is not None:
        if table.count is not None:
            checker.error(f"{path}.rows_per_parent", "set either count or rows_per_parent")
        if not table.rows_per_parent > 0:
            checker.error(f"{path}.rows_per_parent", "rows_per_parent must be positive")
        elif table.rows_per_parent > checker.max_rows:
            checker.error(
                f"{path}.rows_per_parent",
                f"rows_per_parent must be at most the row limit ({checker.max_rows:,})",
            )
        if not parents(table):
            checker.error(f"{path}.rows_per_parent", "rows_per_parent needs a foreign key field")
    for f, spec in enumerate(table.fields):
        check_field(checker, t, f, spec)
    _check_derivation_cycles(checker, t, table)


def _check_derivation_cycles(checker: Checker, t: int, table: TableSpec) -> None:
    graph = {s.name: sorted(reads(s)) for s in table.fields}
    for cycle in cycles(graph):
        f = next(i for i, s in enumerate(table.fields) if s.name == cycle[0])
        where = "derive" if table.fields[f].derive else "template"
        checker.error(f"tables[{t}].fields[{f}].{where}", f"derivation cycle: {' -> '.join(cycle)}")


def _row_counts(checker: Checker, max_rows: int) -> dict[str, int]:
    schema = checker.schema
    rows: dict[str, int] = {}
    for t in table_order(schema):
        table = schema.tables[t]
        if table.count is not None:
            rows[table.name] = table.count
        elif table.rows_per_parent is not None:
            parent = rows[parents(table)[0]]
            rows[table.name] = max(1, round(parent * table.rows_per_parent))
        elif checker.count is None or checker.count <= 0:
            checker.error("count", f"count must be a positive number of rows, got {checker.count}")
            return rows
        else:
            rows[table.name] = checker.count
    total = sum(rows.values())
    if total > max_rows:
        checker.error("count", f"the schema would generate {total} rows; the limit is {max_rows}")
    return rows


def _check_unique(
    checker: Checker, path: str, spec: FieldSpec, rows: dict[str, int], table: TableSpec
) -> None:
    if not spec.unique:
        return
    n = rows[table.name]
    if spec.foreign_key:
        parent = rows[spec.foreign_key.table]
        if n > parent:
            checker.error(f"{path}.unique", f"{n} unique references to {parent} parent rows")
        return
    if spec.derive or spec.template:
        checker.error(f"{path}.unique", "unique cannot be guaranteed for derived fields")
        return
    if spec.type not in UNIQUE_TYPES or (spec.type == "string" and (spec.regex or spec.format)):
        checker.error(f"{path}.unique", f"unique is not supported for this {spec.type} field")
        return
    if spec.null_rate:
        checker.error(f"{path}.null_rate", "a unique field cannot have nulls")
    if spec.type == "int" and spec.distribution not in (None, "uniform", "sequence"):
        checker.error(f"{path}.unique", "unique int fields need distribution uniform or sequence")
        return
    if spec.type == "string" and columns.string_lengths(spec)[1] > columns.MAX_UNIQUE_STRING_LENGTH:
        limit = columns.MAX_UNIQUE_STRING_LENGTH
        checker.error(f"{path}.max", f"unique strings can be at most {limit} characters long")
        return
    available = _distinct_values(spec, checker.reference_date)
    if available is not None and n > available:
        checker.error(
            f"{path}.unique", f"{n} unique values requested but only {available} are possible"
        )


def _distinct_values(spec: FieldSpec, reference: dt.date) -> int | None:
    if spec.type == "int" and spec.distribution != "sequence":
        low, high = columns.int_bounds(spec)
        return high - low + 1
    if spec.type == "category":
        return len(spec.categories or [])
    if spec.type in MOMENTS:
        low, high = columns.date_bounds(spec, reference)
        return high - low + 1
    if spec.type == "string":
        return 26 ** columns.string_lengths(spec)[1]
    return None


def _check_sequence(checker: Checker, path: str, spec: FieldSpec, rows: int) -> None:
    """A sequence's last value must still be a 64-bit integer."""
    if spec.type != "int" or spec.distribution != "sequence" or spec.foreign_key:
        return
    start, step = spec.params.get("start", 1), spec.params.get("step", 1)
    if abs(int(start)) + max(rows - 1, 0) * abs(int(step)) > INT64_MAX:
        checker.error(
            f"{path}.params.step", f"a sequence of {rows:,} rows from {start} by {step} overflows"
        )
