"""The training split on the worker's disk, read as a stream of Arrow record batches.

A split is never held whole in memory: the profile (what sampling needs: min/max, the
categories and their counts, null shares, ...) is built batch by batch and merged, over
every row; an engine gets the rows it learns from, at most ``max_rows`` of them. A larger
split is learned from a seeded uniform sample of exactly ``max_rows`` rows, taken as the
batches go by: the same seed and split give the same rows, in the split's order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from common.durations import duration_format
from services.training.engines.derived import DerivedRules
from services.training.engines.fake_locale import guess_locale
from services.training.engines.precision import merged_counts, merged_levels
from services.training.engines.profile import (
    ColumnKind,
    ColumnProfile,
    TableProfile,
    _is_time,
    _profile_column,
    build_profile,
    column_kind,
    columns_metadata,
)

# Rows per record batch read from a Parquet or CSV split (an IPC stream keeps its own).
BATCH_ROWS = 65_536
# Finest first: a merged datetime column has the finest unit any batch had.
_UNITS: tuple[str | None, ...] = (None, "s", "min", "h", "D", "M", "Y")


def read_schema(path: Path) -> pa.Schema:
    return _open(path)[0]


def iter_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The split's rows, one record batch at a time (an ``.arrows`` IPC stream as the
    datasets service sends it, a Parquet or a CSV file)."""
    return _open(path)[1]


def _open(path: Path) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    if path.suffix == ".csv":  # tests and benchmarks only: pandas' own type inference
        table = pa.Table.from_pandas(pd.read_csv(path), preserve_index=False)
        return table.schema, iter(table.to_batches(BATCH_ROWS))
    if path.suffix == ".parquet":
        parquet = pq.ParquetFile(path)
        return parquet.schema_arrow, parquet.iter_batches(batch_size=BATCH_ROWS)
    # Read, not memory-mapped: the pages of a mapping that were read count in the process's
    # RSS (and the pod's cgroup) while it lives, so one pass over a 1.6 GB split would show
    # as 1.6 GB (with a mapping, the 10,000,000-row run's engine process grew steadily, 600
    # to 970 MB, in its first minutes of profiling).
    reader = ipc.open_stream(pa.OSFile(str(path)))
    return reader.schema, iter(reader)


