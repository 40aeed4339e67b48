"""Per-column semantic types (sdtypes), PII kinds and a primary-key candidate.

SDV's detection (column names, cardinality) is the base; our value checks (regexes, date
formats, yes/no booleans) override it where they are sure. The models are plain pydantic
so they serialise to JSON for storage.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, Field

from .errors import MetadataError
from .typing_rules import DATETIME_FORMATS

logger = logging.getLogger(__name__)

PII_KINDS = frozenset(
    {
        "email", "phone_number", "name", "first_name", "last_name", "address", "city",
        "postal_code", "country", "ip_address", "credit_card_number", "ssn", "url",
    }
)  # fmt: skip
SDTYPES = frozenset({"numerical", "categorical", "boolean", "datetime", "id"}) | PII_KINDS
BOOLEAN_WORDS = frozenset({"yes", "no", "true", "false", "y", "n", "t", "f"})
VALUE_PATTERNS = (
    ("email", re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")),
    ("url", re.compile(r"^https?://\S+$", re.IGNORECASE)),
    ("id", re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)),
    ("ip_address", re.compile(r"^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f:]+:[0-9a-f:]+$", re.IGNORECASE)),
    ("ssn", re.compile(r"^\d{3}-\d{2}-\d{4}$")),
    ("credit_card_number", re.compile(r"^(\d{4}[ -]?){3}\d{1,7}$")),
    ("phone_number", re.compile(r"^\+?\(?\d[\d\s().-]{6,18}\d$")),
)
NAME_HINTS = (
    ("first_name", re.compile(r"^(first|given|fore)[ _-]?name$", re.I)),
    ("last_name", re.compile(r"^(last|family|sur)[ _-]?name$", re.I)),
    ("name", re.compile(r"^(full[ _-]?)?name$", re.I)),
    ("address", re.compile(r"address|street", re.I)),
    ("postal_code", re.compile(r"^(zip|postal|post)[ _-]?(code)?$", re.I)),
    ("city", re.compile(r"^(city|town)$", re.I)),
    ("country", re.compile(r"^country$", re.I)),
)
ID_NAME = re.compile(r"(^|_)id$|Id$|^ID$")
MATCH_SHARE = 0.9
# SDV's detection looks at names and cardinality: a bounded sample is enough, and keeps the
# child process small.
SDV_SAMPLE_ROWS = 50_000
SDV_TIMEOUT_SECONDS = 300


class ColumnMetadata(BaseModel):
    sdtype: str
    datetime_format: str | None = None
    pii: bool = False


class DatasetMetadata(BaseModel):
    columns: dict[str, ColumnMetadata]
    primary_key: str | None = None


class ColumnUpdate(BaseModel):
    sdtype: str
    datetime_format: str | None = None
    pii: bool | None = None


class MetadataUpdate(BaseModel):
    """What the user changes: some columns, and optionally the primary key ("" clears it)."""

    columns: dict[str, ColumnUpdate] = Field(default_factory=dict)
    primary_key: str | None = None


def _sdv_columns(sample: pd.DataFrame) -> tuple[dict[str, dict], str | None]:
    """SDV's detection, in a short-lived child process (see sdv_child) so that what SDV
    loads never stays in the caller; on any failure our own checks still apply."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "services.datasets.ingest.sdv_child"],
            input=_ipc_bytes(sample.head(SDV_SAMPLE_ROWS)),
            capture_output=True,
            timeout=SDV_TIMEOUT_SECONDS,
            check=True,
            # The child imports this package from wherever the caller does.
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        verdict = json.loads(done.stdout)
    except subprocess.CalledProcessError as exc:
        logger.warning(
            "SDV metadata detection failed",
            extra={"fields": {"stderr": exc.stderr.decode(errors="replace")[-2000:]}},
        )
        return {}, None
    except (subprocess.TimeoutExpired, OSError, ValueError):
        logger.warning("SDV metadata detection failed", exc_info=True)
        return {}, None
    return verdict["columns"], verdict["primary_key"]


def _ipc_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _datetime_format(values: pd.Series) -> str | None:
    for fmt in DATETIME_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        if parsed.notna().all():
            return fmt
    return None


def _matches(values: pd.Series, pattern: re.Pattern[str]) -> bool:
    return values.map(lambda v: bool(pattern.match(v))).mean() >= MATCH_SHARE


def _text_column(name: str, values: pd.Series, sdv_type: str | None) -> ColumnMetadata:
    values = values.astype(str).str.strip()
    if len(values) and set(values.str.lower().unique()) <= BOOLEAN_WORDS and values.nunique() <= 2:
        return ColumnMetadata(sdtype="boolean")
    date_format = _datetime_format(values) if len(values) else None
    if date_format:
        return ColumnMetadata(sdtype="datetime", datetime_format=date_format)
    for kind, pattern in VALUE_PATTERNS:
        if len(values) and _matches(values, pattern):
            return ColumnMetadata(sdtype=kind, pii=kind in PII_KINDS)
    for kind, pattern in NAME_HINTS:
        if pattern.search(name):
            return ColumnMetadata(sdtype=kind, pii=True)
    if sdv_type in SDTYPES and sdv_type != "numerical":
        return ColumnMetadata(sdtype=sdv_type, pii=sdv_type in PII_KINDS)
    return ColumnMetadata(sdtype="categorical")


