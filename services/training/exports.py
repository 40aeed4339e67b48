"""Streaming exports of a synthetic batch (a Parquet file on fsspec) to download formats.

Every exporter reads the Parquet file batch by batch and yields byte chunks, so memory
stays flat whatever the file size. Formats: ``csv`` (RFC 4180, with a spreadsheet formula
guard on its header and cells unless the caller opts out), ``jsonl`` (one object per line,
ISO 8601 dates), ``parquet`` (the file itself) and ``sql`` (PostgreSQL ``CREATE TABLE``
plus multi-row ``INSERT`` statements).

A datetime column whose field metadata names its format (``datetime_format``, written by
model batches: the format ingestion detected in the real file) is written in that format
in CSV and JSON Lines (``1981-01-01``, ``1960-01``, ``31/01/1981``); in SQL it is a ``date``
when the format has no time of day, else a ``timestamp`` to the second.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from services.training.export_parts import parquet_bytes, read_parts

FORMATS = ("csv", "jsonl", "parquet", "sql")
DATETIME_FORMAT_KEY = b"datetime_format"
_TIME_CODES = ("%H", "%I", "%M", "%S", "%f", "%T", "%p", "%s")
READ_BATCH_ROWS = 20_000
SQL_ROWS_PER_INSERT = 500
_MAX_IDENTIFIER_BYTES = 63
# Cells a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_START = r"^[=+\-@\t\r]"
_FORMULA = re.compile(_FORMULA_START)


class ChunkedParquetWriter:
    """Write record batches to a Parquet file on any fsspec filesystem, one row group each."""

    def __init__(
        self,
        fs: fsspec.AbstractFileSystem,
        path: str,
        schema: pa.Schema,
        *,
        compression: str = "zstd",
    ) -> None:
        self._file = fs.open(path, "wb")
        self._writer = pq.ParquetWriter(self._file, schema, compression=compression)
        self.rows_written = 0

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch)
        self.rows_written += batch.num_rows

    def close(self) -> None:
        self._writer.close()
        self._file.close()

    def __enter__(self) -> ChunkedParquetWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def export(
    fs: fsspec.AbstractFileSystem,
    parquet_path: str,
    fmt: str,
    sink: IO[bytes],
    *,
    table_name: str = "synthetic",
    csv_formula_guard: bool = True,
) -> int:
    """Write the Parquet file at ``parquet_path`` to ``sink`` as ``fmt``; return bytes written."""
    written = 0
    for chunk in iter_export(
        fs, parquet_path, fmt, table_name=table_name, csv_formula_guard=csv_formula_guard
    ):
        sink.write(chunk)
        written += len(chunk)
    return written


def iter_export(
    fs: fsspec.AbstractFileSystem,
    parquet_path: str | Sequence[str],
    fmt: str,
    *,
    table_name: str = "synthetic",
    csv_formula_guard: bool = True,
) -> Iterator[bytes]:
    """Yield the export of ``parquet_path`` as byte chunks (for streaming RPCs); several
    paths are the parts of one table, in order (a sharded batch)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    quoted_table = quote_identifier(table_name) if fmt == "sql" else ""
    paths = [parquet_path] if isinstance(parquet_path, str) else list(parquet_path)
    if fmt == "parquet":
        yield from parquet_bytes(fs, paths)
        return
    schema, batches = read_parts(fs, paths, READ_BATCH_ROWS)
    if any(_datetime_format(f) for f in schema):
        schema, batches = _with_date_formats(schema, batches, fmt)
    if fmt == "csv":
        yield from _csv(schema, batches, csv_formula_guard)
    elif fmt == "jsonl":
        yield from _jsonl(batches)
    else:
        yield from _sql(schema, batches, quoted_table)


# --- datetime formats -----------------------------------------------------------------


def _datetime_format(field: pa.Field) -> str | None:
    if not pa.types.is_timestamp(field.type) or not field.metadata:
        return None
    raw = field.metadata.get(DATETIME_FORMAT_KEY)
    return raw.decode() if raw else None