def count_rows(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return sum(batch.num_rows for batch in iter_batches(path))


def sample_rows(total: int, max_rows: int, seed: int) -> np.ndarray | None:
    """The sorted row numbers of the seeded sample, or None when every row is used."""
    if total <= max_rows:
        return None
    rng = np.random.default_rng([seed, total, max_rows])
    return np.sort(rng.choice(total, size=max_rows, replace=False))


def read_rows(path: Path, rows: np.ndarray | None) -> pa.Table:
    """The rows numbered ``rows`` (sorted), or every row; one batch in memory besides them."""
    schema, batches = _open(path)
    if rows is None:
        return pa.Table.from_batches(list(batches), schema)
    kept: list[pa.RecordBatch] = []
    start = 0
    for batch in batches:
        end = start + batch.num_rows
        lo, hi = np.searchsorted(rows, [start, end])
        if hi > lo:
            kept.append(batch.take(pa.array(rows[lo:hi] - start)))
        start = end
    return pa.Table.from_batches(kept, schema)


def stream_profile(path: Path, metadata: Mapping[str, Any]) -> tuple[TableProfile, int]:
    """The profile of every row of the split at ``path`` and its row count, built one
    record batch at a time; ids (whose uniqueness and step need the whole column) are
    profiled from their own column alone."""
    schema, batches = _open(path)
    meta = columns_metadata(metadata)
    merged: dict[str, _Column] = {}
    first: pd.DataFrame | None = None
    finder: DerivedRules | None = None
    total = 0
    for batch in batches:
        frame = batch.to_pandas()
        first = frame if first is None else first
        total += len(frame)
        for name in frame.columns:
            kind = _kind(frame[name], name, meta, metadata)
            column = merged.setdefault(name, _Column(name, kind, meta.get(name) or {}))
            column.add(frame[name])
        if finder is None:
            finder = DerivedRules({name: column.kind for name, column in merged.items()})
        finder.add(frame)
    if first is None:  # an empty split: its types still count
        return build_profile(schema.empty_table().to_pandas(), metadata, schema), 0
    ids = [name for name, column in merged.items() if column.kind == "id"]
    id_profiles = _id_profiles(path, ids, metadata, schema)
    columns = []
    for name, column in merged.items():
        profiled = id_profiles.get(name) or column.profile()
        time_format = (meta.get(name) or {}).get("datetime_format") if _is_time(profiled) else None
        columns.append(
            replace(
                profiled,
                arrow_type=str(schema.field(name).type),
                null_share=column.nulls / total,
                datetime_format=time_format,
                written_decimals=(meta.get(name) or {}).get("decimals"),
                least_decimals=(meta.get(name) or {}).get("least_decimals"),
                duration_format=duration_format(schema.field(name)),
            )
        )
    found = finder.found() if finder is not None else {}
    profile = TableProfile(
        columns=tuple(columns),
        locale=guess_locale(first, columns),
        missing_value=metadata.get("missing_value"),
        **found,
    )
    return profile, total


def _kind(
    series: pd.Series, name: str, meta: Mapping[str, Any], metadata: Mapping[str, Any]
) -> ColumnKind:
    kind = column_kind(series, meta.get(name))
    return "id" if name == metadata.get("primary_key") and kind != "pii" else kind


def _id_profiles(
    path: Path, names: list[str], metadata: Mapping[str, Any], schema: pa.Schema
) -> dict[str, ColumnProfile]:
    if not names:
        return {}
    own = pa.schema([schema.field(name) for name in names])
    table = pa.Table.from_batches([batch.select(names) for batch in iter_batches(path)], own)
    profile = build_profile(table.to_pandas(), metadata, schema)
    return {column.name: column for column in profile.columns}


@dataclass
class _Column:
    """One column's profile so far, merged from the batches seen."""

    name: str
    kind: ColumnKind
    meta: Mapping[str, Any]
    nulls: int = 0
    parts: list[ColumnProfile] = field(default_factory=list)
    # Numbers: count, mean and sum of squared deviations (Chan et al.'s pairwise merge).
    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    counts: dict[Any, int] = field(default_factory=dict)

    def add(self, series: pd.Series) -> None:
        self.nulls += int(series.isna().sum())
        if self.kind == "id":
            return
        part = _profile_column(series, self.kind, self.meta)
        if self.kind == "categorical":
            for value, count in zip(part.categories, part.category_counts, strict=True):
                self.counts[value] = self.counts.get(value, 0) + count
            return
        if part.minimum is None and self.parts:  # no values in this batch
            return
        self.parts = [self._merge(part)] if self.parts else [part]
        if self.kind == "numeric" and part.minimum is not None:
            self._add_moments(pd.to_numeric(series, errors="coerce").dropna())

    def _merge(self, part: ColumnProfile) -> ColumnProfile:
        seen = self.parts[0]
        if part.minimum is None:
            return seen
        if seen.minimum is None:
            return part
        assert seen.maximum is not None and part.maximum is not None
        merged = replace(
            seen, minimum=min(seen.minimum, part.minimum), maximum=max(seen.maximum, part.maximum)
        )
        if self.kind == "numeric":
            decimals = None
            if seen.decimals is not None and part.decimals is not None:
                decimals = max(seen.decimals, part.decimals)
            clock = ()  # a clock in every batch, its minutes counted over all
            if seen.clock_minutes and part.clock_minutes:
                clock = tuple(
                    a + b for a, b in zip(seen.clock_minutes, part.clock_minutes, strict=True)
                )
            integer = seen.integer and part.integer
            levels = merged_levels(seen.levels, part.levels)
            counts = merged_counts(
                seen.levels or (), seen.level_counts, part.levels or (), part.level_counts, levels
            )
            return replace(
                merged,
                integer=integer,
                decimals=decimals,
                clock_minutes=clock,
                levels=levels,
                level_counts=() if integer else counts,
            )
        if self.kind == "datetime":
            unit = min(_UNITS.index(seen.datetime_unit), _UNITS.index(part.datetime_unit))
            return replace(merged, datetime_unit=_UNITS[unit])
        return merged

    def _add_moments(self, values: pd.Series) -> None:
        numbers = values.to_numpy(dtype="float64")
        n, mean = len(numbers), float(numbers.mean())
        m2 = float(((numbers - mean) ** 2).sum())
        total = self.count + n
        delta = mean - self.mean
        self.m2 += m2 + delta * delta * self.count * n / total
        self.mean += delta * n / total
        self.count = total

    def profile(self) -> ColumnProfile:
        if self.kind == "categorical":
            ordered = sorted(self.counts.items(), key=lambda item: -item[1])
            return ColumnProfile(
                self.name,
                self.kind,
                categories=tuple(value for value, _ in ordered),
                category_counts=tuple(count for _, count in ordered),
            )
        part = self.parts[0] if self.parts else ColumnProfile(self.name, self.kind)
        if self.kind == "numeric" and self.count:
            return replace(part, std=math.sqrt(self.m2 / self.count))
        return part
