"""Relational and sequential engines: platform overhead, referential integrity, quality.

On a two-table real dataset (tests/relational_corpus.py `airports_by_state`: 56 states,
3,376 airports) and a sequential one (`temperatures_by_month`: 120 monthly sequences of
daily minimum temperatures), every engine that can learn the dataset is run twice in the
same run, on the same train split (80 % of the root entities, with all their rows):

- directly: the engine class in this process (`prepare`, `fit`, `sample`, `finish`: the
  library calls and the key coding the platform needs, nothing else);
- through the platform: `run_relational_training` / `run_relational_sampling`, i.e. Parquet
  files in, a child process, the model artifact written and read back, Parquet files out.

`--copies K` makes each dataset K times as large: K copies of every table, each copy's keys
made unique (integer keys shifted by a million per copy, text keys suffixed ".<copy>"), so
that the jobs are of a realistic size, not sub-second, and a fixed cost per job weighs what it
weighs on real work.

The two sides alternate, --repeat times each, and the best time of each side is kept: the
machine is shared, and someone else's work lands on either side (the same PAR sampling took
2 s and 42 s a minute apart in one process, torch's threads waiting for busy cores).

It prints fit and sample seconds of both and their ratio (the platform's overhead; target
<= 1.15x), the share of child rows whose parent exists (must be 100 %), and rel-eval's
relational report (`build_relational_report`: overall score, SDMetrics' multi-table quality,
children-per-parent and sequence-length similarity) against the held-out 20 %.

    nice -n 10 .venv/bin/python bench/bench_relational.py --epochs 10 [--copies 4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.contracts.relational import RelationalSchema  # noqa: E402
from services.training.engines import ENGINES, TrainParams  # noqa: E402
from services.training.engines.capabilities import needed_capabilities  # noqa: E402
from services.training.engines.relational import finish, key_columns, prepare  # noqa: E402
from services.training.engines.relational_runner import (  # noqa: E402
    run_relational_sampling,
    run_relational_training,
)
from services.training.engines.supervisor import warm_up  # noqa: E402
from tests.relational_corpus import airports_by_state, temperatures_by_month  # noqa: E402

DATASETS = {"airports_by_state": airports_by_state, "temperatures_by_month": temperatures_by_month}
Tables = dict[str, pd.DataFrame]


# A copy's integer keys are its original keys plus this times the copy's number.
_KEY_STRIDE = 1_000_000


def copied(tables: Tables, schema: RelationalSchema, copies: int) -> Tables:
    """``copies`` copies of every table, the keys of each copy made unique (a foreign key
    shifted as its parent's primary key is, so every copy keeps its links)."""
    if copies == 1:
        return tables
    out: Tables = {}
    for spec in schema.tables:
        frame = tables[spec.name]
        parts = []
        for copy in range(copies):
            part = frame.copy()
            for key in key_columns(schema, spec.name):
                part[key] = _shifted(part[key], copy)
            parts.append(part)
        out[spec.name] = pd.concat(parts, ignore_index=True)
    return out


def _shifted(keys: pd.Series, copy: int) -> pd.Series:
    if copy == 0:
        return keys
    if pd.api.types.is_integer_dtype(keys):
        assert keys.abs().max() < _KEY_STRIDE
        return keys + copy * _KEY_STRIDE
    return keys.astype(str) + f".{copy}"


def split_by_root(tables: Tables, schema: RelationalSchema, seed: int) -> tuple[Tables, Tables]:
    """80 % of the root entities with all their descendants, and the other 20 %."""
    root = schema.order()[0]
    key = root.primary_key or (root.sequence.entity_key if root.sequence else None)
    assert key is not None
    entities = tables[root.name][key].drop_duplicates().to_numpy()
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(entities, size=int(0.8 * len(entities)), replace=False).tolist())
    train: Tables = {}
    holdout: Tables = {}
    kept: dict[str, tuple[pd.Series, pd.Series]] = {}
    for spec in schema.order():
        frame = tables[spec.name]
        link = schema.parent_key(spec.name)
        if link is None:
            inside = frame[key].isin(chosen)
        else:
            train_keys, _ = kept[link.parent_table]
            inside = frame[link.child_column].isin(train_keys)
        train[spec.name], holdout[spec.name] = frame[inside], frame[~inside]
        if spec.primary_key:
            kept[spec.name] = (train[spec.name][spec.primary_key], frame[spec.primary_key])
    return train, holdout


