"""A small summary of the training table, stored with every model.

Sampling needs it without loading the model: to validate conditions, to clip values to
the real min/max (bounds) and to know what an out-of-range value (anomaly) looks like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd

ColumnKind = Literal["numeric", "categorical", "datetime", "other"]

_KIND_BY_SDTYPE: dict[str, ColumnKind] = {
    "numerical": "numeric",
    "categorical": "categorical",
    "boolean": "categorical",
    "datetime": "datetime",
}


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    kind: ColumnKind
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    std: float | None = None
    # Categories ordered from most to least frequent (JSON-friendly values).
    categories: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TableProfile:
    columns: tuple[ColumnProfile, ...]

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [asdict(c) for c in self.columns]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableProfile:
        return cls(
            columns=tuple(
                ColumnProfile(**{**c, "categories": tuple(c["categories"])})
                for c in data["columns"]
            )
        )


def column_kind(series: pd.Series, column_metadata: Mapping[str, Any] | None) -> ColumnKind:
    """The kind from our metadata's sdtype, else from the pandas dtype."""
    sdtype = (column_metadata or {}).get("sdtype")
    if sdtype is not None:
        return _KIND_BY_SDTYPE.get(sdtype, "other")
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "categorical"


def columns_metadata(metadata: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Per-column metadata from either of our two shapes.

    Accepts {"columns": {col: {...}}, "primary_key": ...} (SDV's single-table layout) and the
    flat {col: {"sdtype": ...}, "primary_key": ...} layout the datasets service stores.
    """
    if isinstance(metadata.get("columns"), Mapping):
        return dict(metadata["columns"])
    return {k: v for k, v in metadata.items() if isinstance(v, Mapping)}


def build_profile(table: pd.DataFrame, metadata: Mapping[str, Any]) -> TableProfile:
    """Summarise `table` using the sdtypes in `metadata` (see `columns_metadata`)."""
    columns_meta = columns_metadata(metadata)
    return TableProfile(
        columns=tuple(
            _profile_column(table[name], column_kind(table[name], columns_meta.get(name)))
            for name in table.columns
        )
    )


def _profile_column(series: pd.Series, kind: ColumnKind) -> ColumnProfile:
    name = str(series.name)
    if kind == "numeric":
        values = pd.to_numeric(series, errors="coerce").dropna()
        if values.empty:
            return ColumnProfile(name, kind)
        return ColumnProfile(
            name,
            kind,
            integer=bool(pd.api.types.is_integer_dtype(series) or (values % 1 == 0).all()),
            minimum=float(values.min()),
            maximum=float(values.max()),
            std=float(values.std(ddof=0)),
        )
    if kind == "categorical":
        counts = series.dropna().value_counts()
        return ColumnProfile(name, kind, categories=tuple(_plain(v) for v in counts.index))
    return ColumnProfile(name, kind)


def _plain(value: Any) -> Any:
    # numpy scalars are not JSON serialisable; .item() turns them into Python values.
    return value.item() if hasattr(value, "item") else value