def _date_field(field: pa.Field, export_format: str, date_format: str) -> pa.Field:
    if export_format in ("csv", "jsonl"):
        return pa.field(field.name, pa.string())
    if any(code in date_format.replace("%%", "") for code in _TIME_CODES):
        return pa.field(field.name, pa.timestamp("s", field.type.tz))
    return pa.field(field.name, pa.date32())


def _with_date_formats(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], fmt: str
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Datetime columns as the real file wrote them (text for CSV/JSONL; date or
    second-precision timestamp for SQL)."""
    formats = {f.name: _datetime_format(f) for f in schema}
    fields = [_date_field(f, fmt, formats[f.name] or "") if formats[f.name] else f for f in schema]
    target = pa.schema(fields)

    def convert() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = []
            for field, column in zip(schema, batch.columns, strict=True):
                date_format = formats[field.name]
                if date_format and fmt in ("csv", "jsonl"):
                    column = pc.strftime(column, format=date_format)
                elif date_format:
                    kind = target.field(field.name).type
                    seconds = pc.floor_temporal(column, unit="second")
                    column = pc.cast(seconds, kind, safe=False)
                columns.append(column)
            yield pa.RecordBatch.from_arrays(columns, schema=target)

    return target, convert()


# --- CSV ------------------------------------------------------------------------------


def guard_formulas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Prefix ``'`` to text cells that a spreadsheet would evaluate as a formula."""
    columns = []
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, _FORMULA_START)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def guard_name(name: str) -> str:
    """A column name as the guarded header writes it (names come from users' files too)."""
    return "'" + name if _FORMULA.match(name) else name


def _header(names: list[str], formula_guard: bool) -> bytes:
    # Quoted like pyarrow quotes every string: "name","with ""quotes""".
    buffer = io.StringIO()
    row = [guard_name(n) if formula_guard else n for n in names]
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(row)
    return buffer.getvalue().encode()


def _csv(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], formula_guard: bool
) -> Iterator[bytes]:
    yield _header(schema.names, formula_guard)
    buffer = io.BytesIO()
    rows_schema = _decoded_schema(schema) if formula_guard else schema
    # RFC 4180 quoting (strings quoted, inner quotes doubled); lines end in LF, which
    # every CSV reader accepts.
    options = pacsv.WriteOptions(include_header=False)
    with pacsv.CSVWriter(buffer, rows_schema, write_options=options) as writer:
        for batch in batches:
            writer.write_batch(guard_formulas(batch) if formula_guard else batch)
            yield _drain(buffer)
    if tail := _drain(buffer):
        yield tail


def _decoded_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema
    )


def _drain(buffer: io.BytesIO) -> bytes:
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


# --- JSON Lines -----------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A value as JSON Lines downloads write it (ISO dates, null for NaN, exact decimals)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if hasattr(value, "as_tuple"):  # Decimal: keep every digit
        return str(value)
    return value


def json_lines(schema: pa.Schema, batch: pa.RecordBatch) -> list[str]:
    """One batch's rows as JSON Lines downloads write them, dates in the real file's format:
    what a batch's preview shows, so that it matches what a download gives."""
    if any(_datetime_format(f) for f in schema):
        _, converted = _with_date_formats(schema, iter([batch]), "jsonl")
        batch = next(converted)
    return _json_rows(batch)


def _json_rows(batch: pa.RecordBatch) -> list[str]:
    return [
        json.dumps({k: json_value(v) for k, v in row.items()}, ensure_ascii=False)
        for row in batch.to_pylist()
    ]


def _jsonl(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    for batch in batches:
        lines = _json_rows(batch)
        if lines:
            yield ("\n".join(lines) + "\n").encode()


# --- SQL ------------------------------------------------------------------------------


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


def _sql_floats(column: pa.Array) -> pa.Array:
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
        if any(_datetime_format(f) for f in schema):
            schema, _ = _with_date_formats(schema, iter(()), "sql")
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
            if any(_datetime_format(f) for f in schema):
                schema, batches = _with_date_formats(schema, batches, "sql")
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


def _sql(
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
        literals = [_sql_literals(column) for column in batch.columns]
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
