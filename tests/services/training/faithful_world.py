"""Real tables through ingestion, metadata, an engine and sampling, as the workers run them.

`ingested` runs the datasets service's ingestion and metadata inference on a CSV file;
`train_and_sample` runs the worker's training and sampling steps (`runner._train_in_child`
and `runner._sample_in_child`, in this process: the code the engine child runs, without
the fork server) and reads the stored batch back.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow.parquet as pq

from services.datasets.ingest import infer_metadata, ingest
from services.evaluation.report import Report, ReportOptions, build_report
from services.training.engines import TrainParams, get_engine
from services.training.engines.artifact import LoadedModel
from services.training.engines.runner import _sample_in_child, _train_in_child
from services.training.exports import export

# The committed slices of real tables (`tests/fixtures/faithful/README.md`).
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "faithful"
# What the faithful tests train each engine with: tabular_argn small and for one epoch, so a
# test is seconds, not minutes (what it checks is the rows' shape, not their quality).
ENGINE_PARAMS: dict[str, dict[str, Any]] = {
    "gaussian_copula": {},
    "tabular_argn": {"epochs": 1, "options": {"model_size": "small"}},
}
# The same with ctgan for two epochs, for the checks every engine must pass.
QUICK_PARAMS: dict[str, dict[str, Any]] = {**ENGINE_PARAMS, "ctgan": {"epochs": 2}}


@dataclass(frozen=True)
class Ingested:
    frame: pd.DataFrame
    metadata: dict[str, Any]
    parquet: Path


@dataclass(frozen=True)
class Trained:
    artifact: Path
    metrics: dict[str, Any]


# Each table's ingestion once per test run, by its bytes: an ingestion starts SDV's detection
# in a child process (seconds), and the corpus tests ingest every table of the corpus.
_INGESTED: dict[str, Ingested] = {}


def ingested(csv: Path, work: Path) -> Ingested:
    """``csv`` as the datasets service ingests an upload: its typed rows, the metadata
    inferred and the Parquet written. The same bytes are ingested once per run; each caller
    gets its own copy of the rows and metadata (the Parquet file is shared, read only)."""
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    key = f"{digest[:16]}-{csv.stem}"
    if key not in _INGESTED:
        _INGESTED[key] = _ingest(csv, work / f".ingested-{key}")
    first = _INGESTED[key]
    return Ingested(first.frame.copy(), copy.deepcopy(first.metadata), first.parquet)


def _ingest(csv: Path, folder: Path) -> Ingested:
    fs = fsspec.filesystem("file")
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{csv.stem}.parquet"
    result = ingest(lambda: csv.open("rb"), fs=fs, out_path=str(out))
    frame = pq.read_table(out).to_pandas()
    formats = {c.name: c.datetime_format for c in result.columns if c.datetime_format}
    inferred = infer_metadata(frame, row_count=len(frame), datetime_formats=formats)
    decimals = {c.name: {"decimals": c.decimals} for c in result.columns if c.decimals}
    decimals |= {
        c.name: {"least_decimals": c.least_decimals} for c in result.columns if c.least_decimals
    }
    metadata = {
        "columns": {
            name: {k: v for k, v in column.model_dump().items() if v} | decimals.get(name, {})
            for name, column in inferred.columns.items()
        },
        "primary_key": inferred.primary_key,
        "missing_value": result.missing_value,
    }
    return Ingested(frame, metadata, out)


# Each training once per test run, by the table's Parquet bytes, its metadata, the engine
# and its parameters (seeded): several modules train the same engine on the same table.
_TRAINED: dict[str, Trained] = {}


def train(table: Ingested, engine: str, work: Path, **params: Any) -> Trained:
    """Train ``engine`` on ``table`` with ``params``, or with ENGINE_PARAMS when none are given.
    The same training asked again in this run gets the first one's artifact (read only)."""
    params = params or ENGINE_PARAMS.get(engine, {})
    inputs = json.dumps(
        [table.parquet.stem, table.metadata, engine, params], sort_keys=True, default=str
    )
    key = hashlib.sha256(table.parquet.read_bytes() + inputs.encode()).hexdigest()
    if key not in _TRAINED:
        folder = work / f".trained-{key[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
        _TRAINED[key] = _train(
            table, engine, folder / f"{table.parquet.stem}-{engine}.tar.gz", params
        )
    first = _TRAINED[key]
    return Trained(first.artifact, copy.deepcopy(first.metrics))


def _train(table: Ingested, engine: str, artifact: Path, params: dict[str, Any]) -> Trained:
    spec = get_engine(engine)
    metrics = _train_in_child(
        lambda _: None,
        spec,
        table.parquet,
        table.metadata,
        TrainParams.build(spec, seed=1, **params),
        artifact,
    )
    return Trained(artifact, metrics)


def sample(trained: Trained, n: int, work: Path, seed: int = 2, **options: Any) -> Path:
    out = work / f"{trained.artifact.stem}-{n}-{seed}.parquet"
    defaults = {
        "conditions": {},
        "anomaly_ratio": 0.0,
        "mark_anomalies": False,
        "anomaly_column": "is_anomaly",
        "enforce_bounds": True,
        "bounds": None,
        "chunk_rows": 100_000,
    }
    _sample_in_child(lambda _: None, trained.artifact, n, seed, out, {**defaults, **options})
    return out


def unmended(trained: Trained, n: int, seed: int = 2) -> pd.DataFrame:
    """``n`` rows as the engine writes them, before conform mends them: what a user saw
    before a fix."""
    model = LoadedModel(trained.artifact)
    try:
        return model.engine.sample(n, seed, None)
    finally:
        model.close()


def exported(batch: Path, fmt: str) -> str:
    sink = io.BytesIO()
    export(fsspec.filesystem("file"), str(batch), fmt, sink)
    return sink.getvalue().decode()


# The report's options in these tests: a sample as big as the slices, privacy kept cheap.
REPORT_OPTIONS = ReportOptions(sample_rows=1_000, privacy_sample_rows=200)


def split(table: Ingested) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table's training rows and its holdout (a fixed 20 %), as the report tests take them."""
    holdout = table.frame.sample(frac=0.2, random_state=0)
    return table.frame.drop(holdout.index), holdout


def reported(table: Ingested, rows: pd.DataFrame) -> Report:
    """The evaluation report of ``rows`` against the table's split."""
    real, holdout = split(table)
    return build_report(real, holdout, rows, table.metadata, REPORT_OPTIONS)
