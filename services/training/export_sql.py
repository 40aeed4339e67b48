"""PostgreSQL scripts of a synthetic batch: ``CREATE TABLE`` plus multi-row ``INSERT``
statements, for one table or for linked tables in dependency order (``REFERENCES``).

A datetime column whose field metadata names its format is a ``date`` when the format has
no time of day, else a ``timestamp`` to the second (a ``timestamptz`` at the offset the
format writes: ``+02:00``, ``Z``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from services.training.export_parts import READ_BATCH_ROWS
from services.training.export_values import (
    datetime_format,
    json_value,
    with_date_formats,
    written_numbers,
)

SQL_ROWS_PER_INSERT = 500
_MAX_IDENTIFIER_BYTES = 63


def quote_identifier(name: str) -> str:
    """A PostgreSQL identifier in double quotes; raises ValueError if it cannot be one."""
    if not name or "\x00" in name or len(name.encode()) > _MAX_IDENTIFIER_BYTES:
        raise ValueError(f"{name!r} is not a valid SQL identifier (1-63 bytes, no NUL)")
    return '"' + name.replace('"', '""') + '"'


def sql_type(arrow_type: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type."""
    checks: list[tuple[Callable[[pa.DataType], bool], str]] = [
        (pa.types.is_boolean, "boolean"),
        (lambda t: pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t), "smallint"),
        (lambda t: pa.types.is_int32(t) or pa.types.is_uint16(t), "integer"),
        (lambda t: pa.types.is_int64(t) or pa.types.is_uint32(t), "bigint"),
        (pa.types.is_uint64, "numeric(20)"),
        (lambda t: pa.types.is_float16(t) or pa.types.is_float32(t), "real"),
        (pa.types.is_float64, "double precision"),
        (pa.types.is_date, "date"),
        (pa.types.is_time, "time"),
        (pa.types.is_duration, "interval"),
        (pa.types.is_binary, "bytea"),
        (pa.types.is_large_binary, "bytea"),
        (pa.types.is_string, "text"),
        (pa.types.is_large_string, "text"),
    ]
    if pa.types.is_dictionary(arrow_type):
        return sql_type(arrow_type.value_type)
    if pa.types.is_timestamp(arrow_type):
        return "timestamptz" if arrow_type.tz else "timestamp"
    if pa.types.is_decimal(arrow_type):
        return f"numeric({arrow_type.precision}, {arrow_type.scale})"
    for check, name in checks:
        if check(arrow_type):
            return name
    return "jsonb"


def _sql_string(values: pa.Array) -> pa.Array:
    # standard_conforming_strings is on (set at the top of the script), so only the
    # quote is special; PostgreSQL text cannot hold NUL, so it is dropped.
    cleaned = pc.replace_substring(values, "\x00", "")
    return pc.binary_join_element_wise("'", pc.replace_substring(cleaned, "'", "''"), "'", "")


