"""Which columns the report measures, and how their values become numbers.

Metadata is the platform's: {"columns": {name: {"sdtype": ..., "datetime_format": ...}},
"primary_key": ...}. Numerical, datetime, categorical and boolean columns are measured;
ids and PII kinds (email, phone_number, ...) are excluded, because their synthetic values
are fake by design and say nothing about fidelity or privacy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common.date_formats import parsing_format
from common.timestamps import epoch_seconds
from services.evaluation.report.errors import ReportError

NUMERICAL = "numerical"
DATETIME = "datetime"
CATEGORICAL_SDTYPES = frozenset({"categorical", "boolean"})


@dataclass(frozen=True)
class ColumnPlan:
    """The measured columns by kind, in metadata order, and the excluded ones."""

    sdtypes: dict[str, str]
    datetime_formats: dict[str, str | None]
    primary_key: str | None

    @property
    def measured(self) -> list[str]:
        return [name for name, sdtype in self.sdtypes.items() if kind_of(sdtype) is not None]

    @property
    def excluded(self) -> list[str]:
        return [name for name, sdtype in self.sdtypes.items() if kind_of(sdtype) is None]

    @property
    def categorical(self) -> list[str]:
        return [name for name in self.measured if self.kind(name) == "categorical"]

    @property
    def continuous(self) -> list[str]:
        """Numerical and datetime columns: the ones measured on a number line."""
        return [name for name in self.measured if self.kind(name) != "categorical"]

    def kind(self, column: str) -> str | None:
        return kind_of(self.sdtypes[column])


def kind_of(sdtype: str) -> str | None:
    """'numerical', 'datetime' or 'categorical' for measured sdtypes; None for ids and PII."""
    if sdtype in (NUMERICAL, DATETIME):
        return sdtype
    if sdtype in CATEGORICAL_SDTYPES:
        return "categorical"
    return None


def plan_columns(metadata: Mapping[str, Any], frames: Mapping[str, pd.DataFrame]) -> ColumnPlan:
    """Read the metadata and check every table has every column and at least one row."""
    columns = metadata.get("columns") if isinstance(metadata, Mapping) else None
    if not isinstance(columns, Mapping) or not columns:
        raise ReportError("metadata must have a non-empty 'columns' mapping", field="metadata")
    sdtypes: dict[str, str] = {}
    formats: dict[str, str | None] = {}
    for name, spec in columns.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("sdtype"), str):
            raise ReportError(f"column {name!r} has no sdtype", field="metadata")
        sdtypes[str(name)] = spec["sdtype"]
        formats[str(name)] = spec.get("datetime_format")
    for table, frame in frames.items():
        if frame.empty:
            raise ReportError(f"the {table} table has no rows", field=table)
        missing = [name for name in sdtypes if name not in frame.columns]
        if missing:
            raise ReportError(f"the {table} table lacks columns {missing}", field=table)
    plan = ColumnPlan(sdtypes, formats, metadata.get("primary_key"))
    if not plan.measured:
        raise ReportError(
            "no numerical, datetime or categorical column to measure", field="metadata"
        )
    return plan


def conform_to(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    """`synthetic` with the real table's column order and dtypes (columns the real table
    lacks, such as an anomaly flag, follow), so that no score differs for a dtype alone:
    batches written by older engines came back as `string`/`Int64` or with other
    timestamp precisions."""
    data: dict[str, pd.Series] = {}
    for name in real.columns:
        if name in synthetic.columns:
            data[name] = _as_dtype(synthetic[name].reset_index(drop=True), real[name].dtype)
    for name in synthetic.columns:
        if name not in data:
            data[name] = synthetic[name].reset_index(drop=True)
    return pd.DataFrame(data, index=pd.RangeIndex(len(synthetic)))


def _as_dtype(values: pd.Series, dtype: Any) -> pd.Series:
    if values.dtype == dtype:
        return values
    try:
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return pd.to_datetime(values, errors="coerce").astype(dtype)
        if pd.api.types.is_bool_dtype(dtype):
            if values.isna().any():
                return values.astype(object)
            return values.map(_as_bool).astype(dtype)
        if pd.api.types.is_numeric_dtype(dtype):
            numbers = pd.to_numeric(values, errors="coerce")
            if pd.api.types.is_integer_dtype(dtype) and numbers.notna().all():
                return numbers.round(0).astype(dtype)
            return numbers.astype("float64")
        return values.map(lambda v: None if pd.isna(v) else str(v)).astype(dtype)
    except (TypeError, ValueError, OverflowError):
        return values


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "t", "y")
    return bool(value)


def as_numbers(series: pd.Series, kind: str | None, datetime_format: str | None) -> np.ndarray:
    """Float64 values of a numerical or datetime column (datetimes in seconds); NaN if missing."""
    if kind == DATETIME:
        if pd.api.types.is_datetime64_any_dtype(series):
            stamps = pd.to_datetime(series, errors="coerce")
        else:
            fmt = datetime_format and parsing_format(datetime_format)
            stamps = pd.to_datetime(series, format=fmt, errors="coerce")
        return epoch_seconds(stamps).to_numpy(dtype="float64")
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def as_labels(series: pd.Series) -> pd.Series:
    """Categorical values as strings with missing values kept as None, for stable comparison."""
    return series.map(lambda value: None if pd.isna(value) else str(value))


def sample_frame(frame: pd.DataFrame, max_rows: int | None, seed: int) -> pd.DataFrame:
    """At most `max_rows` rows drawn without replacement (all rows where None or fewer)."""
    if max_rows is None or len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed)


def canonical_frame(frame: pd.DataFrame, plan: ColumnPlan) -> pd.DataFrame:
    """The measured columns only: continuous ones as float64 (datetimes in seconds),
    categorical ones as strings with None for missing, on a fresh 0..n-1 index."""
    data: dict[str, Any] = {}
    for column in plan.measured:
        kind = plan.kind(column)
        if kind == "categorical":
            data[column] = as_labels(frame[column]).to_numpy(dtype=object)
        else:
            data[column] = as_numbers(frame[column], kind, plan.datetime_formats[column])
    return pd.DataFrame(data)
