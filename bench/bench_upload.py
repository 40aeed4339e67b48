"""Upload throughput and memory through the gateway's streaming endpoint, end to end.

    .venv/bin/python bench/bench_upload.py [--sizes-mb 100 1024]

For each size: Adult replicated to that many MiB of CSV; a fresh stack (embedded PostgreSQL
and NATS, auth, datasets and the gateway as separate processes); the file POSTed to
``/upload/datasets`` as a streamed body; the clock stops when the dataset is READY.
Prints MB/s for the upload alone (bytes in storage) and end to end (typed Parquet, split,
statistics, metadata), each as a ratio to ``pyarrow.csv.read_csv`` of the same file in the
same run, and the peak RSS (VmHWM) of the gateway, the datasets service, its ingestion
worker process and the short-lived child that runs SDV's metadata detection (sampled every
50 ms while the upload runs), and the CPU seconds each of them used until READY (on a shared
machine the seconds to READY follow the load; the CPU seconds much less).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MiB = 1024 * 1024
# How often the benchmark asks whether the dataset is READY (half of it is lost on average).
POLL_SECONDS = 0.1

from common.migrations import upgrade  # noqa: E402
from tests import adult  # noqa: E402
from tools.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    free_port,
    wait_until_listening,
)


def make_file(path: Path, size_mb: int) -> int:
    block = adult.path().read_bytes()
    if not block.endswith(b"\n"):
        block += b"\n"
    with path.open("wb") as sink:
        while sink.tell() < size_mb * MiB:
            sink.write(block)
    return path.stat().st_size


def baseline_seconds(path: Path, runs: int = 3) -> float:
    """pyarrow's multi-threaded CSV reader, all in memory, in a child process: the best of
    `runs` (on a shared machine a single run swung between 96 and 433 MB/s)."""
    code = (
        "import sys,time,pyarrow.csv as c;t=time.perf_counter();"
        "c.read_csv(sys.argv[1],read_options=c.ReadOptions(autogenerate_column_names=True));"
        "print(time.perf_counter()-t)"
    )
    return min(
        float(
            subprocess.run(
                [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
            ).stdout.strip()
        )
        for _ in range(runs)
    )


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Stack:
    """PostgreSQL, NATS, auth, datasets and the gateway, each its own process."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.pg = EmbeddedPostgres(work / "pg", free_port())
        self.nats = EmbeddedNats(work / "nats", free_port())
        self.ports = {name: free_port() for name in ("auth", "datasets", "gateway")}
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> str:
        self.pg.start()
        self.pg.create_database("bench")
        self.nats.start()
        url = self.pg.url("bench")
        for schema in ("auth", "datasets"):
            upgrade(url, schema, ROOT / f"services/{schema}/migrations")
        env = {
            **os.environ,
            "SYNTHETICA_DATABASE_URL": url,
            "SYNTHETICA_NATS_URL": self.nats.url,
            "SYNTHETICA_STORAGE_URL": str(self.work / "storage"),
            "SYNTHETICA_SERVICE_TOKEN": secrets.token_urlsafe(16),
            "SYNTHETICA_AUTH_ADDR": f"127.0.0.1:{self.ports['auth']}",
            "SYNTHETICA_DATASETS_ADDR": f"127.0.0.1:{self.ports['datasets']}",
            "SYNTHETICA_LOG_LEVEL": "WARNING",
            "AUTH_GRPC_PORT": str(self.ports["auth"]),
            "DATASETS_GRPC_PORT": str(self.ports["datasets"]),
            "DATASETS_INGEST_WORKERS": "1",
            "GATEWAY_PORT": str(self.ports["gateway"]),
        }
        for name, module in (
            ("auth", "services.auth"),
            ("datasets", "services.datasets"),
            ("gateway", "gateway"),
        ):
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", module], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
            )
        for name, port in self.ports.items():
            wait_until_listening(self.processes[name].pid, port, name=name, timeout=120)
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a worker in the middle of a long job
                process.kill()
                process.wait()
        self.nats.stop()
        self.pg.stop()


class Sampler(threading.Thread):
    """Calls ``sample`` every ``interval`` seconds, in a thread, until ``done`` is set."""

    interval = 0.2

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        raise NotImplementedError


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


