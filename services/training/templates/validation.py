"""Static checks of a schema: every problem is reported, with its path, before any work."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from services.training.templates import columns
from services.training.templates.expressions import (
    Expression,
    ExpressionError,
    compile_expression,
    compile_template,
)
from services.training.templates.schema import FieldSpec, Schema, SchemaError, TableSpec
from services.training.templates.strings import RegexError, check_regex

DEFAULT_MAX_FIELDS = 1_000
DEFAULT_MAX_ROWS = 100_000_000

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_NUMERIC = {"int", "float"}
_MOMENTS = {"date", "datetime"}
_DISTRIBUTION_TYPES = {
    "uniform": _NUMERIC,
    "normal": _NUMERIC,
    "lognormal": _NUMERIC,
    "poisson": _NUMERIC,
    "exponential": _NUMERIC,
    "sequence": {"int"},
    "weighted": {"category"},
}
_UNIQUE_TYPES = {"int", "category", "date", "datetime", "uuid", "email", "username", "string"}
_FK_MODES = {"random", "sequential"}


@dataclass
class _Checker:
    schema: Schema
    count: int | None
    reference_date: dt.date
    errors: list[tuple[str, str]] = field(default_factory=list)
    expressions: dict[tuple[int, int], Expression] = field(default_factory=dict)

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))


def validate_schema(
    schema: Schema,
    *,
    count: int | None = None,
    max_fields: int = DEFAULT_MAX_FIELDS,
    max_rows: int = DEFAULT_MAX_ROWS,
    reference_date: dt.date | None = None,
) -> dict[str, int]:
    """Check ``schema`` and return the number of rows of each table.

    ``count`` is the row count of tables that set neither ``count`` nor
    ``rows_per_parent``. Raises :class:`SchemaError` listing every ``(path, message)``.
    """
    total_fields = sum(len(t.fields) for t in schema.tables)
    if total_fields > max_fields:
        raise SchemaError(
            [("tables", f"schema has {total_fields} fields; the limit is {max_fields}")]
        )
    if not schema.tables:
        raise SchemaError([("tables", "a schema needs at least one table")])
    checker = _Checker(schema, count, reference_date or dt.date(2025, 1, 1))
    _check_names(checker)
    for t, table in enumerate(schema.tables):
        _check_table(checker, t, table)
    if checker.errors:
        raise SchemaError(checker.errors)
    rows = _row_counts(checker, max_rows)
    if not checker.errors:
        for t, table in enumerate(schema.tables):
            for f, spec in enumerate(table.fields):
                _check_unique(checker, f"tables[{t}].fields[{f}]", spec, rows, table)
    if checker.errors:
        raise SchemaError(checker.errors)
    return rows


def field_order(schema: Schema, table_index: int) -> list[int]:
    """Field indices of a table in an order where every field comes after what it reads."""
    table = schema.tables[table_index]
    positions = {f.name: i for i, f in enumerate(table.fields)}
    order: list[int] = []
    state: dict[int, int] = {}

    def visit(i: int) -> None:
        if state.get(i) == 2:
            return
        state[i] = 1
        for name in sorted(_reads(table.fields[i])):
            if name in positions and state.get(positions[name]) != 1:
                visit(positions[name])
        state[i] = 2
        order.append(i)

    for i in range(len(table.fields)):
        visit(i)
    return order


def table_order(schema: Schema) -> list[int]:
    """Table indices, parents (foreign key targets) before their children."""
    names = {t.name: i for i, t in enumerate(schema.tables)}
    order: list[int] = []
    seen: set[int] = set()

    def visit(i: int) -> None:
        if i in seen:
            return
        seen.add(i)
        for parent in _parents(schema.tables[i]):
            if parent in names:
                visit(names[parent])
        order.append(i)

    for i in range(len(schema.tables)):
        visit(i)
    return order


def _parents(table: TableSpec) -> list[str]:
    return [f.foreign_key.table for f in table.fields if f.foreign_key]


def field_expression(spec: FieldSpec) -> Expression | None:
    """The compiled ``derive`` or ``template`` of a field, or None for generated fields."""
    if spec.derive:
        return compile_expression(spec.derive)
    if spec.template:
        return compile_template(spec.template)
    return None


def _reads(spec: FieldSpec) -> frozenset[str]:
    try:
        expression = field_expression(spec)
    except ExpressionError:
        return frozenset()
    return expression.names if expression else frozenset()


def _check_names(checker: _Checker) -> None:
    seen: set[str] = set()
    for t, table in enumerate(checker.schema.tables):
        if not _IDENTIFIER.match(table.name):
            checker.error(f"tables[{t}].name", f"{table.name!r} is not a valid table name")
        elif table.name in seen:
            checker.error(f"tables[{t}].name", f"duplicate table name {table.name!r}")
        seen.add(table.name)
        fields: set[str] = set()
        if not table.fields:
            checker.error(f"tables[{t}].fields", "a table needs at least one field")
        for f, spec in enumerate(table.fields):
            path = f"tables[{t}].fields[{f}].name"
            if not _IDENTIFIER.match(spec.name) or spec.name == "_row":
                checker.error(path, f"{spec.name!r} is not a valid field name")
            elif spec.name in fields:
                checker.error(path, f"duplicate field name {spec.name!r}")
            fields.add(spec.name)


def _check_table(checker: _Checker, t: int, table: TableSpec) -> None:
    path = f"tables[{t}]"
    if table.count is not None and table.count <= 0:
        checker.error(f"{path}.count", f"count must be positive, got {table.count}")
    if table.rows_per_parent is not None:
        if table.count is not None:
            checker.error(f"{path}.rows_per_parent", "set either count or rows_per_parent")
        if not table.rows_per_parent > 0:
            checker.error(f"{path}.rows_per_parent", "rows_per_parent must be positive")
        if not _parents(table):
            checker.error(f"{path}.rows_per_parent", "rows_per_parent needs a foreign key field")
    for f, spec in enumerate(table.fields):
        _check_field(checker, t, f, spec)
    _check_derivation_cycles(checker, t, table)


def _check_field(checker: _Checker, t: int, f: int, spec: FieldSpec) -> None:
    path = f"tables[{t}].fields[{f}]"
    if spec.type not in columns.FIELD_TYPES:
        known = ", ".join(sorted(columns.FIELD_TYPES))
        checker.error(f"{path}.type", f"unknown type {spec.type!r}; known types: {known}")
        return
    if not 0.0 <= spec.null_rate <= 1.0:
        checker.error(f"{path}.null_rate", f"null_rate must be within [0, 1], got {spec.null_rate}")
    _check_distribution(checker, path, spec)
    _check_bounds(checker, path, spec)
    _check_categories(checker, path, spec)
    _check_patterns(checker, path, spec)
    _check_derivation(checker, t, f, spec)
    if spec.foreign_key:
        _check_foreign_key(checker, t, path, spec)


def _check_distribution(checker: _Checker, path: str, spec: FieldSpec) -> None:
    kind = spec.distribution
    if kind is None:
        return
    if kind not in columns.DISTRIBUTIONS:
        known = ", ".join(sorted(columns.DISTRIBUTIONS))
        checker.error(f"{path}.distribution", f"unknown distribution {kind!r}; known: {known}")
    elif spec.type not in _DISTRIBUTION_TYPES[kind]:
        checker.error(
            f"{path}.distribution", f"distribution {kind!r} does not apply to {spec.type}"
        )
    for name in ("std", "sigma", "lam", "scale"):
        value = spec.params.get(name)
        if value is not None and not (isinstance(value, int | float) and value > 0):
            checker.error(f"{path}.params.{name}", f"{name} must be a positive number")


def _check_bounds(checker: _Checker, path: str, spec: FieldSpec) -> None:
    if spec.min is None and spec.max is None:
        return
    if spec.type in _MOMENTS:
        bounds = []
        for name in ("min", "max"):
            value = getattr(spec, name)
            try:
                bounds.append(
                    None if value is None else columns.parse_moment(value, checker.reference_date)
                )
            except (ValueError, KeyError):
                checker.error(f"{path}.{name}", f"{value!r} is not an ISO date or 'today±Nd/w/y'")
                return
        low, high = bounds
    elif spec.type in _NUMERIC or spec.type == "string":
        low, high = spec.min, spec.max
        for name, value in (("min", low), ("max", high)):
            if value is not None and not isinstance(value, int | float):
                checker.error(f"{path}.{name}", f"{name} of a {spec.type} field must be a number")
                return
        if spec.type == "string" and any(v is not None and v < 0 for v in (low, high)):
            checker.error(f"{path}.min", "string length bounds must not be negative")
    else:
        checker.error(f"{path}.min", f"min/max do not apply to {spec.type} fields")
        return
    if low is not None and high is not None and low > high:
        checker.error(f"{path}.max", f"min ({spec.min}) is greater than max ({spec.max})")


def _check_categories(checker: _Checker, path: str, spec: FieldSpec) -> None:
    if spec.type != "category":
        if spec.categories is not None or spec.weights is not None:
            checker.error(f"{path}.categories", "categories/weights apply to category fields only")
        return
    if not spec.categories and not (spec.derive or spec.template or spec.foreign_key):
        checker.error(f"{path}.categories", "a category field needs a non-empty categories list")
        return
    if spec.categories and len({type(c) for c in spec.categories}) > 1:
        checker.error(f"{path}.categories", "categories must all have the same type")
    if spec.weights is not None:
        if len(spec.weights) != len(spec.categories or []):
            checker.error(f"{path}.weights", "weights must have one entry per category")
        elif any(w < 0 or not math.isfinite(w) for w in spec.weights) or sum(spec.weights) <= 0:
            checker.error(f"{path}.weights", "weights must be non-negative with a positive sum")


def _check_patterns(checker: _Checker, path: str, spec: FieldSpec) -> None:
    if spec.regex is not None:
        if spec.type != "string":
            checker.error(f"{path}.regex", "regex applies to string fields only")
        else:
            try:
                check_regex(spec.regex)
            except RegexError as exc:
                checker.error(f"{path}.regex", str(exc))
    if spec.format is not None:
        if spec.type in _MOMENTS:
            try:
                dt.date(2000, 1, 2).strftime(spec.format)
            except ValueError as exc:
                checker.error(f"{path}.format", f"invalid date format: {exc}")
        elif spec.type not in {"string", "phone", "postal_code"}:
            checker.error(f"{path}.format", f"format does not apply to {spec.type} fields")
        elif "#" not in spec.format and "?" not in spec.format:
            checker.error(f"{path}.format", "format needs '#' (digit) or '?' (letter) placeholders")


def _check_derivation(checker: _Checker, t: int, f: int, spec: FieldSpec) -> None:
    path = f"tables[{t}].fields[{f}]"
    if spec.derive and spec.template:
        checker.error(f"{path}.derive", "set either derive or template, not both")
        return
    if (spec.derive or spec.template) and spec.foreign_key:
        checker.error(f"{path}.derive", "a foreign key field cannot also be derived")
        return
    where = f"{path}.derive" if spec.derive else f"{path}.template"
    try:
        expression = field_expression(spec)
    except ExpressionError as exc:
        checker.error(where, str(exc))
        return
    if expression is None:
        return
    names = {s.name for s in checker.schema.tables[t].fields}
    for name in sorted(expression.names - names):
        checker.error(where, f"unknown field {name!r}")
    checker.expressions[(t, f)] = expression


def _check_derivation_cycles(checker: _Checker, t: int, table: TableSpec) -> None:
    graph = {s.name: sorted(_reads(s)) for s in table.fields}
    for cycle in _cycles(graph):
        f = next(i for i, s in enumerate(table.fields) if s.name == cycle[0])
        where = "derive" if table.fields[f].derive else "template"
        checker.error(f"tables[{t}].fields[{f}].{where}", f"derivation cycle: {' -> '.join(cycle)}")


def _cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Yield one cycle per strongly tangled group, as a path that returns to its start."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> Iterator[list[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                yield [*stack[stack.index(nxt) :], nxt]
            elif nxt in graph and nxt not in state:
                yield from visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            yield from visit(node)


def _check_foreign_key(checker: _Checker, t: int, path: str, spec: FieldSpec) -> None:
    fk = spec.foreign_key
    assert fk is not None
    tables = {table.name: table for table in checker.schema.tables}
    if fk.mode not in _FK_MODES:
        checker.error(f"{path}.foreign_key.mode", f"mode must be one of {sorted(_FK_MODES)}")
    parent = tables.get(fk.table)
    if parent is None:
        checker.error(f"{path}.foreign_key.table", f"no table named {fk.table!r}")
        return
    target = next((s for s in parent.fields if s.name == fk.field), None)
    if target is None:
        checker.error(f"{path}.foreign_key.field", f"table {fk.table!r} has no field {fk.field!r}")
    elif not columns.is_key_field(target):
        checker.error(
            f"{path}.foreign_key.field",
            f"{fk.table}.{fk.field} is not a key: reference a uuid field or an int field "
            "with distribution 'sequence' or unique: true (not derived, no nulls)",
        )
    graph = {table.name: sorted(set(_parents(table))) for table in checker.schema.tables}
    own = checker.schema.tables[t].name
    for cycle in _cycles(graph):
        if own in cycle and fk.table in cycle:
            checker.error(f"{path}.foreign_key", f"foreign key cycle: {' -> '.join(cycle)}")
            return


def _row_counts(checker: _Checker, max_rows: int) -> dict[str, int]:
    schema = checker.schema
    rows: dict[str, int] = {}
    for t in table_order(schema):
        table = schema.tables[t]
        if table.count is not None:
            rows[table.name] = table.count
        elif table.rows_per_parent is not None:
            parent = rows[_parents(table)[0]]
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
    checker: _Checker, path: str, spec: FieldSpec, rows: dict[str, int], table: TableSpec
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
    if spec.type not in _UNIQUE_TYPES or (spec.type == "string" and (spec.regex or spec.format)):
        checker.error(f"{path}.unique", f"unique is not supported for this {spec.type} field")
        return
    if spec.null_rate:
        checker.error(f"{path}.null_rate", "a unique field cannot have nulls")
    if spec.type == "int" and spec.distribution not in (None, "uniform", "sequence"):
        checker.error(f"{path}.unique", "unique int fields need distribution uniform or sequence")
        return
    if spec.type == "string" and (spec.max or 12) > columns.MAX_UNIQUE_STRING_LENGTH:
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
    if spec.type in _MOMENTS:
        low, high = columns.date_bounds(spec, reference)
        return high - low + 1
    if spec.type == "string":
        return 26 ** int(spec.max if spec.max is not None else 12)
    return None