def _column(
    name: str, column: pd.Series, sdv_type: str | None, datetime_format: str | None
) -> ColumnMetadata:
    if pd.api.types.is_bool_dtype(column):
        return ColumnMetadata(sdtype="boolean")
    if pd.api.types.is_datetime64_any_dtype(column):
        return ColumnMetadata(sdtype="datetime", datetime_format=datetime_format or "%Y-%m-%d")
    if pd.api.types.is_numeric_dtype(column):
        unique = column.notna().all() and column.is_unique
        return ColumnMetadata(sdtype="id" if ID_NAME.search(name) and unique else "numerical")
    return _text_column(name, column.dropna(), sdv_type)


def infer_metadata(
    sample: pd.DataFrame, *, row_count: int, datetime_formats: dict[str, str] | None = None
) -> DatasetMetadata:
    """Infer metadata from a sample of the table (`row_count` rows in all).

    `datetime_formats` gives the format ingestion detected for columns already parsed as
    datetimes. The primary key is a unique, non-null id column; on a partial sample only
    a column typed `id` qualifies, since uniqueness is not proven for the rest.
    """
    sdv_columns, sdv_key = _sdv_columns(sample)
    formats = datetime_formats or {}
    columns = {
        str(name): _column(
            str(name), sample[name], sdv_columns.get(name, {}).get("sdtype"), formats.get(name)
        )
        for name in sample.columns
    }
    candidates = [sdv_key] if sdv_key in columns else []
    candidates += [n for n, c in columns.items() if c.sdtype == "id" and n != sdv_key]
    complete = len(sample) >= row_count
    primary_key = next(
        (
            n
            for n in candidates
            if _is_unique(sample[n]) and (complete or columns[n].sdtype == "id")
        ),
        None,
    )
    if primary_key:
        columns[primary_key].sdtype = "id"
    return DatasetMetadata(columns=columns, primary_key=primary_key)


def _is_unique(column: pd.Series) -> bool:
    return bool(column.notna().all() and column.is_unique)


def _column_problems(name: str, update: ColumnUpdate, column: pd.Series) -> list[str]:
    values = column.dropna()
    if update.sdtype not in SDTYPES:
        return [f"unknown sdtype {update.sdtype!r} (expected one of {', '.join(sorted(SDTYPES))})"]
    numeric = pd.api.types.is_numeric_dtype(column)
    if update.sdtype == "numerical" and pd.api.types.is_datetime64_any_dtype(column):
        return ["numerical, but the values are dates and times"]
    if update.sdtype == "numerical" and not numeric and _has_non_numbers(values):
        return ["numerical, but some values are not numbers"]
    if update.sdtype == "boolean" and values.nunique() > 2:
        return [f"boolean, but it has {values.nunique()} distinct values"]
    if update.sdtype == "datetime":
        return _datetime_problems(update.datetime_format, column)
    return []


def _has_non_numbers(values: pd.Series) -> bool:
    return bool(pd.to_numeric(values, errors="coerce").isna().any())


def _datetime_problems(fmt: str | None, column: pd.Series) -> list[str]:
    if not fmt or "%" not in fmt:
        return ["datetime needs a datetime_format such as '%Y-%m-%d'"]
    if pd.api.types.is_datetime64_any_dtype(column):
        return []
    values = column.dropna().astype(str).str.strip()
    if pd.to_datetime(values, format=fmt, errors="coerce").isna().any():
        return [f"datetime_format {fmt!r} does not parse every value"]
    return []


def validate_metadata_update(
    current: DatasetMetadata, update: MetadataUpdate, *, sample: pd.DataFrame
) -> DatasetMetadata:
    """Apply `update` to `current` after checking it against a sample of the data.

    Raises MetadataError listing every (column, problem) pair; nothing is applied then.
    """
    problems: list[tuple[str, str]] = []
    columns = {name: column.model_copy() for name, column in current.columns.items()}
    for name, change in update.columns.items():
        if name not in columns:
            problems.append((name, "unknown column"))
            continue
        problems += [(name, p) for p in _column_problems(name, change, sample[name])]
        pii = change.pii if change.pii is not None else change.sdtype in PII_KINDS
        columns[name] = ColumnMetadata(
            sdtype=change.sdtype, datetime_format=change.datetime_format, pii=pii
        )
    primary_key = current.primary_key
    if update.primary_key is not None:
        primary_key = update.primary_key or None
    if primary_key is not None and primary_key not in columns:
        problems.append((primary_key, "unknown column for the primary key"))
    elif primary_key is not None and not _is_unique(sample[primary_key]):
        problems.append((primary_key, "primary key values are not unique and non-null"))
    if problems:
        raise MetadataError(problems)
    return DatasetMetadata(columns=columns, primary_key=primary_key)
