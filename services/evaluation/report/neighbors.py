"""Vectorized nearest-neighbour search over mixed tables, in bounded memory.

The distance between two rows is SDMetrics' DCR distance (sdmetrics 0.32,
single_table/privacy/dcr_utils.py), so our figures and SDMetrics' agree:
the mean over the measured columns of a per-column distance in [0, 1] --
  numerical / datetime: |a - b| / (max - min of the reference column), capped at 1;
    a constant reference column counts 0 if equal, else 1;
  categorical / boolean: 0 if equal, else 1;
  missing against present: 1; missing against missing: 0.

SDMetrics builds a pandas cross join per 1,000 x 1,000 block, which grows with the square
of the rows. Here the categorical part of a whole block of query rows against every
reference row is one BLAS product of one-hot matrices (it counts equal columns; columns with
more than ONEHOT_MAX_LEVELS categories compare integer codes instead, so the one-hot width
stays small), and the continuous part is one broadcast |a - b| per column, so the cost is a
few float32 passes per pair and memory stays at `chunk_elements` floats per worker.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from services.evaluation.report.columns import ColumnPlan

MISSING_LABEL = "\x00missing"
ONEHOT_MAX_LEVELS = 64


@dataclass(frozen=True)
class EncodedRows:
    """Rows ready for distances: scaled continuous values and one-hot categories (float32),
    and integer codes of the categorical columns with many categories."""

    continuous: np.ndarray
    onehot: np.ndarray
    codes: np.ndarray

    def __len__(self) -> int:
        return self.continuous.shape[0]


@dataclass(frozen=True)
class MixedEncoder:
    """Scales continuous columns by the reference range and encodes the categorical ones."""

    continuous: list[str]
    minimums: np.ndarray
    ranges: np.ndarray
    sentinels: np.ndarray
    clip: np.ndarray
    categorical: list[str]
    vocabularies: list[pd.Index]

    @property
    def n_columns(self) -> int:
        return len(self.continuous) + len(self.categorical)

    @property
    def onehot_columns(self) -> list[int]:
        """Positions (in `categorical`) of the columns encoded one-hot."""
        return [i for i, v in enumerate(self.vocabularies) if len(v) <= ONEHOT_MAX_LEVELS]

    def encode(self, frame: pd.DataFrame) -> EncodedRows:
        """Encode one of the canonical frames the encoder was fitted with."""
        values = frame[self.continuous].to_numpy(dtype="float64")
        scaled = (values - self.minimums) / self.ranges
        # A missing value sits 2+ units away from every present one: after the cap at 1 it
        # costs exactly 1 against a present value and 0 against another missing one.
        scaled = np.where(np.isnan(scaled), self.sentinels, scaled).astype(np.float32)
        codes = np.empty((len(frame), len(self.categorical)), dtype=np.int32)
        for i, (column, vocabulary) in enumerate(
            zip(self.categorical, self.vocabularies, strict=True)
        ):
            codes[:, i] = vocabulary.get_indexer(_labels(frame[column]))
        narrow = self.onehot_columns
        wide = [i for i in range(len(self.categorical)) if i not in narrow]
        return EncodedRows(scaled, self._onehot(codes[:, narrow], narrow), codes[:, wide])

    def _onehot(self, codes: np.ndarray, columns: list[int]) -> np.ndarray:
        widths = [len(self.vocabularies[i]) for i in columns]
        onehot = np.zeros((len(codes), sum(widths)), dtype=np.float32)
        offsets = np.cumsum([0, *widths])[:-1]
        for k, offset in enumerate(offsets):
            known = codes[:, k] >= 0
            onehot[np.flatnonzero(known), offset + codes[known, k]] = 1.0
        return onehot


def fit_encoder(
    reference: pd.DataFrame, frames: Sequence[pd.DataFrame], plan: ColumnPlan
) -> MixedEncoder:
    """An encoder scaled by `reference`, with vocabularies and caps covering all `frames`."""
    continuous: list[str] = []
    categorical = list(plan.categorical)
    for column in plan.continuous:
        low, high = reference[column].min(), reference[column].max()
        if pd.isna(low) or high == low:
            # SDMetrics scores a zero-range column as equal / not equal: a category.
            categorical.append(column)
        else:
            continuous.append(column)
    minimums = reference[continuous].min().to_numpy(dtype="float64")
    ranges = (reference[continuous].max() - reference[continuous].min()).to_numpy(dtype="float64")
    scaled = [(frame[continuous].to_numpy(dtype="float64") - minimums) / ranges for frame in frames]
    stacked = np.vstack(scaled) if scaled else np.empty((0, len(continuous)))
    lowest = np.nan_to_num(np.nanmin(stacked, axis=0, initial=0.0), nan=0.0)
    outside = np.nanmax(np.abs(stacked - 0.5), axis=0, initial=0.0) > 0.5
    has_missing = np.isnan(stacked).any(axis=0)
    vocabularies = [
        pd.Index(pd.unique(np.concatenate([_labels(frame[column]) for frame in frames])))
        for column in categorical
    ]
    return MixedEncoder(
        continuous=continuous,
        minimums=minimums,
        ranges=ranges,
        sentinels=lowest - 2.0,
        clip=outside | has_missing,
        categorical=categorical,
        vocabularies=vocabularies,
    )


def _labels(series: pd.Series) -> np.ndarray:
    return series.astype(object).where(series.notna(), MISSING_LABEL).astype(str).to_numpy()


@dataclass(frozen=True)
class Neighbours:
    """Distances (mean per-column distance, in [0, 1]) from a nearest-neighbour search.

    nearest / second: per query row, to its closest and second-closest reference row.
    nearest_in_prefix: per query row, to its closest row among the first `prefix_rows`
    reference rows. reference_nearest: per reference row, to its closest query row.
    """

    nearest: np.ndarray
    second: np.ndarray
    nearest_in_prefix: np.ndarray
    reference_nearest: np.ndarray


def nearest_neighbours(
    encoder: MixedEncoder,
    query: EncodedRows,
    reference: EncodedRows,
    *,
    prefix_rows: int | None = None,
    chunk_elements: int = 1 << 22,
    workers: int | None = None,
) -> Neighbours:
    """Search every query row against every reference row, a block of query rows at a time.

    Blocks run on `workers` threads (default: the usable cores, at most 4) with single-threaded
    BLAS: numpy releases the GIL, and unlike multi-threaded BLAS/OpenMP this does not
    collapse when the cores are shared with other processes.
    """
    n_query, n_reference = len(query), len(reference)
    prefix = n_reference if prefix_rows is None else prefix_rows
    nearest = np.empty(n_query)
    second = np.full(n_query, np.inf)
    nearest_in_prefix = np.empty(n_query)
    reference_nearest = np.full(n_reference, np.inf, dtype=np.float32)
    transposed = EncodedRows(
        continuous=np.ascontiguousarray(reference.continuous.T),
        onehot=np.ascontiguousarray(reference.onehot.T),
        codes=np.ascontiguousarray(reference.codes.T),
    )

    def search(rows: slice) -> np.ndarray:
        block_rows = EncodedRows(query.continuous[rows], query.onehot[rows], query.codes[rows])
        dist = _block_distances(encoder, block_rows, transposed)
        nearest_in_prefix[rows] = dist[:, :prefix].min(axis=1)
        column_min = dist.min(axis=0)
        closest = dist.argmin(axis=1)
        picked = np.arange(dist.shape[0])
        nearest[rows] = dist[picked, closest]
        if n_reference > 1:
            dist[picked, closest] = np.inf
            second[rows] = dist.min(axis=1)
        return column_min

    block = max(1, chunk_elements // max(n_reference, 1))
    blocks = [slice(start, min(start + block, n_query)) for start in range(0, n_query, block)]
    with (
        threadpool_limits(1, user_api="blas"),
        ThreadPoolExecutor(workers or default_workers()) as pool,
    ):
        for column_min in pool.map(search, blocks):
            np.minimum(reference_nearest, column_min, out=reference_nearest)
    scale = 1.0 / encoder.n_columns
    return Neighbours(
        nearest=nearest * scale,
        second=second * scale,
        nearest_in_prefix=nearest_in_prefix * scale,
        reference_nearest=reference_nearest * scale,
    )


def default_workers() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0))))


def _block_distances(
    encoder: MixedEncoder, rows: EncodedRows, reference_t: EncodedRows
) -> np.ndarray:
    """Summed per-column distances, shape (block rows, reference rows), float32.

    `reference_t` holds the reference rows transposed (one row per column)."""
    dist = rows.onehot @ reference_t.onehot
    # The product counts equal one-hot columns; the rest of them are mismatches.
    np.subtract(np.float32(len(encoder.onehot_columns)), dist, out=dist)
    buffer = np.empty_like(dist)
    unequal = np.empty(dist.shape, dtype=bool)
    for column in range(reference_t.codes.shape[0]):
        np.not_equal(rows.codes[:, column, None], reference_t.codes[column], out=unequal)
        dist += unequal
    for column in range(reference_t.continuous.shape[0]):
        np.subtract(rows.continuous[:, column, None], reference_t.continuous[column], out=buffer)
        np.abs(buffer, out=buffer)
        if encoder.clip[column]:
            np.minimum(buffer, 1.0, out=buffer)
        dist += buffer
    return dist