def _sql_literals(column: pa.Array) -> pa.Array:
    """Each value of ``column`` as a SQL literal; nulls become NULL."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "TRUE", "FALSE")
    elif pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        text = pc.cast(column, pa.string())
    elif pa.types.is_floating(kind):
        text = _sql_floats(pc.cast(column, pa.float64()))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = _sql_string(pc.cast(column, pa.string()))
    elif pa.types.is_timestamp(kind) and kind.tz:
        text = _sql_string(pc.strftime(column, format="%Y-%m-%d %H:%M:%S%z"))
    elif pa.types.is_temporal(kind) and not pa.types.is_duration(kind):
        text = _sql_string(pc.cast(column, pa.string()))
    else:
        text = _sql_string(pa.array([_json_text(v) for v in column.to_pylist()], pa.string()))
    return pc.fill_null(text, "NULL")


def _number_literals(field: pa.Field, column: pa.Array) -> pa.Array | None:
    """A number column written as the upload wrote it (`16.0`, `12.50`), where it tells."""
    if not pa.types.is_floating(column.type):
        return None
    text = written_numbers(field, column)
    if text is None:
        return None
    return pc.fill_null(_sql_floats(text), "NULL")


def _sql_floats(column: pa.Array) -> pa.Array:
    """Numbers (or their text) as SQL literals, NaN and infinities quoted."""
    text = pc.cast(column, pa.string())
    special = {"nan": "'NaN'", "inf": "'Infinity'", "-inf": "'-Infinity'"}
    for raw, literal in special.items():
        text = pc.if_else(pc.equal(text, raw), literal, text)
    return text


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    return json.dumps(json_value(value), ensure_ascii=False)


def create_table_sql(
    schema: pa.Schema,
    quoted_table: str,
    *,
    primary_key: str | None = None,
    unique: tuple[str, ...] = (),
    references: tuple[tuple[str, str, str], ...] = (),
) -> str:
    """``CREATE TABLE``; each of ``references`` is (column, parent table, parent column)."""
    lines = [f"  {quote_identifier(f.name)} {sql_type(f.type)}" for f in schema]
    if primary_key:
        lines.append(f"  PRIMARY KEY ({quote_identifier(primary_key)})")
    lines.extend(f"  UNIQUE ({quote_identifier(column)})" for column in unique)
    for reference in references:
        column, parent, parent_column = (quote_identifier(name) for name in reference)
        lines.append(f"  FOREIGN KEY ({column}) REFERENCES {parent} ({parent_column})")
    columns = ",\n".join(lines)
    return f"CREATE TABLE {quoted_table} (\n{columns}\n);\n"


_SQL_HEADER = "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"


def iter_sql_tables(fs: fsspec.AbstractFileSystem, tables: list[SqlTable]) -> Iterator[bytes]:
    """One SQL script for a batch of linked tables, ``tables`` parents first: every
    ``CREATE TABLE`` with its primary key and ``REFERENCES``, then every table's ``INSERT``s
    in the same order, so it loads into PostgreSQL as is (one transaction: all or nothing)."""
    schemas = []
    for table in tables:
        with fs.open(table.path, "rb") as source:
            schemas.append(pq.ParquetFile(source).schema_arrow)
    created = []
    for table, schema in zip(tables, schemas, strict=True):
        if any(datetime_format(f) for f in schema):
            schema, _ = with_date_formats(schema, iter(()), "sql")
        created.append(
            create_table_sql(
                schema,
                quote_identifier(table.name),
                primary_key=table.primary_key,
                unique=table.unique,
                references=table.references,
            )
        )
    yield (_SQL_HEADER + "BEGIN;\n" + "".join(created)).encode()
    for table in tables:
        with fs.open(table.path, "rb") as source:
            parquet = pq.ParquetFile(source)
            schema = parquet.schema_arrow
            batches = parquet.iter_batches(batch_size=READ_BATCH_ROWS)
            if any(datetime_format(f) for f in schema):
                schema, batches = with_date_formats(schema, batches, "sql")
            yield from _inserts(schema, batches, quote_identifier(table.name))
    yield b"COMMIT;\n"


@dataclass(frozen=True)
class SqlTable:
    name: str
    path: str
    primary_key: str | None = None
    # Other columns a child refers to (a template's second key).
    unique: tuple[str, ...] = ()
    # (column, parent table, parent column), one per foreign key.
    references: tuple[tuple[str, str, str], ...] = ()


def sql_script(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], quoted_table: str
) -> Iterator[bytes]:
    yield (_SQL_HEADER + create_table_sql(schema, quoted_table)).encode()
    yield from _inserts(schema, batches, quoted_table)


def _inserts(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], quoted_table: str
) -> Iterator[bytes]:
    names = ", ".join(quote_identifier(name) for name in schema.names)
    prefix = f"INSERT INTO {quoted_table} ({names}) VALUES\n"
    for batch in batches:
        if batch.num_rows == 0:
            continue
        literals = [
            _number_literals(field, column) or _sql_literals(column)
            for field, column in zip(schema, batch.columns, strict=True)
        ]
        rows = pc.binary_join_element_wise("(", *[_join_cols(literals)], ")", "").to_pylist()
        statements = []
        for start in range(0, len(rows), SQL_ROWS_PER_INSERT):
            values = ",\n".join(rows[start : start + SQL_ROWS_PER_INSERT])
            statements.append(f"{prefix}{values};\n")
        yield "".join(statements).encode()


def _join_cols(literals: list[pa.Array]) -> pa.Array:
    if len(literals) == 1:
        return literals[0]
    return pc.binary_join_element_wise(*literals, ", ")
