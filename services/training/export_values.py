"""How an export writes values: a datetime column in the format the real file used (its
field metadata's ``datetime_format``, written by model batches), durations stored as seconds
in their written form (``duration_format``: `38:31:00`), and any value as JSON."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from common.date_formats import parsing_format, strftime
from common.durations import duration_format, written

DATETIME_FORMAT_KEY = b"datetime_format"
# How the upload wrote a number column's decimals (field metadata, `8.0`: b"1") and its
# missing values (schema metadata, b"NA"), for CSV downloads to write them alike.
DECIMALS_KEY = b"decimals"
# Where its decimals vary, the fewest every value was written with (`5.0`, `5.25`: b"1").
LEAST_DECIMALS_KEY = b"least_decimals"
MISSING_VALUE_KEY = b"missing_value"
# Decimal128's digits: a number of more digits keeps the shortest form.
_DECIMAL_DIGITS = 38
_TIME_CODES = ("%H", "%I", "%M", "%S", "%f", "%T", "%p", "%s")
_DATE_CODES = ("%Y", "%y", "%m", "%d", "%b", "%B", "%j", "%F", "%D", "%s")
_LITERAL_OFFSET = re.compile(r"([+-]\d{2}):?(\d{2})$")


def datetime_format(field: pa.Field) -> str | None:
    if not pa.types.is_timestamp(field.type) or not field.metadata:
        return None
    raw = field.metadata.get(DATETIME_FORMAT_KEY)
    return raw.decode() if raw else None


def written_offset(date_format: str) -> str | None:
    """The UTC offset a format writes literally ("+02:00" for `...%S+0200`, "+00:00" for
    `...%SZ`): the stored times are local times at that offset."""
    if date_format.endswith("Z"):
        return "+00:00"
    match = _LITERAL_OFFSET.search(date_format)
    return f"{match.group(1)}:{match.group(2)}" if match else None


def _date_field(field: pa.Field, export_format: str, date_format: str) -> pa.Field:
    if export_format in ("csv", "jsonl"):
        return pa.field(field.name, pa.string())
    codes = parsing_format(date_format).replace("%%", "")
    if any(code in codes for code in _TIME_CODES) and not any(c in codes for c in _DATE_CODES):
        return pa.field(field.name, pa.time32("s"))  # a time of day alone (`11:57:40`)
    if any(code in codes for code in _TIME_CODES):
        return pa.field(field.name, pa.timestamp("s", written_offset(date_format) or field.type.tz))
    return pa.field(field.name, pa.date32())


def with_date_formats(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], fmt: str
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Datetime columns as the real file wrote them (text for CSV/JSONL; date or
    second-precision timestamp for SQL)."""
    formats = {f.name: datetime_format(f) for f in schema}
    fields = [_date_field(f, fmt, formats[f.name] or "") if formats[f.name] else f for f in schema]
    target = pa.schema(fields, metadata=schema.metadata)

    def convert() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = []
            for field, column in zip(schema, batch.columns, strict=True):
                date_format = formats[field.name]
                if date_format and fmt in ("csv", "jsonl"):
                    # The formats are to the second.
                    seconds = pc.floor_temporal(column, unit="second")
                    column = format_seconds(seconds, date_format)
                elif date_format:
                    kind = target.field(field.name).type
                    seconds = pc.floor_temporal(column, unit="second")
                    # Local times at the offset the format writes (a date has none).
                    if pa.types.is_timestamp(kind) and kind.tz and column.type.tz is None:
                        seconds = pc.assume_timezone(seconds, timezone=kind.tz)
                    column = pc.cast(seconds, kind, safe=False)
                columns.append(column)
            yield pa.RecordBatch.from_arrays(columns, schema=target)

    return target, convert()


