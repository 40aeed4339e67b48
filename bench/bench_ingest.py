"""Ingestion throughput and memory against pyarrow's CSV reader, on adult replicated.

    .venv/bin/python bench/bench_ingest.py [--size-mb 100]

Prints MB/s for `pyarrow.csv.read_csv` (the baseline, all in memory) and for our `ingest`
(two streaming passes, typed Parquet), then split and stats, the ratio, and the peak RSS
of a child process that runs ingest + split + stats.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import adult  # noqa: E402


def make_file(path: Path, size_mb: int) -> int:
    """Adult repeated until the file reaches `size_mb` MiB; returns its size in bytes."""
    block = adult.path().read_bytes()
    if not block.endswith(b"\n"):
        block += b"\n"
    target = size_mb * 1024 * 1024
    with path.open("wb") as sink:
        while sink.tell() < target:
            sink.write(block)
    return path.stat().st_size


def run_child(csv_path: Path, work: Path) -> None:
    """Ingest, split and describe; print the timings as JSON (runs in a child process)."""
    import fsspec

    from services.datasets.ingest import compute_stats, ingest, split_holdout
    from services.datasets.ingest.process import bound_memory

    bound_memory()  # as in an ingestion worker
    fs = fsspec.filesystem("file")
    timings = {}
    start = time.perf_counter()
    result = ingest(lambda: csv_path.open("rb"), fs=fs, out_path=str(work / "data.parquet"))
    timings["ingest_s"] = time.perf_counter() - start
    start = time.perf_counter()
    split_holdout(
        fs, str(work / "data.parquet"), str(work / "t.parquet"), str(work / "h.parquet"), 0.2, 0
    )
    timings["split_s"] = time.perf_counter() - start
    start = time.perf_counter()
    compute_stats(fs, str(work / "data.parquet"))
    timings["stats_s"] = time.perf_counter() - start
    timings["rows"] = result.row_count
    print(json.dumps(timings))


def baseline_seconds(csv_path: Path) -> float:
    import pyarrow.csv as pacsv

    start = time.perf_counter()
    pacsv.read_csv(csv_path, read_options=pacsv.ReadOptions(autogenerate_column_names=True))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--child", nargs=2, metavar=("CSV", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "adult-big.csv"
        megabytes = make_file(csv_path, args.size_mb) / 1e6
        # The child runs first: forked after the baseline, it would count the baseline's pages.
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(csv_path), str(work)],
            check=True,
            capture_output=True,
            text=True,
        )
        timings = json.loads(child.stdout)
        base = baseline_seconds(csv_path)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"file: {megabytes:.0f} MB, {timings['rows']:,} rows")
    print(f"baseline pyarrow.csv.read_csv: {megabytes / base:8.1f} MB/s")
    print(f"ingest (2 passes -> Parquet):  {megabytes / timings['ingest_s']:8.1f} MB/s")
    print(f"ratio ingest / baseline:       {base / timings['ingest_s']:8.2f}")
    print(f"split: {timings['split_s']:.1f} s, stats: {timings['stats_s']:.1f} s")
    all_in = timings["ingest_s"] + timings["split_s"] + timings["stats_s"]
    print(f"ingest + split + stats:        {megabytes / all_in:8.1f} MB/s")
    print(f"peak RSS of the ingest child:  {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
