"""A big table end to end: ingest, train ``tabular_argn`` (budgeted) and generate, with the
training worker's memory sampled throughout.

    nice -n 10 .venv/bin/python bench/bench_bigtable.py [--rows 10000000] [--budget 60]
        [--generate 1000000] [--max-rows 1000000]

Adult replicated to ``--rows`` rows with noise on its numbers (written block by block to a
CSV, never whole in memory); a fresh stack, every service its own process (embedded
PostgreSQL and NATS, auth, datasets, training API, one training worker, the gateway); the
CSV streamed to ``/upload/datasets``; ``trainModel`` and ``generate`` through GraphQL.

Prints the seconds of each step and the peak RSS (VmHWM) of the worker process, of its
engine processes (the fork server, each engine child) and the peak of their sum at one
moment (sampled every 200 ms; shared pages counted twice, so an upper bound), against the
target: the worker with its engine processes within 4 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from bench.bench_training import gql  # noqa: E402
from bench.bench_upload import Sampler, peak_rss_mb, upload  # noqa: E402
from bench.bench_upload import Stack as UploadStack  # noqa: E402
from common.migrations import upgrade  # noqa: E402
from tests import adult  # noqa: E402
from tools.embedded import free_port, wait_until_listening  # noqa: E402

MiB = 1024 * 1024
TARGET_MB = 4096
SERVICES = {
    "auth": ["services.auth"],
    "datasets": ["services.datasets"],
    "training": ["services.training"],
    "worker": ["services.training", "worker"],
    "gateway": ["gateway"],
}


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    """Adult, block after block, with its numbers jittered (so rows are not exact copies)."""
    base = adult.frame(missing=None)
    rng = np.random.default_rng(seed)
    written = 0
    with pacsv.CSVWriter(path, pa.Schema.from_pandas(base, preserve_index=False)) as writer:
        while written < rows:
            block = base.iloc[: rows - written].copy()
            n = len(block)
            block["age"] = (block["age"] + rng.integers(-2, 3, n)).clip(17, 90)
            block["fnlwgt"] = block["fnlwgt"] + rng.integers(-1000, 1001, n)
            block["hours-per-week"] = (block["hours-per-week"] + rng.integers(-3, 4, n)).clip(1, 99)
            writer.write_table(pa.Table.from_pandas(block, preserve_index=False))
            written += n


class Stack(UploadStack):
    """bench_upload's stack with the training API and one training worker beside it, every
    service its own process, so each one's memory is its own."""

    def __init__(self, work: Path, max_rows: int) -> None:
        super().__init__(work)
        self.ports = {name: free_port() for name in SERVICES}
        self.max_rows = max_rows

    def start(self) -> str:
        self.pg.start()
        self.pg.create_database("bench")
        self.nats.start()
        url = self.pg.url("bench")
        for schema in ("auth", "datasets", "training"):
            upgrade(url, schema, ROOT / f"services/{schema}/migrations")
        address = {name: f"127.0.0.1:{port}" for name, port in self.ports.items()}
        env = {
            **os.environ,
            "SYNTHETICA_DATABASE_URL": url,
            "SYNTHETICA_NATS_URL": self.nats.url,
            "SYNTHETICA_STORAGE_URL": str(self.work / "storage"),
            "SYNTHETICA_SERVICE_TOKEN": secrets.token_urlsafe(16),
            "SYNTHETICA_LOG_LEVEL": "WARNING",
            **{f"SYNTHETICA_{name.upper()}_ADDR": address[name] for name in SERVICES},
            "AUTH_GRPC_PORT": str(self.ports["auth"]),
            "DATASETS_GRPC_PORT": str(self.ports["datasets"]),
            "TRAINING_GRPC_PORT": str(self.ports["training"]),
            "TRAINING_WORKER_HEALTH_PORT": str(self.ports["worker"]),
            "TRAINING_TRAIN_MAX_ROWS": str(self.max_rows),
            "TRAINING_JOB_ACK_WAIT_SECONDS": "120",
            "GATEWAY_PORT": str(self.ports["gateway"]),
        }
        self.processes = {
            name: subprocess.Popen(
                [sys.executable, "-m", *command], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
            )
            for name, command in SERVICES.items()
        }
        for name, process in self.processes.items():
            # A loaded machine: the worker imports the engines' libraries before it listens.
            wait_until_listening(process.pid, self.ports[name], name=name, timeout=900)
        return f"http://127.0.0.1:{self.ports['gateway']}"


