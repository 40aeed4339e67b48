"""Wide tables through the real path: time and memory per column against a narrow table of
the same rows, measured in the same run.

For each width (a narrow table first, the baseline), a table of mixed columns (numbers
driven by a few shared factors, every 25th column a category of four values, a `label`
column to predict) is written as CSV and

    ingest   ingested and typed as an upload is (`services.datasets.ingest`)
    train    fitted with the workers' child-process runner (`run_training`, --engine)
    generate sampled to as many rows as the train split (`run_sampling`)
    report   evaluated as the evaluation service does (`build_report` with its default
             row caps), in a fresh process whose peak memory is its own

and each part's seconds are printed, with seconds per column as a multiple of the narrow
table's (1.0: the part grows no faster than the column count), the report's peak memory,
the column pairs Column Pair Trends scored of the table's, and the report's JSON and HTML
sizes. Without --engine the synthetic rows are another draw of the same generator (the
report's work does not depend on where rows come from).

    nice -n 10 .venv/bin/python bench/bench_wide.py --rows 5000 --columns 200
    nice -n 10 .venv/bin/python bench/bench_wide.py --rows 50000 --columns 500 --no-engine

The machine's load average is printed with every row: the numbers only compare with others
taken at a similar load.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import fsspec
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from services.datasets.ingest import infer_metadata, ingest, split_holdout  # noqa: E402
from services.evaluation.report import ReportOptions, build_report, render_html  # noqa: E402
from services.evaluation.settings import EvaluationSettings  # noqa: E402
from services.training.engines import TrainParams, get_engine  # noqa: E402
from services.training.engines.runner import run_sampling, run_training  # noqa: E402
from services.training.engines.supervisor import warm_up  # noqa: E402


def wide_table(rows: int, columns: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(rows, 8))
    data: dict[str, Any] = {}
    for i in range(columns - 1):
        if i % 25 == 3:
            data[f"kind_{i}"] = np.array(["alpha", "beta", "gamma", "delta"])[
                rng.integers(0, 4, rows)
            ]
        else:
            values = factors[:, i % 8] * (i % 7 + 1) + rng.normal(size=rows) * 2 + 100
            data[f"value_{i}"] = values.round(3)
    data["label"] = np.where(factors[:, 0] + rng.normal(size=rows) > 0, "yes", "no")
    return pd.DataFrame(data)


def _report_in_child(
    train: Path, holdout: Path, synthetic: Path, metadata: dict[str, Any]
) -> dict[str, Any]:
    """The report as the service builds it, in this fresh process: seconds, peak memory."""
    frames = [pq.read_table(path).to_pandas() for path in (train, holdout, synthetic)]
    caps = ("sample_rows", "fidelity_sample_rows", "utility_sample_rows", "privacy_sample_rows")
    options = ReportOptions(**{cap: EvaluationSettings.model_fields[cap].default for cap in caps})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(*frames, metadata, options)
    seconds = time.monotonic() - started
    return {
        "report": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "inputs_mib": before / 1024,
        "pairs": f"{report.quality.column_pairs_scored:,}/{report.quality.column_pairs_total:,}",
        "quality": report.quality.overall_score,
        "json_mb": len(report.model_dump_json()) / 1e6,
        "html_mb": len(render_html(report)) / 1e6,
    }


def measure(rows: int, columns: int, engine: str | None, work: Path) -> dict[str, Any]:
    fs = fsspec.filesystem("file")
    source = work / f"wide-{columns}.csv"
    wide_table(rows, columns, seed=0).to_csv(source, index=False)
    paths = {
        split: work / f"wide-{columns}-{split}.parquet" for split in ("all", "train", "holdout")
    }
    started = time.monotonic()
    result = ingest(lambda: source.open("rb"), fs=fs, out_path=str(paths["all"]))
    split_holdout(fs, str(paths["all"]), str(paths["train"]), str(paths["holdout"]), 0.2, 0)
    frame = pq.read_table(paths["all"]).to_pandas()
    inferred = infer_metadata(frame, row_count=len(frame), datetime_formats={})
    figures: dict[str, Any] = {"ingest": time.monotonic() - started}
    metadata = {
        "columns": {n: c.model_dump(exclude_none=True) for n, c in inferred.columns.items()},
        "primary_key": inferred.primary_key,
        "target_column": "label",
    }
    train_rows = pq.read_metadata(paths["train"]).num_rows
    synthetic = work / f"wide-{columns}-synthetic.parquet"
    if engine:
        params = TrainParams.build(get_engine(engine), seed=1)
        artifact = work / f"wide-{columns}.tar.gz"
        started = time.monotonic()
        run_training(engine, paths["train"], metadata, params, artifact)
        figures["train"] = time.monotonic() - started
        started = time.monotonic()
        run_sampling(artifact, train_rows, seed=2, out_path=synthetic)
        figures["generate"] = time.monotonic() - started
    else:
        wide_table(train_rows, columns, seed=1).to_parquet(synthetic, index=False)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as child:
        figures |= child.submit(
            _report_in_child, paths["train"], paths["holdout"], synthetic, metadata
        ).result()
    figures["ingested_columns"] = len(result.columns)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--columns", default="200", help="widths, comma-separated")
    parser.add_argument("--narrow", type=int, default=15, help="the baseline's columns")
    parser.add_argument("--engine", default="gaussian_copula")
    parser.add_argument("--no-engine", action="store_true", help="skip train and generate")
    args = parser.parse_args()
    engine = None if args.no_engine else args.engine
    if engine:
        warm_up()  # the fork server's start is no table's time
    parts = ["ingest", "train", "generate", "report"] if engine else ["ingest", "report"]
    with tempfile.TemporaryDirectory(prefix="bench-wide-") as tmp:
        baseline: dict[str, Any] | None = None
        for columns in [args.narrow, *(int(c) for c in args.columns.split(","))]:
            figures = measure(args.rows, columns, engine, Path(tmp))
            baseline = baseline or figures | {"columns": columns}
            load = os.getloadavg()[0]
            cells = []
            for part in parts:
                per_column = (figures[part] / columns) / (baseline[part] / baseline["columns"])
                cells.append(f"{part} {figures[part]:7.1f} s (x{per_column:4.2f}/col)")
            print(
                f"{args.rows:>7,} x {columns:>4} | "
                + " | ".join(cells)
                + f" | report peak {figures['peak_mib']:6.0f} MiB"
                f" (inputs {figures['inputs_mib']:5.0f}) | pairs {figures['pairs']}"
                f" | quality {figures['quality']:.3f} | json {figures['json_mb']:.1f} MB"
                f" | html {figures['html_mb']:.1f} MB | load {load:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
