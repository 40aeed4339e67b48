"""Run training and sampling of linked tables (a relational schema) in a child process, as
`runner` does for one table: the same supervision, heartbeats and cancelling (see
`supervisor`); the engine learns every table of the schema and generates them parents first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from common.contracts.relational import RelationalSchema
from services.training.engines.artifact import Manifest, read_manifest, write_artifact
from services.training.engines.base import (
    ENGINES,
    EngineSpec,
    InvalidParamsError,
    Progress,
    ProgressUpdate,
    TrainParams,
    get_engine,
)
from services.training.engines.capabilities import needed_capabilities
from services.training.engines.relational import validate_root_conditions
from services.training.engines.runner import FitResult, _budget_left, _read_table
from services.training.engines.supervisor import supervise


def run_relational_training(
    engine: str | EngineSpec,
    data_paths: Mapping[str, Path],
    schema: RelationalSchema,
    metadata: Mapping[str, Mapping[str, Any]],
    params: TrainParams,
    artifact_path: Path,
    *,
    on_progress: Progress | None = None,
    cancel_event: threading.Event | None = None,
    threads: int | None = None,
) -> FitResult:
    """Train `engine` on several tables (one Parquet or CSV file per table, keyed by table
    name) linked as `schema` says, in a child process as `run_training` does."""
    spec = get_engine(engine) if isinstance(engine, str) else engine
    if not needed_capabilities(schema) <= spec.capabilities:
        raise InvalidParamsError(
            "engine", f"{spec.name} does not learn {_describe(schema)}; {_capable(schema)}"
        )
    metrics = supervise(
        _train_relational_in_child,
        {
            "spec": spec,
            "data_paths": {name: Path(path) for name, path in data_paths.items()},
            "schema": schema.model_dump(),
            "metadata": {name: dict(meta) for name, meta in metadata.items()},
            "params": params,
            "artifact_path": Path(artifact_path),
            "budget_clock": time.monotonic(),
        },
        on_progress,
        cancel_event,
        threads,
    )
    return FitResult(artifact_path=Path(artifact_path), metrics=metrics)


def _has_sequences(schema: RelationalSchema) -> bool:
    return any(table.sequence for table in schema.tables)


def _describe(schema: RelationalSchema) -> str:
    if len(schema.tables) == 1:
        return "sequences"
    return "linked tables with sequences" if _has_sequences(schema) else "linked tables"


def _capable(schema: RelationalSchema) -> str:
    needed = needed_capabilities(schema)
    names = [spec.name for spec in ENGINES.values() if needed <= spec.capabilities]
    return "engines that do: " + ", ".join(names)


@dataclass(frozen=True)
class TableSample:
    """One generated table of a relational sample, in `RelationalSchema.order()`."""

    name: str
    path: Path
    rows: int


def run_relational_sampling(
    artifact_path: Path,
    n: int,
    seed: int,
    out_dir: Path,
    *,
    conditions: Mapping[str, Any] | None = None,
    enforce_bounds: bool = True,
    on_progress: Progress | None = None,
    cancel_event: threading.Event | None = None,
    threads: int | None = None,
) -> list[TableSample]:
    """Write `n` rows of the root table (entities of a sequential one) and their children,
    one Parquet file per table under `out_dir` (named by position, never by the user's
    table name), parents before children. Conditions apply to the root table."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidParamsError("count", "must be a positive integer")
    manifest = read_manifest(Path(artifact_path))
    if manifest.schema is None or manifest.profiles is None:
        raise InvalidParamsError("model", "the model learned a single table")
    schema = RelationalSchema.model_validate(manifest.schema)
    fixed = validate_root_conditions(schema, manifest.profiles, conditions)
    written = supervise(
        _sample_relational_in_child,
        {
            "artifact_path": Path(artifact_path),
            "n": n,
            "seed": seed,
            "out_dir": Path(out_dir),
            "conditions": fixed,
            "enforce_bounds": enforce_bounds,
        },
        on_progress,
        cancel_event,
        threads,
    )
    return [TableSample(name, Path(path), rows) for name, path, rows in written]


def _train_relational_in_child(
    progress: Progress,
    spec: EngineSpec,
    data_paths: dict[str, Path],
    schema: dict[str, Any],
    metadata: dict[str, dict[str, Any]],
    params: TrainParams,
    artifact_path: Path,
    budget_clock: float | None = None,
) -> dict[str, Any]:
    from services.training.engines.relational import prepare

    started = time.monotonic()
    relational = RelationalSchema.model_validate(schema)
    read = {name: _read_table(path) for name, path in data_paths.items()}
    prepared = prepare(
        {name: table for name, (table, _) in read.items()},
        relational,
        metadata,
        {name: arrow for name, (_, arrow) in read.items()},
    )
    engine = spec.relational_class()()
    report = engine.fit(
        prepared.tables,
        relational,
        prepared.metadata,
        _budget_left(params, budget_clock),
        progress,
    )
    metrics = {
        "engine": spec.name,
        "params": params.to_dict(),
        "rows": sum(len(table) for table, _ in read.values()),
        "columns": sum(len(table.columns) for table, _ in read.values()),
        "tables": {name: {"rows": len(table)} for name, (table, _) in read.items()},
        # Child rows whose parent is not in the data: left out of training.
        "orphans_left_out": prepared.orphans,
        "loss_curve": report.loss_curve,
        "epochs_run": report.epochs_run,
        "stopped_by_budget": report.stopped_by_budget,
        "note": report.note,
        "duration_seconds": time.monotonic() - started,
        "library_versions": engine.library_versions(),
    }
    progress(ProgressUpdate(percent=100.0, message="saving the model", epoch=report.epochs_run))
    first = relational.order()[0].name
    manifest = Manifest(
        spec.name,
        prepared.profiles[first],
        metrics,
        schema=relational.model_dump(),
        profiles=prepared.profiles,
    )
    write_artifact(artifact_path, engine, manifest)
    return metrics


def _sample_relational_in_child(
    progress: Progress,
    artifact_path: Path,
    n: int,
    seed: int,
    out_dir: Path,
    conditions: dict[str, Any],
    enforce_bounds: bool,
) -> list[tuple[str, str, int]]:
    from services.training.engines.arrow_rows import to_arrow
    from services.training.engines.artifact import LoadedModel
    from services.training.engines.relational import finish

    with LoadedModel(artifact_path) as model:
        manifest = model.manifest
        assert manifest.schema is not None and manifest.profiles is not None
        schema = RelationalSchema.model_validate(manifest.schema)
        progress(ProgressUpdate(percent=0.0, message=f"generating {n:,} root rows"))
        samples = model.relational_engine.sample(n, seed, conditions or None)
    tables = finish(samples, schema, manifest.profiles, seed, enforce_bounds=enforce_bounds)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, spec in enumerate(schema.order()):
        path = out_dir / f"table-{index}.parquet"
        pq.write_table(to_arrow(tables[spec.name], manifest.profiles[spec.name]), path)
        written.append((spec.name, str(path), len(tables[spec.name])))
    progress(ProgressUpdate(percent=100.0, message="tables written"))
    return written
