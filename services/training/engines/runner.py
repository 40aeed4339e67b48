"""Train a model or sample rows in an engine child process (see `supervisor`): what the child
runs, and the calls that start it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from common.contracts.rules import Rule
from services.training.engines.artifact import Manifest, read_manifest, write_artifact
from services.training.engines.base import (
    EngineSpec,
    InvalidParamsError,
    Progress,
    ProgressUpdate,
    TrainParams,
    get_engine,
)
from services.training.engines.dp import private_profile
from services.training.engines.learned import learned_table
from services.training.engines.orders import KeptOrder, find_orders
from services.training.engines.profile import TableProfile
from services.training.engines.sampling import (
    ANOMALY_COLUMN,
    Bounds,
    resolve_bounds,
    validate_conditions,
)
from services.training.engines.supervisor import supervise
from services.training.engines.trainset import read_rows, sample_rows, stream_profile
from services.training.engines.unique_labels import Shard

# What an engine is given when starting it used up the whole time budget: it trains as
# little as it can (one epoch) and keeps that model.
MIN_BUDGET_LEFT = 1.0


@dataclass(frozen=True)
class FitResult:
    """`metrics`: loss_curve [(epoch, loss)], duration_seconds, rows, columns, engine,
    library_versions, stopped_by_budget, epochs_run, params."""

    artifact_path: Path
    metrics: dict[str, Any]


@dataclass(frozen=True)
class SampleResult:
    path: Path
    rows: int
    chunks: int
    duration_seconds: float


def run_training(
    engine: str | EngineSpec,
    data_path: Path,
    metadata: Mapping[str, Any],
    params: TrainParams,
    artifact_path: Path,
    *,
    on_progress: Progress | None = None,
    cancel_event: threading.Event | None = None,
    threads: int | None = None,
    max_rows: int | None = None,
) -> FitResult:
    """Train `engine` on the split at `data_path` (an Arrow IPC stream ``.arrows``, Parquet
    or CSV) and write the artifact. A split of more than `max_rows` rows is learned from a
    sample of `max_rows` rows seeded by ``params.seed`` (the profile covers every row).

    Raises UnknownEngineError, EngineCancelled, EngineCrashed (with the child's reason) or
    the engine's own EngineError (e.g. InvalidConditionError) raised in the child.
    """
    spec = get_engine(engine) if isinstance(engine, str) else engine
    metrics = supervise(
        _train_in_child,
        {
            "spec": spec,
            "data_path": Path(data_path),
            "metadata": dict(metadata),
            "params": params,
            "artifact_path": Path(artifact_path),
            # The time budget runs from here (CLOCK_MONOTONIC is one clock for all processes).
            "budget_clock": time.monotonic(),
            "max_rows": max_rows,
        },
        on_progress,
        cancel_event,
        threads,
    )
    return FitResult(artifact_path=Path(artifact_path), metrics=metrics)


def run_sampling(
    artifact_path: Path,
    n: int,
    seed: int,
    out_path: Path,
    *,
    conditions: Mapping[str, Any] | None = None,
    anomaly_ratio: float = 0.0,
    mark_anomalies: bool = False,
    anomaly_column: str = ANOMALY_COLUMN,
    enforce_bounds: bool = True,
    bounds: Bounds | None = None,
    chunk_rows: int = 100_000,
    rules: Sequence[Rule] = (),
    first_row: int = 0,
    shard: Shard | None = None,
    on_progress: Progress | None = None,
    cancel_event: threading.Event | None = None,
    threads: int | None = None,
) -> SampleResult:
    """Write `n` synthetic rows to the Parquet file `out_path`, chunk by chunk: the rows
    `first_row`.. of a sharded job, by its `shard` (`sampling.sample_chunks`).

    Conditions and bounds are validated here, before any child starts, so bad input
    fails fast with InvalidConditionError / InvalidParamsError.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidParamsError("count", "must be a positive integer")
    profile = read_manifest(Path(artifact_path)).profile
    options = {
        "conditions": validate_conditions(profile, conditions),
        "anomaly_ratio": anomaly_ratio,
        "mark_anomalies": mark_anomalies,
        "anomaly_column": anomaly_column,
        "enforce_bounds": enforce_bounds,
        "bounds": resolve_bounds(profile, bounds) if enforce_bounds else None,
        "chunk_rows": chunk_rows,
        "rules": list(rules),
        "first_row": first_row,
        "shard": shard or Shard(),
    }
    started = time.monotonic()
    chunks = supervise(
        _sample_in_child,
        {
            "artifact_path": Path(artifact_path),
            "n": n,
            "seed": seed,
            "out_path": Path(out_path),
            "options": options,
        },
        on_progress,
        cancel_event,
        threads,
    )
    return SampleResult(Path(out_path), n, chunks, time.monotonic() - started)


def _read_table(path: Path) -> tuple[pd.DataFrame, pa.Schema | None]:
    if path.suffix == ".csv":
        return pd.read_csv(path), None
    table = pq.read_table(path)
    return table.to_pandas(), table.schema


def _train_in_child(
    progress: Progress,
    spec: EngineSpec,
    data_path: Path,
    metadata: dict[str, Any],
    params: TrainParams,
    artifact_path: Path,
    budget_clock: float | None = None,
    max_rows: int | None = None,
) -> dict[str, Any]:
    started = time.monotonic()
    progress(ProgressUpdate(percent=0.0, message="reading the training data"))
    profile, learned, learned_metadata, total, orders = _learned_rows(
        data_path, metadata, max_rows, params.seed
    )
    engine = spec.create()
    report = engine.fit(learned, learned_metadata, _budget_left(params, budget_clock), progress)
    if params.differential_privacy is not None:
        profile = private_profile(engine, profile, learned_metadata, params.seed)
        orders = ()  # found on the real rows: no part of the private release
    if len(learned) < total:
        note = _sample_note(len(learned), total)
        report = dataclasses.replace(report, note=f"{report.note}; {note}" if report.note else note)
    metrics = {
        "engine": spec.name,
        "params": params.to_dict(),
        # The rows the engine learned from, of the split's source_rows (a seeded sample when
        # fewer: see max_rows).
        "rows": len(learned),
        "source_rows": total,
        "columns": len(profile.columns),
        # loss_curve, epochs_run, stopped_by_budget, note, privacy_spent
        **dataclasses.asdict(report),
        "duration_seconds": time.monotonic() - started,
        "library_versions": engine.library_versions(),
    }
    progress(ProgressUpdate(percent=100.0, message="saving the model", epoch=report.epochs_run))
    manifest = Manifest(spec.name, profile, metrics, orders=orders)
    write_artifact(artifact_path, engine, manifest)
    return metrics


def _learned_rows(
    data_path: Path, metadata: dict[str, Any], max_rows: int | None, seed: int
) -> tuple[TableProfile, pd.DataFrame, dict[str, Any], int, tuple[KeptOrder, ...]]:
    """The profile of the whole split (streamed), what the engine learns from (every row,
    or a sample of ``max_rows`` seeded by ``seed``) with its metadata, the split's rows and
    the orders between columns those rows keep."""
    profile, total = stream_profile(data_path, metadata)
    rows = sample_rows(total, max_rows, seed) if max_rows else None
    table = read_rows(data_path, rows).to_pandas()
    orders = find_orders(table, metadata, profile)
    learned, learned_metadata = learned_table(table, metadata, profile)
    return profile, learned, learned_metadata, total, orders


def _sample_note(rows: int, total: int) -> str:
    return (
        f"trained on a seeded sample of {rows:,} of the split's {total:,} rows "
        "(TRAINING_TRAIN_MAX_ROWS)"
    )


def _budget_left(params: TrainParams, clock: float | None) -> TrainParams:
    """``params`` with the time budget less what starting the engine process and reading the
    data took, so that the budget covers the whole training step, not only the engine's fit.
    (Writing the model, a second or two, still follows.)"""
    if params.time_budget_seconds is None or clock is None:
        return params
    spent = time.monotonic() - clock
    return dataclasses.replace(
        params,
        time_budget_seconds=max(params.time_budget_seconds - spent, MIN_BUDGET_LEFT),
        job_budget_seconds=params.time_budget_seconds,
        budget_spent_seconds=spent,
    )


def _sample_in_child(
    progress: Progress,
    artifact_path: Path,
    n: int,
    seed: int,
    out_path: Path,
    options: dict[str, Any],
) -> int:
    from services.training.engines.arrow_rows import to_arrow
    from services.training.engines.artifact import LoadedModel
    from services.training.engines.sampling import sample_chunks

    started = time.monotonic()
    written, chunks = 0, 0
    writer: pq.ParquetWriter | None = None
    try:
        with LoadedModel(artifact_path) as model:
            for chunk in sample_chunks(model, n, seed, **options):
                # The real table's schema (an all-null chunk keeps its types too).
                table = to_arrow(chunk, model.manifest.profile)
                writer = writer or pq.ParquetWriter(out_path, table.schema)
                writer.write_table(table)
                written, chunks = written + len(chunk), chunks + 1
                elapsed = time.monotonic() - started
                progress(
                    ProgressUpdate(
                        percent=100.0 * written / n,
                        message=f"{written:,} of {n:,} rows",
                        eta_seconds=elapsed * (n - written) / written,
                    )
                )
    finally:
        if writer is not None:
            writer.close()
    return chunks
