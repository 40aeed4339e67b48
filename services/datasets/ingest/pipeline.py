"""`ingest`: any supported file in, one typed Parquet file out, or an IngestError and nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import fsspec
import pyarrow as pa
from pydantic import BaseModel

from .columns import each_column
from .durations import written_as
from .errors import IngestError
from .names import resolve_names
from .options import IngestLimits, IngestOptions
from .parquet_io import ParquetSink
from .reader import BatchReader, CsvReader, JsonReader, ParquetReader
from .sniff import DEFAULT_MISSING, Sniffed, sniff
from .stream import SourceOpener
from .text_kernels import null_where
from .typing_rules import ColumnType, ColumnTyper, clean_text, trim_and_find_missing
from .written import WrittenTally


class ColumnInfo(BaseModel):
    name: str
    type: str
    datetime_format: str | None = None
    # The decimals every value of a number column was written with, where they agree
    # (`8.0`, `7.5`: 1); see `written`.
    decimals: int | None = None
    # Where they vary, the fewest every value was written with, at least one (`5.0`,
    # `5.25`: 1); see `written`.
    least_decimals: int | None = None


class IngestResult(BaseModel):
    """What was written and what was detected; `warnings` are worth showing to the user."""

    row_count: int
    columns: list[ColumnInfo]
    format: str
    compressed: bool
    encoding: str | None
    delimiter: str | None
    has_header: bool | None
    warnings: list[str]
    # The token the file wrote for a missing value (`NA`, `?`); None: an empty cell.
    missing_value: str | None = None


@dataclass
class _Plan:
    """Per column: a typer for text columns, or the type kept as is (typed Parquet input)."""

    typers: list[ColumnTyper | None] = field(default_factory=list)
    kept: dict[int, pa.DataType] = field(default_factory=dict)
    rows: int = 0
    # How a CSV file writes missing values and decimals (None for other formats).
    written: WrittenTally | None = None

    def types(self) -> list[ColumnType | pa.DataType]:
        return [
            typer.result() if typer is not None else self.kept[i]
            for i, typer in enumerate(self.typers)
        ]


class TableSink(Protocol):
    """Gets the typed table as it is written (the split, statistics): `start` with its
    schema, `write_batch` for each batch in order, then `close`, or `abort` and nothing of
    it is kept. After an `abort` it may be started again (the table is written twice when
    a late value changes a column's type)."""

    def start(self, schema: pa.Schema) -> None: ...

    def write_batch(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


def ingest(
    open_source: SourceOpener,
    *,
    options: IngestOptions | None = None,
    limits: IngestLimits | None = None,
    fs: fsspec.AbstractFileSystem,
    out_path: str,
    sinks: Sequence[TableSink] = (),
) -> IngestResult:
    """Read the source, infer its types and write typed Parquet to `out_path`; each of
    `sinks` gets the same batches.

    One pass when the types seen in the first batches hold to the end: each batch is typed,
    then converted and written with the types so far. A later value that changes a column's
    type (a text value in a column of numbers) throws what was written away, and a second
    pass converts the whole source with the final types.

    `open_source` must return a fresh binary stream of the same bytes on each call.
    Raises IngestError (and leaves nothing at `out_path` nor in the sinks) for any file it
    cannot ingest.
    """
    options = options or IngestOptions()
    limits = limits or IngestLimits()
    sniffed = sniff(open_source, options, limits)
    reader = _open_reader(open_source, sniffed, limits)
    missing = pa.array(sorted({*DEFAULT_MISSING, *options.missing_values}), pa.string())
    output = _Output(fs, out_path, sinks)
    try:
        plan = _infer(reader, sniffed, limits, missing, options, output)
        detected = _detected_names(reader, sniffed)
        names = resolve_names(detected, len(plan.typers), options.column_names)
        types = plan.types()
        if output.types != types or output.names != names:
            output.abort()
            _write(reader, types, names, missing, output)
        output.close()
    except BaseException:
        output.abort()
        raise
    finally:
        if isinstance(reader, ParquetReader):
            reader.close()
    return _result(sniffed, plan, names, types, detected)


class _Output:
    """The typed Parquet file and the sinks, written together with the types of `start`."""

    def __init__(
        self, fs: fsspec.AbstractFileSystem, out_path: str, sinks: Sequence[TableSink]
    ) -> None:
        self._fs, self._path, self._sinks = fs, out_path, sinks
        self._file: ParquetSink | None = None
        self._started: list[TableSink] = []
        self._schema = pa.schema([])
        self.names: list[str] | None = None
        self.types: list[ColumnType | pa.DataType] | None = None

    def start(self, names: list[str], types: list[ColumnType | pa.DataType]) -> None:
        fields = zip(names, types, strict=True)
        self._schema = pa.schema([_field(n, t) for n, t in fields])
        self.names, self.types = names, types
        self._file = ParquetSink(self._fs, self._path, self._schema)
        for sink in self._sinks:
            self._started.append(sink)
            sink.start(self._schema)

    def write(self, batch: pa.RecordBatch, cleaned: list[pa.Array | None]) -> None:
        """Writes `batch`, whose text columns `cleaned` holds as ``clean_text`` gives them."""
        assert self._file is not None and self.types is not None
        columns = _convert(batch, self.types, cleaned)
        converted = pa.RecordBatch.from_arrays(columns, schema=self._schema)
        self._file.write_batch(converted)
        for sink in self._sinks:
            sink.write_batch(converted)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        for sink in self._started:
            sink.close()

    def abort(self) -> None:
        if self._file is not None:
            self._file.abort()
        elif self._fs.exists(self._path):
            self._fs.rm(self._path)
        for sink in self._started:
            sink.abort()
        self._file, self._started, self.names, self.types = None, [], None, None


def _detected_names(reader: BatchReader, sniffed: Sniffed) -> list[str] | None:
    """The file's own column names: none for CSV without a header row."""
    return reader.names if sniffed.format not in ("csv", "tsv") or sniffed.header else None


def _open_reader(open_source: SourceOpener, sniffed: Sniffed, limits: IngestLimits) -> BatchReader:
    if sniffed.format == "parquet":
        return ParquetReader(open_source, sniffed, limits)
    if sniffed.format in ("json", "jsonl"):
        return JsonReader(open_source, sniffed, limits)
    return CsvReader(open_source, sniffed, limits)


def _is_text(data_type: pa.DataType) -> bool:
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)


def _text_or_kept(column: pa.Array, name: str, keep_text: bool) -> pa.Array | None:
    """Text columns (for inference), or None for a typed column that is kept as it is."""
    if keep_text and _is_text(column.type):
        return None
    if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
        return column.cast(pa.string())
    if _is_text(column.type):
        return column
    if pa.types.is_nested(column.type) or pa.types.is_binary(column.type):
        raise IngestError(
            "unsupported_type", f"column {name!r} has type {column.type}, which is not supported"
        )
    return None


def _infer(
    reader: BatchReader,
    sniffed: Sniffed,
    limits: IngestLimits,
    missing: pa.Array,
    options: IngestOptions,
    output: _Output,
) -> _Plan:
    """Types every batch, and writes it to `output` while the types stay those it started
    with (see ``ingest``)."""
    plan = _Plan(written=WrittenTally() if sniffed.format in ("csv", "tsv") else None)
    writing = True
    for batch in reader.batches():
        plan.rows += batch.num_rows
        if plan.rows > limits.max_rows:
            raise IngestError(
                "too_many_rows",
                f"more than the limit of {limits.max_rows:,} rows",
                line=limits.max_rows + 1 + int(bool(sniffed.has_header)),
            )
        # Cleaned once, for both the typers and the conversion (trimming and the
        # missing-value tokens were the costliest kernels of the pass); the columns at once.
        plan.typers += [
            ColumnTyper(name=reader.names[i]) for i in range(len(plan.typers), batch.num_columns)
        ]
        cleaned = each_column(
            lambda i, batch=batch: _observe(
                plan, i, batch.column(i), reader.names[i], missing, options.typed_source
            ),
            batch.num_columns,
        )
        if plan.written is not None:
            plan.written.end_batch()
        if writing:
            writing = _write_so_far(output, plan, reader, sniffed, options, batch, cleaned)
        if not writing and output.types is not None:
            output.abort()
    if plan.rows == 0:
        if sniffed.has_header:
            raise IngestError("header_only", "the file has a header row but no data rows", line=1)
        raise IngestError("empty_file", "the file has no rows")
    return plan


def _write_so_far(
    output: _Output,
    plan: _Plan,
    reader: BatchReader,
    sniffed: Sniffed,
    options: IngestOptions,
    batch: pa.RecordBatch,
    cleaned: list[pa.Array | None],
) -> bool:
    """Writes `batch` with the types of every batch so far; False once they changed."""
    types = plan.types()
    if output.types is None:
        if batch.num_rows == 0:
            return True
        try:
            names = resolve_names(
                _detected_names(reader, sniffed), len(plan.typers), options.column_names
            )
        except IngestError:
            return False  # raised once the whole file is read (JSON may have more keys)
        output.start(names, types)
    elif types != output.types or len(reader.names) != len(output.types):
        return False
    output.write(batch, cleaned)
    return True


def _observe(
    plan: _Plan, index: int, column: pa.Array, name: str, missing: pa.Array, keep_text: bool
) -> pa.Array | None:
    """Narrows the column's typer with this batch; returns the column's cleaned text, or
    None for a column whose type is kept."""
    text = _text_or_kept(column, name, keep_text)
    typer = plan.typers[index]
    if text is None:
        plan.typers[index] = None
        plan.kept[index] = column.type
        return None
    if typer is None:
        return None
    if plan.written is None:
        cleaned = clean_text(text.cast(pa.string()), missing)
    else:
        trimmed, is_missing = trim_and_find_missing(text.cast(pa.string()), missing)
        cleaned = null_where(trimmed, is_missing)
        plan.written.observe(index, trimmed, is_missing, cleaned)
    typer.observe(cleaned)
    return cleaned


def _cleaned(
    batch: pa.RecordBatch, types: list[ColumnType | pa.DataType], missing: pa.Array
) -> list[pa.Array | None]:
    """The columns of `batch` typed from their text, as ``clean_text`` gives them (for the
    second pass's conversion)."""
    return [
        clean_text(column.cast(pa.string()), missing)
        if isinstance(column_type, ColumnType)
        else None
        for column, column_type in zip(batch.columns, types, strict=False)
    ]


def _convert(
    batch: pa.RecordBatch, types: list[ColumnType | pa.DataType], cleaned: list[pa.Array | None]
) -> list[pa.Array]:
    def column(index: int) -> pa.Array:
        column_type = types[index]
        if index >= batch.num_columns:  # a key that this batch of JSON records lacks
            nulls = pa.nulls(batch.num_rows, pa.string())
            return column_type.convert(nulls) if isinstance(column_type, ColumnType) else nulls
        if isinstance(column_type, ColumnType):
            text = cleaned[index]
            assert text is not None, "a column typed from its text has its cleaned text"
            return column_type.convert(text)
        return batch.column(index)

    return each_column(column, len(types))


def _arrow_type(column_type: ColumnType | pa.DataType) -> pa.DataType:
    if isinstance(column_type, ColumnType):
        return pa.type_for_alias(column_type.arrow)
    return column_type


def _field(name: str, column_type: ColumnType | pa.DataType) -> pa.Field:
    """A stored column; one of durations names their written form (`durations`)."""
    written = written_as(getattr(column_type, "duration_format", None))
    return pa.field(name, _arrow_type(column_type), metadata=written)


def _write(
    reader: BatchReader,
    types: list[ColumnType | pa.DataType],
    names: list[str],
    missing: pa.Array,
    output: _Output,
) -> None:
    """The second pass: the whole source converted with the final types."""
    output.start(names, types)
    for batch in reader.batches():
        output.write(batch, _cleaned(batch, types, missing))


def _is_plain_float(column_type: ColumnType | pa.DataType) -> bool:
    """A column of numbers with decimals read from text as written (no thousands separator,
    decimal comma, unit or quotes)."""
    return (
        isinstance(column_type, ColumnType)
        and column_type.arrow == "float64"
        and not (column_type.thousands or column_type.decimal_comma)
        and not (column_type.unit or column_type.unquote)
    )


def _result(
    sniffed: Sniffed,
    plan: _Plan,
    names: list[str],
    types: list[ColumnType | pa.DataType],
    detected: list[str] | None,
) -> IngestResult:
    written = plan.written
    columns = [
        ColumnInfo(
            name=name,
            type=str(_arrow_type(column_type)),
            datetime_format=getattr(column_type, "datetime_format", None),
            decimals=written.decimals_of(index)
            if written is not None and _is_plain_float(column_type)
            else None,
            least_decimals=written.least_decimals_of(index)
            if written is not None and _is_plain_float(column_type)
            else None,
        )
        for index, (name, column_type) in enumerate(zip(names, types, strict=True))
    ]
    warnings = []
    if detected is not None and [n.strip() for n in detected] != names:
        warnings.append("some column names were empty or repeated and have been renamed")
    for name, column_type in zip(names, types, strict=True):
        unit = getattr(column_type, "unit", None)
        if unit:
            sign = "".join(unit).strip()
            warnings.append(
                f"column {name!r}: numbers written with {sign!r}; stored and downloaded as "
                "plain numbers, without it"
            )
    if sniffed.encoding_detected and sniffed.encoding not in ("utf-8", "utf-8-sig", None):
        warnings.append(
            f"the file is not UTF-8; it was read as {sniffed.encoding} (detected): "
            "set the encoding option if its text looks wrong"
        )
    return IngestResult(
        row_count=plan.rows,
        missing_value=written.missing_value() if written is not None else None,
        columns=columns,
        format=sniffed.format,
        compressed=sniffed.compressed,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        has_header=sniffed.has_header,
        warnings=warnings,
    )