class ChildPeaks(Sampler):
    """Peak RSS of the datasets service's child processes, by kind, including short-lived
    ones: each child's VmHWM is read every 50 ms until it exits; and the CPU seconds each
    kind used from the start of the sampling (a child started since: all of its own)."""

    KINDS = {"spawn_main": "ingest worker", "sdv_child": "metadata child"}
    interval = 0.05

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.peaks: dict[int, tuple[str, float]] = {}
        # pid: (CPU seconds when first seen, when last seen); None until the first sample.
        self.cpu: dict[int, tuple[float, float]] | None = None

    def sample(self) -> None:
        try:
            children = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        first = self.cpu is None
        self.cpu = self.cpu or {}
        for child in children:
            try:
                command = " ".join(child.cmdline())
                peak = peak_rss_mb(child.pid)
                used = cpu_seconds(child)
            except (psutil.Error, OSError):
                continue  # it exited between the listing and the read
            kind = next((k for marker, k in self.KINDS.items() if marker in command), None)
            if kind is None:
                continue
            # Before its exec a new child still reports its parent's memory and command.
            seen_kind, seen_peak = self.peaks.get(child.pid, (kind, 0.0))
            self.peaks[child.pid] = (kind, max(peak, seen_peak if seen_kind == kind else 0.0))
            since = self.cpu.get(child.pid, (used if first else 0.0, 0.0))[0]
            self.cpu[child.pid] = (since, used)

    def stop(self) -> tuple[dict[str, float], dict[str, float]]:
        """(peak RSS in MB, CPU seconds) by kind."""
        self.done.set()
        self.join()
        self.sample()
        cpu = self.cpu or {}
        return {
            kind: max((peak for k, peak in self.peaks.values() if k == kind), default=0.0)
            for kind in self.KINDS.values()
        }, {
            kind: sum(
                last - since
                for pid, (since, last) in cpu.items()
                if self.peaks.get(pid, ("", 0.0))[0] == kind
            )
            for kind in self.KINDS.values()
        }


GQL_REGISTER = (
    'mutation { register(input: {email: "bench@example.com", password: "correct-horse-42"})'
    " { tokens { accessToken } } }"
)


async def upload(base: str, path: Path) -> tuple[float, float, dict]:
    async with httpx.AsyncClient(base_url=base, timeout=3600) as client:
        token = (await client.post("/graphql", json={"query": GQL_REGISTER})).json()["data"][
            "register"
        ]["tokens"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        project = await client.post(
            "/graphql",
            json={"query": 'mutation { createProject(input: {name: "bench"}) { id } }'},
            headers=headers,
        )
        project_id = project.json()["data"]["createProject"]["id"]

        async def body():
            with path.open("rb") as source:
                while chunk := source.read(MiB):
                    yield chunk

        started = time.perf_counter()
        response = await client.post(
            f"/upload/datasets?projectId={project_id}&name=adult&waitSeconds=0",
            content=body(),
            headers=headers,
        )
        uploaded = time.perf_counter() - started
        dataset = response.json()
        assert response.status_code in (201, 202), dataset
        query = "query($id: ID!) { dataset(id: $id) { status error rowCount } }"
        variables = {"id": dataset["id"]}
        while True:
            got = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            dataset = got.json()["data"]["dataset"]
            if dataset["status"] != "INGESTING":
                break
            await asyncio.sleep(POLL_SECONDS)
        return uploaded, time.perf_counter() - started, dataset


def run(size_mb: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        work = Path(tmp)
        path = work / "adult.csv"
        size = make_file(path, size_mb)
        base = baseline_seconds(path)
        stack = Stack(work)
        try:
            url = stack.start()
            children = ChildPeaks(stack.processes["datasets"].pid)
            children.start()
            services = {
                name: psutil.Process(stack.processes[name].pid) for name in ("gateway", "datasets")
            }
            before = {name: cpu_seconds(process) for name, process in services.items()}
            uploaded, total, dataset = asyncio.run(upload(url, path))
            cpu = {name: cpu_seconds(p) - before[name] for name, p in services.items()}
            child_peaks, child_cpu = children.stop()
            peaks = {
                "gateway": peak_rss_mb(stack.processes["gateway"].pid),
                "datasets": peak_rss_mb(stack.processes["datasets"].pid),
                **child_peaks,
            }
            cpu.update(child_cpu)
        finally:
            stack.stop()
    mb = size / MiB
    print(f"\n{mb:,.0f} MiB CSV ({dataset['rowCount']:,} rows, {dataset['status']})")
    print(f"  pyarrow.csv.read_csv (baseline) {mb / base:8.1f} MB/s")
    print(f"  upload to storage               {mb / uploaded:8.1f} MB/s  ({base / uploaded:.2f}x)")
    print(
        f"  end to end, until READY         {mb / total:8.1f} MB/s  ({base / total:.2f}x, "
        f"{total:.1f} s)"
    )
    for name, peak in peaks.items():
        print(f"  peak RSS {name:<22} {peak:8.0f} MB")
    used = ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
    print(f"  CPU seconds until READY          {used}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[100, 1024])
    args = parser.parse_args()
    for size_mb in args.sizes_mb:
        run(size_mb)


if __name__ == "__main__":
    main()
