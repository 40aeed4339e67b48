"""Importing a table or a read-only query into typed Parquet, streamed.

Rows come from a server-side cursor ``batch_rows`` at a time and are written as they come,
so memory holds one batch whatever the result's size; the upload limits (rows, bytes,
columns) are applied while streaming, and the import stops at the first one exceeded. Each
column gets the Arrow type of its SQL type (PostgreSQL's type of each result column, see
TYPES), one of the types ingestion produces; anything else is kept as text. The file then
goes through the ingestion of uploads with ``typed_source``, which keeps those types.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import fsspec
import pyarrow as pa
import sqlalchemy as sa

from services.datasets.ingest import IngestError, IngestLimits
from services.datasets.ingest.parquet_io import parquet_output

# PostgreSQL type OIDs (pg_type) and the Arrow type each becomes.
BOOL, INTEGER, FLOAT, TIMESTAMP = pa.bool_(), pa.int64(), pa.float64(), pa.timestamp("us")
TYPES: dict[int, pa.DataType] = {
    16: BOOL,  # boolean
    20: INTEGER,  # bigint
    21: INTEGER,  # smallint
    23: INTEGER,  # integer
    26: INTEGER,  # oid
    700: FLOAT,  # real
    701: FLOAT,  # double precision
    1700: FLOAT,  # numeric
    790: FLOAT,  # money
    1082: TIMESTAMP,  # date
    1114: TIMESTAMP,  # timestamp
    1184: TIMESTAMP,  # timestamptz, as UTC
}


def _timestamp(value: Any) -> datetime | None:
    if value is None or (isinstance(value, datetime) and value.tzinfo is None):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, float):
        return value
    if isinstance(value, Decimal | int):
        return float(value)
    return None  # money arrives as text ("$1.00"): a value that is not a number is missing


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _converter(data_type: pa.DataType) -> Callable[[Any], Any] | None:
    if data_type == TIMESTAMP:
        return _timestamp
    if data_type == FLOAT:
        return _float
    if data_type == pa.string():
        return _text
    return None


def arrow_types(description: Sequence[Any], dialect: str) -> list[pa.DataType]:
    """The Arrow type of each result column (text where the SQL type is not mapped)."""
    if dialect != "postgresql":
        return [pa.string() for _ in description]
    return [TYPES.get(column[1], pa.string()) for column in description]


def stream_rows(
    connection: sa.Connection,
    statement: sa.Executable,
    *,
    fs: fsspec.AbstractFileSystem,
    out_path: str,
    limits: IngestLimits,
    batch_rows: int,
) -> int:
    """Runs ``statement`` on a server-side cursor and writes its rows to ``out_path``;
    returns the row count. Raises IngestError at the first limit exceeded."""
    result = connection.execution_options(stream_results=True, max_row_buffer=batch_rows).execute(
        statement
    )
    description = result.cursor.description if result.cursor is not None else None
    if not description:
        raise IngestError("empty_file", "the query returns no columns")
    if len(description) > limits.max_columns:
        raise IngestError(
            "too_many_columns",
            f"{len(description):,} columns, more than the limit of {limits.max_columns:,}",
        )
    types = arrow_types(description, connection.dialect.name)
    names = _unique([column[0] for column in description])
    schema = pa.schema([pa.field(n, t) for n, t in zip(names, types, strict=True)])
    converters = [_converter(t) for t in types]
    rows = size = 0
    with parquet_output(fs, out_path, schema) as writer:
        while chunk := result.fetchmany(batch_rows):
            rows += len(chunk)
            if rows > limits.max_rows:
                raise IngestError(
                    "too_many_rows", f"more than the limit of {limits.max_rows:,} rows"
                )
            batch = _batch(chunk, schema, converters)
            size += batch.nbytes
            if size > limits.max_bytes:
                raise IngestError(
                    "too_large",
                    f"the result is larger than the limit of {limits.max_bytes:,} bytes",
                )
            writer.write_batch(batch)
    return rows


def _batch(
    chunk: Sequence[Sequence[Any]],
    schema: pa.Schema,
    converters: list[Callable[[Any], Any] | None],
) -> pa.RecordBatch:
    columns = []
    for index, (field, convert) in enumerate(zip(schema, converters, strict=True)):
        values = [row[index] for row in chunk]
        if convert is not None:
            values = [convert(v) for v in values]
        columns.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (a query may return two columns of one name)."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        name = name or "column"
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}_{count + 1}")
    return unique
