"""A conformed chunk of synthetic rows (`conform`) as an Arrow table of the real schema: the
real Arrow types, a total rounded to its parts' precision (`0.43000000000000005` is `0.43`),
and in metadata what the exports read: datetime formats, written decimals, the written form
of durations stored as seconds (`38:31:00`) and the upload's missing-value token."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from common.durations import DURATION_FORMAT_KEY
from services.training.engines.precision import sum_decimals
from services.training.engines.profile import ColumnProfile, TableProfile
from services.training.export_values import (
    DATETIME_FORMAT_KEY,
    DECIMALS_KEY,
    LEAST_DECIMALS_KEY,
    MISSING_VALUE_KEY,
)


def arrow_schema(profile: TableProfile) -> pa.Schema:
    """The real table's schema as the profile recorded it (strings where it did not), with
    how the upload wrote its values: datetime formats, decimals, durations' forms and the
    missing-value token."""
    fields = []
    for column in profile.columns:
        data_type = _data_type(column)
        metadata = None
        if column.datetime_format:
            metadata = {DATETIME_FORMAT_KEY: column.datetime_format.encode()}
        elif column.written_decimals and pa.types.is_floating(data_type):
            metadata = {DECIMALS_KEY: str(column.written_decimals).encode()}
        elif column.least_decimals and pa.types.is_floating(data_type):
            metadata = {LEAST_DECIMALS_KEY: str(column.least_decimals).encode()}
        elif column.duration_format and pa.types.is_integer(data_type):
            metadata = {DURATION_FORMAT_KEY: column.duration_format.encode()}
        fields.append(pa.field(column.name, data_type, metadata=metadata))
    written = {MISSING_VALUE_KEY: profile.missing_value.encode()} if profile.missing_value else None
    return pa.schema(fields, metadata=written)


def _data_type(column: ColumnProfile) -> pa.DataType:
    if column.arrow_type:
        try:
            return _parse_type(column.arrow_type)
        except (ValueError, KeyError):
            pass
    if column.kind == "datetime":
        return pa.timestamp("ms")
    if column.kind == "numeric":
        return pa.int64() if column.integer else pa.float64()
    if column.kind == "id" and column.id_shape == ("int",):
        return pa.int64()
    return pa.string()


def _parse_type(name: str) -> pa.DataType:
    if name.startswith("timestamp["):
        unit, _, tz = name[len("timestamp[") : -1].partition(", tz=")
        return pa.timestamp(unit, tz or None)
    if name in ("string", "large_string", "large_utf8", "utf8"):
        return pa.string()
    if name == "date32[day]":
        return pa.date32()
    return pa.type_for_alias(name)


def to_arrow(rows: pd.DataFrame, profile: TableProfile) -> pa.Table:
    """A conformed chunk as an Arrow table of the real schema (extra columns appended)."""
    schema = arrow_schema(profile)
    arrays, fields = [], []
    written = sum_decimals(profile)
    for field in schema:
        arrays.append(_array(rows[field.name], field.type, written.get(field.name)))
        fields.append(field)
    for name in rows.columns:
        if name not in schema.names:
            array = pa.array(rows[name], from_pandas=True)
            arrays.append(array)
            fields.append(pa.field(name, array.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema.metadata))


def _array(values: pd.Series, data_type: pa.DataType, decimals: int | None = None) -> pa.Array:
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        text = [None if pd.isna(v) else str(v) for v in values]
        return pa.array(text, data_type)
    if pa.types.is_integer(data_type):
        numbers = pd.to_numeric(values, errors="coerce")
        return pa.array(numbers.round(0).astype("Int64"), data_type, from_pandas=True)
    if pa.types.is_boolean(data_type):
        flags = [None if pd.isna(v) else _as_bool(v) for v in values]
        return pa.array(flags, data_type)
    if pa.types.is_timestamp(data_type) or pa.types.is_date(data_type):
        stamps = pd.to_datetime(values, errors="coerce")
        return pa.array(stamps, from_pandas=True).cast(data_type, safe=False)
    if pa.types.is_floating(data_type):
        numbers = pd.to_numeric(values, errors="coerce")
        numbers = numbers if decimals is None else numbers.round(decimals)
        return pa.array(numbers, data_type, from_pandas=True)
    return pa.array(values, from_pandas=True).cast(data_type)


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "t", "y")
    return bool(value)
