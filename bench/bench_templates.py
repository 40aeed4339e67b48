"""Benchmark: the `user` template against Faker producing the same fields row by row.

    .venv/bin/python bench/bench_templates.py [--rows 1000000] [--faker-rows 20000]

Faker is timed in this process; each vectorized run (CSV, Parquet, and the worker's template
job path: ``templates.jobs.write_batch`` to storage with progress) runs in its own child
process so that its peak RSS can be read. Targets: >= 100x Faker's rows/s, peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def faker_rows_per_second(rows: int) -> float:
    """Faker, one call per field per row, for the same 20 fields as the template."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(1)
    today = dt.date(2025, 1, 1)
    start = time.perf_counter()
    out = []
    for i in range(rows):
        first, last = fake.first_name(), fake.last_name()
        born = fake.date_of_birth(minimum_age=18, maximum_age=90)
        out.append(
            {
                "id": i + 1,
                "first_name": first,
                "last_name": last,
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{i + 1}@{fake.free_email_domain()}",
                "phone": fake.phone_number(),
                "date_of_birth": born,
                "age": today.year - born.year - ((today.month, today.day) < (born.month, born.day)),
                "gender": fake.random_element(["female", "male", "nonbinary"]),
                "street_address": fake.street_address(),
                "city": fake.city(),
                "state": fake.state(),
                "postal_code": fake.postcode(),
                "country": "United States",
                "username": fake.user_name(),
                "job_title": fake.job(),
                "company": fake.company(),
                "salary": round(fake.pyfloat(min_value=15_000, max_value=900_000), 2),
                "created_at": fake.date_time_between("-5y", "now"),
                "is_active": fake.pybool(),
            }
        )
    return rows / (time.perf_counter() - start)


def job_child(rows: int, out_dir: str) -> None:
    """The worker's code path for a template job, with its progress callback and storage."""
    import threading

    from common.storage import Storage
    from services.training.payloads import TemplatePayload
    from services.training.templates.jobs import plan_request, write_batch

    started = time.perf_counter()
    request = TemplatePayload(
        builtin="user", count=rows, seed=1, locale="en_US", chunk_rows=100_000
    )
    generation = plan_request(request)
    planned = time.perf_counter()
    storage = Storage(out_dir)
    result = write_batch(
        storage,
        generation,
        prefix="batch/job",
        chunk_rows=100_000,
        on_progress=lambda update: None,
        cancel=threading.Event(),
    )
    done = time.perf_counter()
    size = storage.size(result.keys[0])
    print(json.dumps({"plan_s": planned - started, "write_s": done - planned, "bytes": size}))


def child(fmt: str, rows: int, out_dir: str) -> None:
    """Generate ``rows`` users to ``fmt`` in ``out_dir``; print timings as JSON."""
    if fmt == "job":
        job_child(rows, out_dir)
        return
    import fsspec
    import pyarrow.csv as pacsv

    from services.training.exports import ChunkedParquetWriter
    from services.training.templates import generate, plan

    started = time.perf_counter()
    p = plan("user", count=rows, seed=1)
    planned = time.perf_counter()
    path = str(Path(out_dir) / f"users.{fmt}")
    batches = (batch for _, batch in generate(p, chunk_rows=100_000))
    first = next(batches)
    if fmt == "csv":
        with open(path, "wb") as sink, pacsv.CSVWriter(sink, first.schema) as writer:
            writer.write_batch(first)
            for batch in batches:
                writer.write_batch(batch)
    else:
        with ChunkedParquetWriter(fsspec.filesystem("file"), path, first.schema) as writer:
            writer.write(first)
            for batch in batches:
                writer.write(batch)
    done = time.perf_counter()
    size = Path(path).stat().st_size
    print(json.dumps({"plan_s": planned - started, "write_s": done - planned, "bytes": size}))


def run_child(fmt: str, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as out_dir:
        result = subprocess.run(
            [sys.executable, __file__, "--child", fmt, "--rows", str(rows), "--out", out_dir],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    # ru_maxrss of the largest finished child so far (KiB on Linux); each child is bigger
    # than this parent's own footprint, so run the CSV and Parquet children separately.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {**json.loads(result.stdout), "peak_rss_mb": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--faker-rows", type=int, default=20_000)
    parser.add_argument("--child", choices=["csv", "parquet", "job"])
    parser.add_argument("--out")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.child:
        child(args.child, args.rows, args.out)
        return
    baseline = faker_rows_per_second(args.faker_rows)
    print(f"faker row by row : {baseline:12,.0f} rows/s ({args.faker_rows:,} rows)")
    for fmt in ("csv", "parquet", "job"):
        result = run_child(fmt, args.rows)
        speed = args.rows / result["write_s"]
        print(
            f"user -> {fmt:<8}: {speed:12,.0f} rows/s ({args.rows:,} rows, "
            f"{result['bytes'] / 1e6:,.0f} MB, plan {result['plan_s']:.2f} s) "
            f"= {speed / baseline:6.1f}x faker, peak RSS so far {result['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