def integrity(tables: Tables, schema: RelationalSchema) -> float:
    """The share of child rows whose parent exists, over every link (1.0 without links)."""
    total = linked = 0
    for key in schema.foreign_keys:
        children = tables[key.child_table][key.child_column]
        total += len(children)
        linked += int(children.isin(tables[key.parent_table][key.parent_column]).sum())
    return linked / total if total else 1.0


def direct(name: str, train: Tables, schema, metadata, params, n: int) -> tuple[float, float]:
    prepared = prepare(train, schema, metadata)
    engine = ENGINES[name].relational_class()()
    started = time.perf_counter()
    engine.fit(prepared.tables, schema, prepared.metadata, params, lambda _: None)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    finish(engine.sample(n, 1), schema, prepared.profiles, 1)
    return fit_seconds, time.perf_counter() - started


def platform(name: str, train: Tables, schema, metadata, params, n: int, folder: Path):
    paths = {}
    for table, frame in train.items():
        paths[table] = folder / f"{table}.parquet"
        frame.to_parquet(paths[table])
    artifact = folder / f"{name}.tar.gz"
    started = time.perf_counter()
    run_relational_training(name, paths, schema, metadata, params, artifact)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = run_relational_sampling(artifact, n, 1, folder / f"{name}-out")
    sample_seconds = time.perf_counter() - started
    return fit_seconds, sample_seconds, {t.name: pd.read_parquet(t.path) for t in written}


def main() -> None:
    # Imported here, not at the top: every engine child of the fork server runs this file's
    # top level again (as the script it was started from), and the report's import (SDMetrics,
    # 0.3 s) landed on the platform's side of every timing. A worker, started as
    # `python -m services.training`, has no such re-run.
    from services.evaluation.report.relational import build_relational_report

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10, help="for epoch-based engines")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--engines", default="hma,par,tabular_argn")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, best kept")
    parser.add_argument(
        "--copies", type=int, default=1, help="copies of every table, keys made unique"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    # A worker starts its engine fork server (torch, SDV, mostlyai imported once) at startup;
    # so does this run, before any timing.
    warm_up()
    print(
        f"{'dataset':<22} {'engine':<13} {'fit s':>7} {'direct':>7} {'ratio':>6} "
        f"{'sample s':>8} {'direct':>7} {'ratio':>6} {'integrity':>9} {'overall':>7} "
        f"{'sdmetrics':>9} {'children':>8} {'lengths':>7}"
    )
    for dataset in args.datasets.split(","):
        tables, schema, metadata = DATASETS[dataset]()
        tables = copied(tables, schema, args.copies)
        train, holdout = split_by_root(tables, schema, seed=0)
        sizes = ", ".join(f"{name} {len(frame):,}" for name, frame in train.items())
        print(f"{dataset} ({args.copies} copies): train rows {sizes}", flush=True)
        root = schema.order()[0]
        key = root.primary_key or (root.sequence.entity_key if root.sequence else "")
        n = int(train[root.name][key].nunique())
        for name in args.engines.split(","):
            spec = ENGINES[name]
            if not needed_capabilities(schema) <= spec.capabilities:
                continue
            params = TrainParams.build(spec, epochs=args.epochs if spec.epoch_based else None)
            directs, platforms = [], []
            for _ in range(args.repeat):
                directs.append(direct(name, train, schema, metadata, params, n))
                with tempfile.TemporaryDirectory(prefix="bench-rel-") as tmp:
                    platforms.append(platform(name, train, schema, metadata, params, n, Path(tmp)))
            fit_direct = min(fit for fit, _ in directs)
            sample_direct = min(sample for _, sample in directs)
            fit_platform = min(fit for fit, _, _ in platforms)
            sample_platform = min(sample for _, sample, _ in platforms)
            synthetic = platforms[0][2]
            report = build_relational_report(train, holdout, synthetic, metadata, schema)
            children = report.links[0].cardinality.score if report.links else None
            lengths = report.sequences[0].length.score if report.sequences else None
            quality = report.sdmetrics.overall_score if report.sdmetrics else None
            print(
                f"{dataset:<22} {name:<13} {fit_platform:7.1f} {fit_direct:7.1f} "
                f"{fit_platform / fit_direct:5.2f}x {sample_platform:8.1f} {sample_direct:7.1f} "
                f"{sample_platform / sample_direct:5.2f}x {integrity(synthetic, schema):9.1%} "
                f"{_num(report.overall_score)} {_num(quality, 9)} {_num(children, 8)} "
                f"{_num(lengths)}",
                flush=True,
            )
            if report.sdmetrics_note:
                print(f"  sdmetrics: {report.sdmetrics_note}", flush=True)


def _num(value: float | None, width: int = 7) -> str:
    return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"


if __name__ == "__main__":
    main()