def with_duration_forms(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch]
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Columns of durations stored as seconds as text, as the real file wrote them."""
    forms = {f.name: duration_format(f) for f in schema}
    fields = [pa.field(f.name, pa.string()) if forms[f.name] else f for f in schema]
    target = pa.schema(fields, metadata=schema.metadata)

    def convert() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = [
                written(column, form) if (form := forms[field.name]) else column
                for field, column in zip(schema, batch.columns, strict=True)
            ]
            yield pa.RecordBatch.from_arrays(columns, schema=target)

    return target, convert()


def format_seconds(seconds: pa.Array, date_format: str) -> pa.Array:
    """Timestamps already floored to the second, written with ``date_format``. Cast to a
    unit of seconds first: Arrow's %S on a finer unit adds the fraction ("05.000000")."""
    whole = pc.cast(seconds, pa.timestamp("s", seconds.type.tz), safe=False)
    return strftime(whole, date_format)


def missing_value(schema: pa.Schema) -> str:
    """The token CSV downloads write for a missing value: the upload's (see
    `services.datasets.ingest.written`), else an empty cell. A token a CSV reader would
    split or unquote (which no ingestion keeps) is never written."""
    raw = (schema.metadata or {}).get(MISSING_VALUE_KEY, b"").decode()
    return "" if any(c in raw for c in '",\n\r\t;|') else raw


def written_decimals(field: pa.Field) -> int | None:
    """The decimals every real value of a number column was written with (`8.0`: 1)."""
    return _decimals_mark(field, DECIMALS_KEY)


def least_decimals(field: pa.Field) -> int | None:
    """The fewest decimals every real value of a number column was written with, where they
    vary (`5.0`, `5.25`: 1)."""
    return _decimals_mark(field, LEAST_DECIMALS_KEY)


def _decimals_mark(field: pa.Field, key: bytes) -> int | None:
    raw = (field.metadata or {}).get(key) if pa.types.is_floating(field.type) else None
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < _DECIMAL_DIGITS else None


def with_least_decimals(column: pa.Array, places: int) -> pa.Array:
    """A number column as text, each value as short as it may be but with at least
    ``places`` decimals (`16` is `16.0`, `5.25` stays); a value not written plainly
    (`1e+20`, `nan`, `inf`) as Arrow writes it. Null stays null."""
    text = pc.cast(column, pa.string())
    plain = pc.and_(pc.is_finite(column), pc.invert(pc.match_substring(text, "e")))
    point = pc.find_substring(text, ".")
    written = pc.if_else(
        pc.equal(point, -1), 0, pc.subtract(pc.subtract(pc.utf8_length(text), point), 1)
    )
    # The zeros each value lacks (a point first where it has none), one pass per count.
    suffix = pa.scalar("", pa.string())
    for have in range(places):
        lacking = ("." if have == 0 else "") + "0" * (places - have)
        suffix = pc.if_else(pc.and_(plain, pc.equal(written, have)), lacking, suffix)
    return pc.binary_join_element_wise(text, suffix, "")


def written_numbers(field: pa.Field, column: pa.Array) -> pa.Array | None:
    """A number column as the upload wrote it (its fixed or least decimals), as text; None
    for a column without a written form, or whose values do not fit one."""
    places = written_decimals(field)
    if places is not None:
        fixed = _as_decimals(column, places)
        return None if fixed is column else pc.cast(fixed, pa.string())
    least = least_decimals(field)
    return with_least_decimals(column, least) if least is not None else None


def with_decimals(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Number columns with their written decimals, as decimals (which CSV writes `8.0`,
    where a float is written `8`); a column whose values do not fit (an infinity, more
    digits than Decimal128 holds) is left as it is."""
    columns = []
    for field, column in zip(schema, batch.columns, strict=True):
        places = written_decimals(field)
        if places is not None:
            column = _as_decimals(column, places)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _as_decimals(column: pa.Array, places: int) -> pa.Array:
    present = column.drop_null()
    if len(present) and not pc.all(pc.is_finite(present)).as_py():
        return column
    largest = pc.max(pc.abs(present)).as_py() if len(present) else 0.0
    if largest >= 10.0 ** (_DECIMAL_DIGITS - places - 1):
        return column
    return pc.cast(column, pa.decimal128(_DECIMAL_DIGITS, places), safe=False)


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
