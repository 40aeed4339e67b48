"""Column statistics and a correlation matrix for charts, computed once at ingestion.

Counts, moments, extremes and histograms are exact and streamed batch by batch; distinct
counts are exact up to a cap; quantiles and correlations use a bounded uniform row sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from .columns import each_column
from .correlation import CorrelationMatrix, correlation_matrix
from .parquet_io import iter_batches, open_parquet, plain_schema

BATCH_ROWS = 65_536
HISTOGRAM_BINS = 20
TOP_CATEGORIES = 20
QUANTILES = (1, 5, 25, 50, 75, 95, 99)
# Batches whose distinct-value counts are merged at once.
MERGE_BATCHES = 16
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


class DatetimeBin(BaseModel):
    """A bin of a date column's histogram; its bounds are ISO timestamps."""

    start: str
    end: str
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
    datetime_histogram: list[DatetimeBin] | None = None


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
        # Each batch's counts, merged into `values` a few batches at a time.
        self._pending: list[pa.Table] = []
        self._pending_bytes = 0
        self.low: Any = None
        self.high: Any = None
        self.mean = self.m2 = 0.0

    def add(self, column: pa.Array) -> None:
        self.nulls += column.null_count
        # Most columns have no nulls: a kernel call each saved (0.4 CPU-s on 1 GB of CSV).
        values = column.drop_null() if column.null_count else column
        self.count += len(values)
        if len(values) == 0:
            return
        self._add_distinct(values)
        if _is_numeric(self.type) or pa.types.is_timestamp(self.type):
            self._add_extremes(values)
        if _is_numeric(self.type):
            self._add_moments(values.to_numpy(zero_copy_only=False).astype(np.float64))

    def _add_extremes(self, values: pa.Array) -> None:
        # Of the finite values: an "inf" in a CSV is a float, but no range to bin ends at it.
        if pa.types.is_floating(self.type):
            values = values.filter(pc.is_finite(values))
        extremes = pc.min_max(values).as_py()
        if extremes["min"] is None:
            return
        self.low = extremes["min"] if self.low is None else min(self.low, extremes["min"])
        self.high = extremes["max"] if self.high is None else max(self.high, extremes["max"])

    def _add_distinct(self, values: pa.Array) -> None:
        # Merged in Arrow, not in a Python Counter: per-value Python work was the slowest
        # part of the statistics on high-cardinality columns. Merging every batch re-grouped
        # every value kept so far each time; now it is done every MERGE_BATCHES batches.
        if self.values is None:
            return
        counted = pc.value_counts(values).flatten()
        batch = pa.table({"value": counted[0], "count": counted[1].cast(pa.int64())})
        self._pending.append(batch)
        self._pending_bytes += batch.nbytes
        if len(self._pending) >= MERGE_BATCHES or self._pending_bytes > self.distinct_bytes:
            self.merge()

    def merge(self) -> None:
        """Adds the pending batches' counts to `values` (None once past the caps)."""
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if self.values is None or not pending:
            return
        merged = pa.concat_tables([self.values, *pending])
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


