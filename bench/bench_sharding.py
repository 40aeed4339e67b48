"""Sharded generation across workers: throughput of 2 workers against 1, and memory over a
10,000,000-row job.

    nice -n 10 .venv/bin/python bench/bench_sharding.py [--rows 4000000] [--big-rows 10000000]

Starts embedded PostgreSQL and NATS and real ``python -m services.training worker``
processes, each pinned to one core with ``taskset -c`` (1 worker on core 0; then 2 workers on
cores 0 and 1). The same template job (``user``, same seed, split into shards of
``--shard-rows``) is queued through the training service's own ``create_template_job`` and
timed from the job's start to its finish (the database's timestamps: worker start-up is not
counted). Prints rows/s of each and the ratio (target >= 1.7x), alternating the two set-ups
``--repeat`` times and keeping each one's best. Then one ``--big-rows`` job on the 2 workers
with each worker's RSS (the process and its children) sampled every half second: start,
peak, and end (target: flat, no growth with the rows done).

Ports 23040-23049 (PostgreSQL, NATS, the workers' health ports).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from common.migrations import upgrade  # noqa: E402
from services.training import models as m  # noqa: E402
from services.training.service import TemplateRequest, create_template_job  # noqa: E402
from tools.embedded import EmbeddedNats, EmbeddedPostgres, wait_until_listening  # noqa: E402

PG_PORT, NATS_PORT, HEALTH_PORT = 23040, 23041, 23042
TEMPLATE = "user"  # one table of 20 fields (a job of several tables is not split)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants (from /proc)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(x.split()[1]) * 1024 for x in status.splitlines() if x.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


class Workers:
    """``count`` worker processes, worker i pinned to core i."""

    def __init__(self, count: int, env: dict[str, str], logs: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        for i in range(count):
            port = HEALTH_PORT + i
            log = (logs / f"worker-{count}-{i}.log").open("ab")
            process = subprocess.Popen(
                ["taskset", "-c", str(i), sys.executable, "-m", "services.training", "worker"],
                cwd=ROOT,
                env={**env, "TRAINING_WORKER_HEALTH_PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes.append(process)
            wait_until_listening(process.pid, port, name="training worker", timeout=300)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def queue_job(engine: sa.Engine, rows: int) -> str:
    with Session(engine) as session, session.begin():
        _, job = create_template_job(
            session=session,
            owner_id=str(uuid.uuid4()),
            project_id=str(uuid.uuid4()),
            request=TemplateRequest(
                template_id=TEMPLATE,
                name=TEMPLATE,
                source={"builtin": TEMPLATE},
                count=rows,
                seed=42,
                locale="en_US",
                chunk_rows=100_000,
                format="parquet",
            ),
            max_active_jobs=1_000,
        )
        return str(job.id)


def wait_job(engine: sa.Engine, job_id: str, timeout: float = 3600) -> float:
    """Seconds from the job's start to its finish."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            job = session.get(m.Job, uuid.UUID(job_id))
            assert job is not None
            if job.status in (m.FAILED, m.CANCELLED):
                raise RuntimeError(f"job {job_id} {job.status}: {job.error}")
            if job.status == m.SUCCEEDED:
                assert job.started_at and job.finished_at
                return (job.finished_at - job.started_at).total_seconds()
        time.sleep(0.5)
    raise TimeoutError(job_id)


def timed(engine: sa.Engine, workers: Workers, rows: int) -> float:
    del workers  # running: they take the job's shards
    return rows / wait_job(engine, queue_job(engine, rows))


def sampled(engine: sa.Engine, workers: Workers, rows: int) -> list[list[tuple[float, int]]]:
    """Each worker's RSS over the job, every half second."""
    samples: list[list[tuple[float, int]]] = [[] for _ in workers.processes]
    done = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not done.is_set():
            for series, process in zip(samples, workers.processes, strict=True):
                series.append((time.monotonic() - started, rss_bytes(process.pid)))
            done.wait(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        seconds = wait_job(engine, queue_job(engine, rows))
    finally:
        done.set()
        sampler.join()
    print(f"{rows:,}-row job: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")
    return samples


def main() -> None:
    # A stop (timeout, Ctrl-C from a supervisor) still stops the servers and workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument("--shard-rows", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()}, cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="bench-sharding-") as tmp:
        work = Path(tmp)
        pg, nats = EmbeddedPostgres(work / "pg", PG_PORT), EmbeddedNats(work / "nats", NATS_PORT)
        pg.start()
        nats.start()
        try:
            pg.create_database("bench")
            url = pg.url("bench")
            upgrade(url, "training", ROOT / "services" / "training" / "migrations")
            env = {
                **os.environ,
                "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}",
                "SYNTHETICA_DATABASE_URL": url,
                "SYNTHETICA_NATS_URL": nats.url,
                "SYNTHETICA_STORAGE_URL": str(work / "storage"),
                "SYNTHETICA_SERVICE_TOKEN": secrets.token_urlsafe(16),
                "TRAINING_SHARD_THRESHOLD_ROWS": str(args.shard_rows),
                "TRAINING_SHARD_ROWS": str(args.shard_rows),
                "TRAINING_ENGINE_THREADS": "1",
            }
            engine = sa.create_engine(url)
            best = {1: 0.0, 2: 0.0}
            for _ in range(args.repeat):
                for count in (1, 2):
                    workers = Workers(count, env, work)
                    try:
                        rate = timed(engine, workers, args.rows)
                    finally:
                        workers.stop()
                    print(f"{count} worker(s): {rate:,.0f} rows/s  (load {os.getloadavg()[0]:.1f})")
                    best[count] = max(best[count], rate)
            print(
                f"throughput, 2 workers / 1 worker (best of {args.repeat}): "
                f"{best[2] / best[1]:.2f}x  (target >= 1.7x)"
            )
            if args.big_rows:
                workers = Workers(2, env, work)
                try:
                    samples = sampled(engine, workers, args.big_rows)
                finally:
                    workers.stop()
                for i, series in enumerate(samples):
                    mb = [rss / 2**20 for _, rss in series]
                    half = mb[len(mb) // 2 :]
                    print(
                        f"worker {i}: RSS start {mb[0]:.0f} MB, peak {max(mb):.0f} MB, "
                        f"end {mb[-1]:.0f} MB, second half {min(half):.0f}-{max(half):.0f} MB"
                    )
            print(f"load at the end: {os.getloadavg()}")
        finally:
            nats.stop()
            pg.stop()


if __name__ == "__main__":
    main()
