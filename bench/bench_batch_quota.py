"""What the storage quota's request-time estimate of a template batch costs and how close it is.

    nice -n 10 .venv/bin/python bench/bench_batch_quota.py [--rows 1000000] [--written 200000]
        [--repeat 20]

For each built-in template: the time of the API's template check as it was (planning the
request) and as it is now (planning, then the bytes estimate from a 5,000-row sample written
as zstd Parquet), as a ratio measured in this same process; and the estimate for
``--written`` rows against the bytes a job writing those rows (TEMPLATE_CHUNK_ROWS 100,000)
actually stores, as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from common.storage import Storage  # noqa: E402
from services.training.templates import jobs, plan  # noqa: E402
from services.training.templates.checks import estimated_bytes  # noqa: E402

TEMPLATES = ("user", "ecommerce_transaction")


def seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def written_bytes(name: str, rows: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        storage = Storage(folder)
        jobs.write_batch(
            storage,
            plan(name, count=rows, seed=1),
            prefix="bench",
            chunk_rows=100_000,
            on_progress=lambda update: None,
            cancel=threading.Event(),
        )
        return storage.folder_size("bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--written", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    plan("user", count=1)  # the vocabularies, loaded once as the checking process does
    for name in TEMPLATES:
        before = seconds(lambda n=name: plan(n, count=args.rows, seed=1), args.repeat)
        after = seconds(
            lambda n=name: estimated_bytes(plan(n, count=args.rows, seed=1)), args.repeat
        )
        estimate = estimated_bytes(plan(name, count=args.written, seed=1))
        real = written_bytes(name, args.written)
        print(
            f"{name}: check {before * 1000:.1f} ms -> {after * 1000:.1f} ms"
            f" ({after / before:.2f}x); estimate {estimate:,} B for {args.written:,} rows,"
            f" written {real:,} B (estimate/written {estimate / real:.2f}x)"
        )


if __name__ == "__main__":
    main()