class TableStats:
    """The statistics of a table as its batches stream by (a sink of ``ingest``): `start`
    with its schema, `write_batch` for each batch in order, `close`, then `result`, which
    reads the written file's numeric columns once more for their histograms (their bins
    depend on the extremes, known only at the end)."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self.start(pa.schema([]))

    def start(self, schema: pa.Schema) -> None:
        cap = max(1000, min(100_000, DISTINCT_BUDGET // max(len(schema), 1)))
        size = max(1024 * 1024, DISTINCT_BYTES // max(len(schema), 1))
        self._schema = schema
        self._accumulators = [_ColumnAccumulator(f.name, f.type, cap, size) for f in schema]
        self._sample = _Sample(len(schema), self._seed)
        self.rows = 0

    def write_batch(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        if batch.num_columns != len(self._accumulators):
            raise ValueError("the batch does not have the table's columns")
        each_column(lambda i: self._accumulators[i].add(batch.column(i)), batch.num_columns)
        self._sample.add(batch)

    def close(self) -> None:
        for accumulator in self._accumulators:
            accumulator.merge()

    def abort(self) -> None:
        self.start(self._schema)

    def result(self, fs: fsspec.AbstractFileSystem, parquet_path: str) -> DatasetStats:
        """The statistics, with the histograms of the columns whose distinct values were not
        all kept read from the table written at `parquet_path`."""
        histograms = _histograms(lambda: fs.open(parquet_path, "rb"), self._accumulators)
        sample = self._sample.table(self._schema)
        columns = [
            _column_stats(acc, sample, histograms.get(acc.name)) for acc in self._accumulators
        ]
        return DatasetStats(
            row_count=self.rows,
            columns=columns,
            correlation=correlation_matrix(sample.to_pandas()),
        )


def compute_stats(fs: fsspec.AbstractFileSystem, parquet_path: str, seed: int = 0) -> DatasetStats:
    """Stream the typed Parquet file twice (summaries, then histograms) and describe it."""
    stats = TableStats(seed)
    with fs.open(parquet_path, "rb") as source:
        parquet = open_parquet(source)
        stats.start(plain_schema(parquet))
        for batch in iter_batches(parquet, BATCH_ROWS):
            stats.write_batch(batch)
    stats.close()
    return stats.result(fs, parquet_path)


class _Sample:
    """A uniform bottom-k row sample of the batches seen.

    k shrinks when the sample would hold more than SAMPLE_BYTES (long text values); the
    rows kept are still those with the k smallest keys of all rows seen, so still uniform.
    """

    def __init__(self, columns: int, seed: int) -> None:
        self._rows = max(1000, min(MAX_SAMPLE_ROWS, SAMPLE_CELLS // max(columns, 1)))
        self._rng = np.random.default_rng(seed)
        self._sample: pa.Table | None = None
        self._keys = np.empty(0)

    def add(self, batch: pa.RecordBatch) -> None:
        table = pa.Table.from_batches([batch])
        sample = table if self._sample is None else pa.concat_tables([self._sample, table])
        keys = np.concatenate([self._keys, self._rng.random(batch.num_rows)])
        if sample.nbytes > SAMPLE_BYTES:
            self._rows = max(1, min(self._rows, int(len(keys) * SAMPLE_BYTES / sample.nbytes)))
        self._sample, self._keys = sample, keys
        # Cut down to k rows once twice as many are held, not after every batch.
        if len(keys) > 2 * self._rows or sample.nbytes > 2 * SAMPLE_BYTES:
            self._keep_smallest()

    def _keep_smallest(self) -> None:
        if self._sample is None or len(self._keys) <= self._rows:
            return
        keep = np.sort(np.argpartition(self._keys, self._rows)[: self._rows])
        # Column by column on the ingesting threads (what `Table.take` does on one): these
        # takes were 1 of the pass's 8 seconds in the main thread (300 MB of CSV).
        indices, sample = pa.array(keep), self._sample
        taken = each_column(lambda i: sample.column(i).take(indices), sample.num_columns)
        self._sample = pa.Table.from_arrays(taken, schema=sample.schema)
        self._keys = self._keys[keep]

    def table(self, schema: pa.Schema) -> pa.Table:
        self._keep_smallest()
        return self._sample if self._sample is not None else schema.empty_table()


def _histograms(
    open_table: Callable[[], Any], accumulators: list[_ColumnAccumulator]
) -> dict[str, list[HistogramBin] | list[DatetimeBin]]:
    """Equal-width bins of every numeric and date column: HISTOGRAM_BINS of them, or one bin
    holding every value of a column with a single value. A column whose distinct values were
    all kept is binned from them and their counts; the others are read back from the table
    (`open_table`), in one more pass (1 GB of adult: 0.9 s after the pass, now none)."""
    binned = [
        acc
        for acc in accumulators
        if (_is_numeric(acc.type) or pa.types.is_timestamp(acc.type)) and acc.low is not None
    ]
    if not binned:
        return {}
    edges = {acc.name: _bin_edges(acc) for acc in binned}
    counts = {name: np.zeros(len(e) - 1, dtype=np.int64) for name, e in edges.items()}
    unread = []
    for acc in binned:
        if acc.values is None:
            unread.append(acc)
            continue
        weights = acc.values["count"].to_numpy().astype(np.int64)
        counts[acc.name] += _count(acc, acc.values["value"], edges[acc.name], weights)
    if unread:
        with open_table() as source:
            parquet = open_parquet(source)
            for batch in iter_batches(parquet, BATCH_ROWS, [acc.name for acc in unread]):
                for acc, column in zip(unread, batch.columns, strict=True):
                    counts[acc.name] += _count(acc, column.drop_null(), edges[acc.name])
    histograms: dict[str, list[HistogramBin] | list[DatetimeBin]] = {}
    for acc in binned:
        bounds, tally = edges[acc.name], counts[acc.name].tolist()
        if pa.types.is_timestamp(acc.type):
            moments = pa.array(bounds, pa.int64()).cast(acc.type).to_pylist()
            histograms[acc.name] = [
                DatetimeBin(start=moments[i].isoformat(), end=moments[i + 1].isoformat(), count=c)
                for i, c in enumerate(tally)
            ]
        else:
            histograms[acc.name] = [
                HistogramBin(start=float(bounds[i]), end=float(bounds[i + 1]), count=c)
                for i, c in enumerate(tally)
            ]
    return histograms


def _bin_edges(acc: _ColumnAccumulator) -> np.ndarray:
    """The edges of a column's bins. A date's are whole timestamps in the column's own unit,
    computed exactly: as floats, nanoseconds near 1677 or 2262 and microseconds near 9999
    rounded past the range and wrapped (edges of "NaT", or a failed upload). A number's are
    linspace's over half the range, doubled, the same edges but finite when the range
    itself (-1e308 to 1e308) is not. A single value gets one bin from it to itself."""
    if pa.types.is_timestamp(acc.type):
        low, high = pa.array([acc.low, acc.high], acc.type).cast(pa.int64()).to_pylist()
        bins = max(1, min(HISTOGRAM_BINS, high - low))
        return np.array([low + (high - low) * i // bins for i in range(bins + 1)], np.int64)
    low, high = float(acc.low), float(acc.high)
    if low == high:
        return np.array([low, high])
    edges = np.linspace(low / 2, high / 2, HISTOGRAM_BINS + 1) * 2
    edges[0], edges[-1] = low, high
    return edges


def _count(
    acc: _ColumnAccumulator,
    present: pa.Array | pa.ChunkedArray,
    edges: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """How many of ``present`` fall in each bin (each value ``weights`` times, when given:
    distinct values and their counts); the last bin holds its upper edge."""
    bins = len(edges) - 1
    if pa.types.is_timestamp(acc.type):
        # In the unit the extremes were taken in: Parquet stores seconds as milliseconds.
        values = present.cast(acc.type).cast(pa.int64()).to_numpy(zero_copy_only=False)
    else:
        values = present.to_numpy(zero_copy_only=False).astype(np.float64)
        finite = np.isfinite(values)
        values = values[finite]
        weights = weights[finite] if weights is not None else None
    if bins == 1:
        return np.array([len(values) if weights is None else weights.sum()], np.int64)
    if pa.types.is_timestamp(acc.type):
        at = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
        tally = np.bincount(at, weights, minlength=bins)
        return tally.astype(np.int64) if weights is not None else tally
    # Integer weights keep the counts integers (numpy sums them in the weights' type).
    return np.histogram(values, bins=edges, weights=weights)[0]


def _column_stats(
    acc: _ColumnAccumulator,
    sample: pa.Table,
    histogram: list[HistogramBin] | list[DatetimeBin] | None,
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
        numeric_bins = [b for b in histogram or [] if isinstance(b, HistogramBin)]
        stats.numeric = _numeric_summary(acc, sample.column(acc.name), numeric_bins)
    elif pa.types.is_timestamp(acc.type):
        stats.datetime_min = acc.low.isoformat() if acc.low is not None else None
        stats.datetime_max = acc.high.isoformat() if acc.high is not None else None
        stats.datetime_histogram = [b for b in histogram or [] if isinstance(b, DatetimeBin)]
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
