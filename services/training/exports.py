"""Streaming exports of a synthetic batch (a Parquet file on fsspec) to download formats.

Every exporter reads the Parquet file batch by batch and yields byte chunks, so memory
stays flat whatever the file size. Formats: ``csv`` (RFC 4180, with a spreadsheet formula
guard on its header and cells unless the caller opts out), ``jsonl`` (one object per line,
ISO 8601 dates), ``parquet`` (the file itself) and ``sql`` (PostgreSQL ``CREATE TABLE``
plus multi-row ``INSERT`` statements: ``export_sql``).

A datetime column whose field metadata names its format (``datetime_format``, written by
model batches: the format ingestion detected in the real file) is written in that format
in CSV and JSON Lines (``1981-01-01``, ``1960-01``, ``31/01/1981``; ``export_values``).
Durations stored as seconds are written in their form (``38:31:00``) in CSV, JSON Lines and
SQL (a text column).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import IO

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from common.durations import duration_format
from services.training.export_parts import READ_BATCH_ROWS, parquet_bytes, read_parts
from services.training.export_sql import quote_identifier, sql_script
from services.training.export_values import (
    datetime_format,
    format_seconds,
    json_value,
    least_decimals,
    missing_value,
    with_date_formats,
    with_decimals,
    with_duration_forms,
    with_least_decimals,
)

FORMATS = ("csv", "jsonl", "parquet", "sql")
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
    if any(datetime_format(f) for f in schema):
        schema, batches = with_date_formats(schema, batches, fmt)
    if any(duration_format(f) for f in schema):
        schema, batches = with_duration_forms(schema, batches)
    if fmt == "csv":
        if any(_plain_time(f) for f in schema):
            schema, batches = _whole_seconds(schema, batches)
        yield from _csv(schema, batches, csv_formula_guard)
    elif fmt == "jsonl":
        yield from _jsonl(batches)
    else:
        yield from sql_script(schema, batches, quoted_table)


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
    """Rows as the upload wrote them where it told (``export_values``: its missing-value
    token, a number column's decimals); each batch written on its own, as its decimals may
    or may not fit."""
    yield _header(schema.names, formula_guard)
    buffer = io.BytesIO()
    # RFC 4180 quoting (strings quoted, inner quotes doubled); lines end in LF, which
    # every CSV reader accepts.
    null = missing_value(schema)
    options = pacsv.WriteOptions(include_header=False, null_string=null)
    least = {f.name: places for f in schema if (places := least_decimals(f)) is not None}
    for batch in batches:
        rows = with_decimals(guard_formulas(batch) if formula_guard else batch, schema)
        if least and all(_plain_cells(c.type) for c in rows.columns):
            yield _csv_lines(rows, least, null)
            continue
        pacsv.write_csv(rows, buffer, write_options=options)
        yield _drain(buffer)


def _plain_cells(kind: pa.DataType) -> bool:
    """A type whose CSV cells `_csv_lines` writes as Arrow's writer does."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return not (
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
        or pa.types.is_nested(kind)
    )


def _csv_lines(rows: pa.RecordBatch, least: dict[str, int], null: str) -> bytes:
    """A batch as Arrow's CSV writer writes it (text quoted, quotes doubled, anything else as
    Arrow casts it to text, ``null`` unquoted), but the number columns of ``least``: each
    value with at least their decimals (`16.0`, `5.25`), which no Arrow type writes."""
    if rows.num_rows == 0:
        return b""
    cells = []
    for name, column in zip(rows.schema.names, rows.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if name in least:
            text = with_least_decimals(column, least[name])
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            quoted = pc.replace_substring(pc.cast(column, pa.string()), '"', '""')
            text = pc.binary_join_element_wise('"', quoted, '"', "")
        else:
            text = pc.cast(column, pa.string())
        cells.append(pc.fill_null(text, null))
    lines = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    return _text_bytes(pc.binary_join_element_wise(lines, "", "\n"))


def _text_bytes(text: pa.Array) -> bytes:
    """Every value of a string array without nulls, one after the other."""
    text = pa.concat_arrays([text])  # its own buffers, from offset 0
    offsets = text.buffers()[1]
    assert offsets is not None
    end = int(pa.Array.from_buffers(pa.int32(), len(text) + 1, [None, offsets])[-1].as_py())
    data = text.buffers()[2]
    return data.to_pybytes()[:end] if data is not None else b""


def _plain_time(field: pa.Field) -> bool:
    """A timestamp without a time zone and without a format of its own."""
    return pa.types.is_timestamp(field.type) and field.type.tz is None


def _whole_seconds(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch]
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Timestamps as text: "2024-02-09 12:40:37" where a batch's values are whole seconds
    (generated times, most derived ones), not Arrow's "12:40:37.000000"; with their fraction
    where they have one (a 10 Hz sensor)."""
    fields = [f.with_type(pa.string()) if _plain_time(f) else f for f in schema]
    target = pa.schema(fields, metadata=schema.metadata)

    def convert() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = []
            for field, column in zip(schema, batch.columns, strict=True):
                if _plain_time(field):
                    seconds = pc.floor_temporal(column, unit="second")
                    if _all_equal(seconds, column):
                        column = format_seconds(seconds, "%Y-%m-%d %H:%M:%S")
                    else:
                        column = pc.cast(column, pa.string())
                columns.append(column)
            yield pa.RecordBatch.from_arrays(columns, schema=target)

    return target, convert()


def _all_equal(left: pa.Array, right: pa.Array) -> bool:
    return pc.all(pc.equal(left, right)).as_py() in (True, None)


def _drain(buffer: io.BytesIO) -> bytes:
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


# --- JSON Lines -----------------------------------------------------------------------


def json_lines(schema: pa.Schema, batch: pa.RecordBatch) -> list[str]:
    """One batch's rows as JSON Lines downloads write them, dates in the real file's format:
    what a batch's preview shows, so that it matches what a download gives."""
    if any(datetime_format(f) for f in schema):
        schema, converted = with_date_formats(schema, iter([batch]), "jsonl")
        batch = next(converted)
    if any(duration_format(f) for f in schema):
        _, converted = with_duration_forms(schema, iter([batch]))
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
