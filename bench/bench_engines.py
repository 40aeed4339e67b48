"""Engine benchmark on adult-train.

For each engine and mode (library defaults, and a time budget): training time through the
real child-process runner, and the SDMetrics QualityReport score of 32,561 generated rows.
Then sampling throughput and the child's peak RSS for `--sample-rows` rows. Figures are
also printed as ratios against the first engine measured in the same run (the baseline).

    nice -n 10 .venv/bin/python bench/bench_engines.py --engines gaussian_copula,tabular_argn \
        --modes defaults,budget --budget 120
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil
from sdmetrics.reports.single_table import QualityReport

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.training.engines import ProgressUpdate, TrainParams, get_engine, read_manifest  # noqa: E402
from services.training.engines.runner import run_sampling, run_training  # noqa: E402
from tests import adult  # noqa: E402

_SDTYPES = {"numeric": "numerical", "categorical": "categorical", "datetime": "datetime"}


@dataclass
class Row:
    engine: str
    mode: str
    fit_seconds: float
    epochs: int | None
    quality: float
    throughput: float | None = None
    peak_rss_mb: float | None = None


class PeakRss:
    """Polls the engine child processes' RSS from a thread (the runner owns the child)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    self.peak = max(self.peak, child.memory_info().rss)
                except psutil.NoSuchProcess:
                    continue


def load_adult() -> pd.DataFrame:
    return adult.frame()


def quality(real: pd.DataFrame, synthetic: pd.DataFrame, artifact: Path) -> float:
    profile = read_manifest(artifact).profile
    metadata = {"columns": {c.name: {"sdtype": _SDTYPES[c.kind]} for c in profile.columns}}
    synthetic = synthetic.astype(real.dtypes.to_dict())
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, metadata, verbose=False)
    return float(report.get_score())


def bench_engine(name: str, mode: str, budget: float, real: pd.DataFrame, work: Path) -> Row:
    spec = get_engine(name)
    params = TrainParams.build(spec, time_budget_seconds=budget if mode == "budget" else None)
    artifact = work / f"{name}-{mode}.tar.gz"
    started = time.monotonic()
    fitted = run_training(
        name, work / "adult.parquet", {}, params, artifact, on_progress=_print_progress(name, mode)
    )
    fit_seconds = time.monotonic() - started
    out = work / f"{name}-{mode}.parquet"
    run_sampling(artifact, len(real), seed=1, out_path=out)
    score = quality(real, pd.read_parquet(out), artifact)
    return Row(name, mode, fit_seconds, fitted.metrics["epochs_run"], score)


def _print_progress(name: str, mode: str):
    """Prints a line per epoch, so a run of many epochs shows it is alive and its pace."""
    started = time.monotonic()
    last_epoch: int | None = None

    def show(update: ProgressUpdate) -> None:
        nonlocal last_epoch
        if update.epoch is not None and update.epoch != last_epoch:
            last_epoch = update.epoch
            elapsed = time.monotonic() - started
            print(f"  {name} {mode}: epoch {update.epoch} at {elapsed:.0f} s", flush=True)

    return show


def bench_sampling(row: Row, rows: int, work: Path) -> None:
    artifact = work / f"{row.engine}-{row.mode}.tar.gz"
    with PeakRss() as rss:
        result = run_sampling(artifact, rows, seed=2, out_path=work / "big.parquet")
    row.throughput = rows / result.duration_seconds
    row.peak_rss_mb = rss.peak / 2**20


def print_table(rows: list[Row]) -> None:
    base = rows[0]
    print(f"\nbaseline: {base.engine} ({base.mode})")
    print(
        f"{'engine':16} {'mode':9} {'fit s':>8} {'x base':>7} {'epochs':>7} {'quality':>8} "
        f"{'rows/s':>10} {'x base':>7} {'peak MB':>8}"
    )
    for r in rows:
        tput = f"{r.throughput:10.0f}" if r.throughput else f"{'-':>10}"
        ratio = f"{r.throughput / base.throughput:7.2f}" if r.throughput and base.throughput else ""
        rss = f"{r.peak_rss_mb:8.0f}" if r.peak_rss_mb else f"{'-':>8}"
        fit_ratio = r.fit_seconds / base.fit_seconds
        print(
            f"{r.engine:16} {r.mode:9} {r.fit_seconds:8.1f} {fit_ratio:7.2f} "
            f"{r.epochs if r.epochs is not None else '-':>7} {r.quality:8.3f} {tput} {ratio:>7} "
            f"{rss}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--engines", default="gaussian_copula,tabular_argn")
    parser.add_argument("--modes", default="defaults,budget", help="defaults and/or budget")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds, for mode 'budget'")
    parser.add_argument("--sample-rows", type=int, default=1_000_000, help="0 skips throughput")
    args = parser.parse_args()

    real = load_adult()
    results: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        work = Path(tmp)
        real.to_parquet(work / "adult.parquet", index=False)
        for name in args.engines.split(","):
            for mode in args.modes.split(","):
                row = bench_engine(name, mode, args.budget, real, work)
                if args.sample_rows:
                    bench_sampling(row, args.sample_rows, work)
                print(row, flush=True)
                results.append(row)
    print_table(results)


if __name__ == "__main__":
    main()
