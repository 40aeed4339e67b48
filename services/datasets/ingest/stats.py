"""Column statistics and a correlation matrix for charts, computed once at ingestion.

Counts, moments, extremes and histograms are exact and streamed batch by batch; distinct
counts are exact up to a cap; quantiles and correlations use a bounded uniform row sample.
"""

from __future__ import annotations

import math
from typing import Any

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel

from .correlation import CorrelationMatrix, correlation_matrix
from .parquet_io import iter_batches, open_parquet, plain_schema

BATCH_ROWS = 65_536
HISTOGRAM_BINS = 20
TOP_CATEGORIES = 20
QUANTILES = (1, 5, 25, 50, 75, 95, 99)
# Bounds on memory: distinct values tracked over all columns (a count, and bytes for long
# text values), and cells and bytes in the row sample.
DISTINCT_BUDGET = 1_000_000
DISTINCT_BYTES = 16 * 1024 * 1024
SAMPLE_CELLS = 2_000_000
SAMPLE_BYTES = 16 * 1024 * 1024
MAX_SAMPLE_ROWS = 50_000


class HistogramBin(BaseModel):
    start: float
    end: float
    count: int


class CategoryCount(BaseModel):
    value: str
    count: int


class NumericSummary(BaseModel):
    min: float | None
    max: float | None
    mean: float | None
    std: float | None
    quantiles: dict[str, float | None]
    histogram: list[HistogramBin]


class ColumnStats(BaseModel):
    """`count` is the number of non-null values; `distinct` is a lower bound when approximate."""

    name: str
    type: str
    count: int
    nulls: int
    distinct: int
    distinct_approximate: bool
    numeric: NumericSummary | None = None
    top_categories: list[CategoryCount] | None = None
    datetime_min: str | None = None
    datetime_max: str | None = None


class DatasetStats(BaseModel):
    row_count: int
    columns: list[ColumnStats]
    correlation: CorrelationMatrix


def _is_numeric(data_type: pa.DataType) -> bool:
    return pa.types.is_integer(data_type) or pa.types.is_floating(data_type)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class _ColumnAccumulator:
    """Streaming count, nulls, distinct values, extremes and moments (Chan's merge)."""

    def __init__(
        self, name: str, data_type: pa.DataType, distinct_cap: int, distinct_bytes: int
    ) -> None:
        self.name, self.type = name, data_type
        self.count = self.nulls = 0
        # Distinct values and their counts, in order of first appearance; None past the cap.
        self.values: pa.Table | None = pa.table(
            {"value": pa.array([], data_type), "count": pa.array([], pa.int64())}
        )
        self.distinct_cap = distinct_cap
        self.distinct_bytes = distinct_bytes
        self.low: Any = None
        self.high: Any = None
        self.mean = self.m2 = 0.0

    def add(self, column: pa.Array) -> None:
        self.nulls += column.null_count
        values = column.drop_null()
        self.count += len(values)
        if len(values) == 0:
            return
        self._add_distinct(values)
        if _is_numeric(self.type) or pa.types.is_timestamp(self.type):
            extremes = pc.min_max(values).as_py()
            self.low = extremes["min"] if self.low is None else min(self.low, extremes["min"])
            self.high = extremes["max"] if self.high is None else max(self.high, extremes["max"])
        if _is_numeric(self.type):
            self._add_moments(values.to_numpy(zero_copy_only=False).astype(np.float64))

    def _add_distinct(self, values: pa.Array) -> None:
        # Merged in Arrow, not in a Python Counter: per-value Python work was the slowest
        # part of the statistics on high-cardinality columns.
        if self.values is None:
            return
        counted = pc.value_counts(values).flatten()
        batch = pa.table({"value": counted[0], "count": counted[1].cast(pa.int64())})
        merged = pa.concat_tables([self.values, batch])
        # Without threads, groups keep the order in which values first appeared.
        summed = merged.group_by("value", use_threads=False).aggregate([("count", "sum")])
        self.values = pa.table({"value": summed["value"], "count": summed["count_sum"]})
        if self.values.num_rows > self.distinct_cap or self.values.nbytes > self.distinct_bytes:
            self.values = None

    def most_common(self, n: int) -> list[tuple[Any, int]]:
        """The `n` most frequent values; ties in order of first appearance (stable sort)."""
        if self.values is None:
            return []
        order = pc.sort_indices(self.values, sort_keys=[("count", "descending")])
        top = self.values.take(order[:n])
        return list(zip(top["value"].to_pylist(), top["count"].to_pylist(), strict=True))

    def _add_moments(self, array: np.ndarray) -> None:
        known = self.count - len(array)
        batch_mean = float(array.mean())
        delta = batch_mean - self.mean
        total = known + len(array)
        self.mean += delta * len(array) / total
        self.m2 += float(((array - batch_mean) ** 2).sum()) + delta**2 * known * len(array) / total

    def std(self) -> float | None:
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else None


