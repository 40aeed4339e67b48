"""Static checks of a schema: every problem is reported, with its path, before any work."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from common.contracts.template_schema import FieldSpec, Schema, SchemaError, TableSpec
from services.training.templates import columns
from services.training.templates.expressions import (
    Expression,
    ExpressionError,
    compile_expression,
    compile_template,
)
from services.training.templates.lengths import max_length
from services.training.templates.limits import (
    MAX_ABS_INT,
    MAX_DECIMALS,
    MAX_PATTERN_LENGTH,
    MAX_POISSON_LAM,
    MAX_ROW_LENGTH,
    MAX_VALUE_LENGTH,
    MAX_WORDS,
    SCALAR_LENGTH,
)
from services.training.templates.strings import RegexError, check_regex
from services.training.templates.vocab import value_lengths

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
_POSITIVE_PARAMS = ("std", "sigma", "lam", "scale")
_INT64_MAX = 2**63 - 1


@dataclass
class _Checker:
    schema: Schema
    count: int | None
    reference_date: dt.date
    max_rows: int = DEFAULT_MAX_ROWS
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
    checker = _Checker(schema, count, reference_date or dt.date(2025, 1, 1), max_rows)
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


def row_widths(schema: Schema, locale: str = "en_US") -> dict[str, int]:
    """Per table, an upper bound of the bytes one generated row holds in memory: text
    fields by the length bound of their values, other fields 8 bytes (a validated schema)."""
    vocab = value_lengths(locale)
    widths = {}
    for t, table in enumerate(schema.tables):
        lengths = field_lengths(schema, t, vocab)
        widths[table.name] = sum(
            lengths[spec.name] if columns.arrow_type(spec) == _STRING else 8
            for spec in table.fields
        )
    return widths


_STRING = columns.arrow_type(FieldSpec(name="x", type="string"))


def field_lengths(schema: Schema, t: int, vocab: Mapping[str, int]) -> dict[str, int]:
    """The length bound, in characters, of the values of every field of table ``t``."""
    table = schema.tables[t]
    lengths: dict[str, int] = {}
    for f in field_order(schema, t):
        spec = table.fields[f]
        expression = None if spec.foreign_key else field_expression(spec)
        if expression is not None:
            lengths[spec.name] = max_length(expression, lengths, vocab)
        elif spec.foreign_key:
            lengths[spec.name] = SCALAR_LENGTH
        else:
            lengths[spec.name] = _generated_length(spec, vocab)
    return lengths


def _slug_length(length: int, vocab: Mapping[str, int]) -> int:
    # As expressions' slug(): 5 ASCII characters per character at most, or a romanization.
    return 5 * max(length, vocab["translit"]) + 7


_VOCAB_TYPES = {
    "first_name": "first_names",
    "last_name": "last_names",
    "city": "cities",
    "state": "states",
    "company": "companies",
    "job_title": "jobs",
    "word": "words",
    "country": "country",
}
# A number written by a generator: row numbers, unique suffixes, house numbers.
_DIGITS = 20


def _generated_length(spec: FieldSpec, vocab: Mapping[str, int]) -> int:
    kind = spec.type
    if kind in _VOCAB_TYPES:
        return vocab[_VOCAB_TYPES[kind]]
    if spec.format is not None:
        per_character = SCALAR_LENGTH if kind in _MOMENTS else 1  # strftime expands %A, %c...
        return per_character * len(spec.format)
    if kind == "string":
        if spec.regex is not None:
            return check_regex(spec.regex)
        return columns.string_lengths(spec)[1]
    if kind == "category":
        return max((len(c) if isinstance(c, str) else 5 for c in spec.categories or []), default=0)
    if kind == "text":
        words = int(spec.params.get("max_words", 12))
        return words * (vocab["words"] + 1) + 1
    street = vocab["street_format"] + vocab["street_names"] + _DIGITS
    first, last = vocab["first_names"], vocab["last_names"]
    other = {
        "phone": vocab["phone_patterns"],
        "postal_code": vocab["postal_codes"],
        "name": first + last + 1,
        "email": _slug_length(first, vocab)
        + _slug_length(last, vocab)
        + _DIGITS
        + vocab["email_domains"]
        + 2,
        "username": 1 + _slug_length(last, vocab) + _DIGITS,
        "street_address": street,
        "address": vocab["address_format"]
        + street
        + vocab["cities"]
        + vocab["states"]
        + vocab["postal_codes"],
        "url": len("https://www..") + _slug_length(vocab["companies"], vocab) + vocab["tld"],
    }
    return other.get(kind, SCALAR_LENGTH)


def _check_lengths(checker: _Checker, t: int, vocab: Mapping[str, int]) -> None:
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
        elif table.rows_per_parent > checker.max_rows:
            checker.error(
                f"{path}.rows_per_parent",
                f"rows_per_parent must be at most the row limit ({checker.max_rows:,})",
            )
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
    _check_params(checker, path, spec)
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
    for name in _POSITIVE_PARAMS:
        value = spec.params.get(name)
        if value is not None and not (_is_number(value) and value > 0):
            checker.error(f"{path}.params.{name}", f"{name} must be a positive number")
    lam = spec.params.get("lam")
    if _is_number(lam) and lam > MAX_POISSON_LAM:
        checker.error(f"{path}.params.lam", f"lam must be at most {MAX_POISSON_LAM:g}")


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool, not NaN or infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_params(checker: _Checker, path: str, spec: FieldSpec) -> None:
    """Parameters are numbers in their range; unknown ones are ignored, as before."""
    params = spec.params
    for name, value in params.items():
        if name in (
            "mean",
            "std",
            "sigma",
            "lam",
            "scale",
            "p",
            "decimals",
            "start",
            "step",
            "min_words",
            "max_words",
        ) and not _is_number(value):
            checker.error(f"{path}.params.{name}", f"{name} must be a finite number")
    if _is_number(params.get("p")) and not 0 <= params["p"] <= 1:
        checker.error(f"{path}.params.p", "p must be within [0, 1]")
    decimals = params.get("decimals")
    if _is_number(decimals) and not (decimals == int(decimals) and abs(decimals) <= MAX_DECIMALS):
        checker.error(
            f"{path}.params.decimals",
            f"decimals must be a whole number within [-{MAX_DECIMALS}, {MAX_DECIMALS}]",
        )
    for name in ("start", "step"):
        value = params.get(name)
        if _is_number(value) and (value != int(value) or abs(value) > MAX_ABS_INT):
            checker.error(f"{path}.params.{name}", f"{name} must be a whole number within ±2**62")
    words = [params.get("min_words", 4), params.get("max_words", 12)]
    if spec.type == "text" and all(_is_number(w) for w in words):
        for name, value in zip(("min_words", "max_words"), words, strict=True):
            if not 0 <= value <= MAX_WORDS:
                checker.error(f"{path}.params.{name}", f"{name} must be within [0, {MAX_WORDS}]")
        if words[0] > words[1]:
            checker.error(f"{path}.params.max_words", "min_words is greater than max_words")


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
            except (ValueError, KeyError, OverflowError):
                checker.error(f"{path}.{name}", f"{value!r} is not an ISO date or 'today±Nd/w/y'")
                return
        low, high = bounds
    elif spec.type in _NUMERIC or spec.type == "string":
        low, high = spec.min, spec.max
        for name, value in (("min", low), ("max", high)):
            if value is not None and not _is_number(value):
                checker.error(
                    f"{path}.{name}", f"{name} of a {spec.type} field must be a finite number"
                )
                return
            if spec.type == "int" and value is not None and abs(value) > MAX_ABS_INT:
                checker.error(f"{path}.{name}", f"{name} of an int field must be within ±2**62")
                return
        if spec.type == "string" and any(v is not None and v < 0 for v in (low, high)):
            checker.error(f"{path}.min", "string length bounds must not be negative")
        if spec.type == "string":
            for name, value in (("min", low), ("max", high)):
                if value is not None and value > MAX_VALUE_LENGTH:
                    checker.error(
                        f"{path}.{name}",
                        f"strings can be at most {MAX_VALUE_LENGTH:,} characters long",
                    )
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
    if spec.format is not None and len(spec.format) > MAX_PATTERN_LENGTH:
        checker.error(f"{path}.format", f"format longer than {MAX_PATTERN_LENGTH:,} characters")
        return
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
    if spec.type in _MOMENTS:
        low, high = columns.date_bounds(spec, reference)
        return high - low + 1
    if spec.type == "string":
        return 26 ** columns.string_lengths(spec)[1]
    return None


def _check_sequence(checker: _Checker, path: str, spec: FieldSpec, rows: int) -> None:
    """A sequence's last value must still be a 64-bit integer."""
    if spec.type != "int" or spec.distribution != "sequence" or spec.foreign_key:
        return
    start, step = spec.params.get("start", 1), spec.params.get("step", 1)
    if abs(int(start)) + max(rows - 1, 0) * abs(int(step)) > _INT64_MAX:
        checker.error(
            f"{path}.params.step", f"a sequence of {rows:,} rows from {start} by {step} overflows"
        )