class WorkerMemory(Sampler):
    """Peak RSS of the worker, of its descendants (the fork server, engine children) and of
    their sum at one moment, sampled every 200 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.peaks: dict[int, float] = {}
        self.sum_peak = 0.0

    def sample(self) -> None:
        try:
            processes = [psutil.Process(self.pid)]
            processes += processes[0].children(recursive=True)
        except psutil.NoSuchProcess:
            return
        total = 0.0
        for process in processes:
            try:
                total += process.memory_info().rss / MiB
                peak = peak_rss_mb(process.pid)
                self.peaks[process.pid] = max(self.peaks.get(process.pid, 0.0), peak)
            except (psutil.Error, OSError):
                continue
        self.sum_peak = max(self.sum_peak, total)

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        others = [peak for pid, peak in self.peaks.items() if pid != self.pid]
        return {
            "worker process": self.peaks.get(self.pid, 0.0),
            "largest engine process": max(others, default=0.0),
            "worker + engines, at once": self.sum_peak,
        }


TRAIN = "mutation($i: TrainModelInput!) { trainModel(input: $i) { model { id } job { id } } }"
GENERATE = "mutation($i: GenerateInput!) { generate(input: $i) { batch { id } job { id } } }"
JOB = "query($id: ID!) { job(id: $id) { status error progress { message } } }"
MODEL = "query($id: ID!) { model(id: $id) { metrics } }"


async def wait(client: httpx.AsyncClient, token: str, job_id: str) -> dict:
    while True:
        job = (await gql(client, JOB, token, id=job_id))["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return job
        await asyncio.sleep(1.0)


LOGIN = (
    'mutation { login(input: {email: "bench@example.com", password: "correct-horse-42"})'
    " { tokens { accessToken } } }"
)
# The dataset bench_upload's `upload` made (the user's one project, its one dataset).
DATASET = "{ projects { nodes { datasets { nodes { id } } } } }"


async def train_and_generate(base: str, args: argparse.Namespace) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        token = (await gql(client, LOGIN))["login"]["tokens"]["accessToken"]
        # An API key, not the access token: a 10,000,000-row run outlives its 15 minutes.
        created = await gql(
            client, 'mutation { createApiKey(input: {name: "bench"}) { secret } }', token
        )
        client.headers["X-API-Key"] = created["createApiKey"]["secret"]
        token = ""
        projects = (await gql(client, DATASET, token))["projects"]["nodes"]
        dataset_id = projects[0]["datasets"]["nodes"][0]["id"]
        started = time.perf_counter()
        params = {"datasetId": dataset_id, "engine": "tabular_argn", "seed": 1}
        trained = await gql(client, TRAIN, token, i={**params, "timeBudgetSeconds": args.budget})
        job = await wait(client, token, trained["trainModel"]["job"]["id"])
        train_seconds = time.perf_counter() - started
        if job["status"] != "SUCCEEDED":
            return {"train": job}
        model_id = trained["trainModel"]["model"]["id"]
        metrics = (await gql(client, MODEL, token, id=model_id))["model"]["metrics"]
        started = time.perf_counter()
        request = {"modelId": model_id, "count": args.generate, "seed": 2}
        generated = await gql(client, GENERATE, token, i=request)
        gen_job = await wait(client, token, generated["generate"]["job"]["id"])
        return {
            "train_seconds": train_seconds,
            "train_message": job["progress"]["message"],
            "rows": metrics.get("rows"),
            "source_rows": metrics.get("source_rows"),
            "epochs_run": metrics.get("epochs_run"),
            "generate_seconds": time.perf_counter() - started,
            "generate": gen_job["status"],
        }


def direct(args: argparse.Namespace, work: Path) -> tuple[dict, dict[str, float]]:
    """The worker's part without the services: the split as the datasets service streams it
    (an Arrow IPC file, written batch by batch), then the same engine runner a worker calls,
    with the same cap; this process plays the worker."""
    from services.training.engines import TrainParams, get_engine, run_sampling, run_training

    source = work / "big.csv"
    split = work / "train.arrows"
    reader = pacsv.open_csv(source)
    with pa.OSFile(str(split), "wb") as sink, pa.ipc.new_stream(sink, reader.schema) as out:
        for batch in reader:
            out.write_batch(batch)
    spec = get_engine("tabular_argn")
    params = TrainParams.build(spec, time_budget_seconds=args.budget, seed=1)
    memory = WorkerMemory(os.getpid())
    memory.start()
    started = time.perf_counter()
    fitted = run_training(spec, split, {}, params, work / "model.tar.gz", max_rows=args.max_rows)
    trained = time.perf_counter()
    run_sampling(work / "model.tar.gz", args.generate, 2, work / "out.parquet")
    result = {
        "train_seconds": trained - started,
        "rows": fitted.metrics["rows"],
        "source_rows": fitted.metrics["source_rows"],
        "epochs_run": fitted.metrics["epochs_run"],
        "note": fitted.metrics["note"],
        "generate_seconds": time.perf_counter() - trained,
    }
    return result, memory.stop()


def through_services(args: argparse.Namespace, work: Path) -> tuple[dict, dict[str, float]]:
    stack = Stack(work, args.max_rows)
    try:
        base = stack.start()
        memory = WorkerMemory(stack.processes["worker"].pid)
        memory.start()
        _, ingest_seconds, dataset = asyncio.run(upload(base, work / "big.csv"))
        rows = dataset.get("rowCount") or 0
        print(f"ingest: {dataset['status']} {rows:,} rows in {ingest_seconds:.0f} s")
        ready = dataset["status"] == "READY"
        try:
            result = asyncio.run(train_and_generate(base, args)) if ready else {}
        except Exception as exc:  # the memory measured so far is still worth printing
            result = {"failed": repr(exc)}
        return result, memory.stop()
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--budget", type=int, default=60, help="training budget, seconds")
    parser.add_argument("--generate", type=int, default=1_000_000, help="rows to generate")
    parser.add_argument("--max-rows", type=int, default=1_000_000, help="TRAINING_TRAIN_MAX_ROWS")
    parser.add_argument(
        "--csv",
        type=Path,
        help="the CSV to use: written there first when missing, and kept (it takes minutes)",
    )
    parser.add_argument(
        "--direct",
        action="store_true",
        help="skip the services: the engine runner on the split file, as a worker calls it",
    )
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}")
    scratch = os.environ.get("BENCH_TMP")  # a disk with room for the CSV and its copies
    with tempfile.TemporaryDirectory(prefix="bench-bigtable-", dir=scratch) as tmp:
        work = Path(tmp)
        path = work / "big.csv"
        if args.csv is None or not args.csv.exists():
            started = time.perf_counter()
            make_csv(args.csv or path, args.rows)
            seconds = time.perf_counter() - started
            print(f"CSV: {args.rows:,} rows written in {seconds:.0f} s")
        if args.csv is not None:
            path.symlink_to(args.csv.resolve())
        print(f"CSV: {path.stat().st_size / MiB:,.0f} MiB")
        result, peaks = direct(args, work) if args.direct else through_services(args, work)
    for name, value in result.items():
        print(f"  {name}: {value}")
    for name, peak in peaks.items():
        verdict = "ok" if peak <= TARGET_MB else "OVER"
        print(f"  peak RSS {name:<28} {peak:8.0f} MB  (target {TARGET_MB} MB: {verdict})")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