def compute_stats(fs: fsspec.AbstractFileSystem, parquet_path: str, seed: int = 0) -> DatasetStats:
    """Stream the typed Parquet file twice (summaries, then histograms) and describe it."""
    with fs.open(parquet_path, "rb") as source:
        parquet = open_parquet(source)
        schema = plain_schema(parquet)
        cap = max(1000, min(100_000, DISTINCT_BUDGET // max(len(schema), 1)))
        size = max(1024 * 1024, DISTINCT_BYTES // max(len(schema), 1))
        accumulators = [_ColumnAccumulator(f.name, f.type, cap, size) for f in schema]
        sample = _summarise(parquet, accumulators, seed)
        histograms = _histograms(parquet, accumulators)
    columns = [_column_stats(acc, sample, histograms.get(acc.name)) for acc in accumulators]
    return DatasetStats(
        row_count=parquet.metadata.num_rows,
        columns=columns,
        correlation=correlation_matrix(sample.to_pandas()),
    )


def _summarise(
    parquet: pq.ParquetFile, accumulators: list[_ColumnAccumulator], seed: int
) -> pa.Table:
    """Feed every batch to the accumulators and keep a uniform bottom-k row sample.

    k shrinks when the sample would hold more than SAMPLE_BYTES (long text values); the
    rows kept are still those with the k smallest keys of all rows seen, so still uniform.
    """
    rows = max(1000, min(MAX_SAMPLE_ROWS, SAMPLE_CELLS // max(len(accumulators), 1)))
    rng = np.random.default_rng(seed)
    sample, keys = None, np.empty(0)
    for batch in iter_batches(parquet, BATCH_ROWS):
        for accumulator, column in zip(accumulators, batch.columns, strict=True):
            accumulator.add(column)
        table = pa.Table.from_batches([batch])
        sample = table if sample is None else pa.concat_tables([sample, table])
        keys = np.concatenate([keys, rng.random(batch.num_rows)])
        if sample.nbytes > SAMPLE_BYTES:
            rows = max(1, min(rows, int(len(keys) * SAMPLE_BYTES / sample.nbytes)))
        if len(keys) > rows:
            keep = np.sort(np.argpartition(keys, rows)[:rows])
            sample, keys = sample.take(pa.array(keep)), keys[keep]
    return sample if sample is not None else plain_schema(parquet).empty_table()


def _histograms(
    parquet: pq.ParquetFile, accumulators: list[_ColumnAccumulator]
) -> dict[str, list[HistogramBin]]:
    numeric = [acc for acc in accumulators if _is_numeric(acc.type) and acc.low is not None]
    if not numeric:
        return {}
    edges = {
        acc.name: np.histogram_bin_edges([acc.low, acc.high], HISTOGRAM_BINS) for acc in numeric
    }
    counts = {name: np.zeros(HISTOGRAM_BINS, dtype=np.int64) for name in edges}
    names = [acc.name for acc in numeric]
    for batch in iter_batches(parquet, BATCH_ROWS, names):
        for name, column in zip(names, batch.columns, strict=True):
            values = column.drop_null().to_numpy(zero_copy_only=False).astype(np.float64)
            counts[name] += np.histogram(values[np.isfinite(values)], bins=edges[name])[0]
    return {
        name: [
            HistogramBin(start=float(edges[name][i]), end=float(edges[name][i + 1]), count=int(c))
            for i, c in enumerate(counts[name])
        ]
        for name in names
    }


def _column_stats(
    acc: _ColumnAccumulator, sample: pa.Table, histogram: list[HistogramBin] | None
) -> ColumnStats:
    stats = ColumnStats(
        name=acc.name,
        type=str(acc.type),
        count=acc.count,
        nulls=acc.nulls,
        distinct=acc.values.num_rows if acc.values is not None else acc.distinct_cap,
        distinct_approximate=acc.values is None,
    )
    if _is_numeric(acc.type):
        stats.numeric = _numeric_summary(acc, sample.column(acc.name), histogram or [])
    elif pa.types.is_timestamp(acc.type):
        stats.datetime_min = acc.low.isoformat() if acc.low is not None else None
        stats.datetime_max = acc.high.isoformat() if acc.high is not None else None
    elif acc.values is not None:
        stats.top_categories = [
            CategoryCount(value=str(value), count=count)
            for value, count in acc.most_common(TOP_CATEGORIES)
        ]
    return stats


def _numeric_summary(
    acc: _ColumnAccumulator, sampled: pa.ChunkedArray, histogram: list[HistogramBin]
) -> NumericSummary:
    values = sampled.drop_null().to_numpy().astype(np.float64)
    values = values[np.isfinite(values)]
    quantiles = np.percentile(values, QUANTILES) if len(values) else [None] * len(QUANTILES)
    return NumericSummary(
        min=_finite(None if acc.low is None else float(acc.low)),
        max=_finite(None if acc.high is None else float(acc.high)),
        mean=_finite(acc.mean) if acc.count else None,
        std=_finite(acc.std()),
        quantiles={
            f"p{q}": _finite(None if v is None else float(v))
            for q, v in zip(QUANTILES, quantiles, strict=True)
        },
        histogram=histogram,
    )
