"""GraphQL query throughput: ``dataset(id) { name columns { name sdtype } }`` against a bare
Strawberry resolver returning a constant, on the same server in the same run.

    .venv/bin/python bench/bench_query.py [--workers 16] [--seconds 3] [--rounds 8]

Starts embedded PostgreSQL and NATS, migrates every service's schema, starts the auth and
datasets services as their own processes (``python -m services.auth`` and ``python -m
services.datasets`` with ``SYNTHETICA_*`` settings, as ``make up`` and production run them),
runs a gateway (built by ``gateway.app.create_app`` as in production) in this process,
registers a user, creates a project and uploads a small CSV until it is READY. Before
serving, a tiny Strawberry schema (one field returning a constant) is mounted on the same
FastAPI app at ``/bare``, so both queries cross the same uvicorn server and middleware. The
gateway's event loop is uvloop, as ``python -m gateway`` gets it from uvicorn (``--loop
asyncio``: asyncio's own, as every run until 4 December had it; the CPU figures of the two
did not differ).

The dataset query runs through two gateways in this process, one with its read cache
(gateway/read_cache.py; it follows the datasets service's events on this NATS) and one
without (GATEWAY_READ_CACHE_SECONDS=0, as every run before 5 December), so both figures come
from the same run.

The load comes from a child process (so its cost is not charged to the server's core):
``--workers`` concurrent httpx clients POST one query for ``--seconds``. The two queries run
in short alternating slices, ``--rounds`` rounds (ABC, then CBA), so that the load of a shared
machine, which moves from second to second, falls on both alike: each pair gives one ratio,
and the median of those is the result. Each slice also counts the CPU seconds the server side
spent (the gateway's own process; auth, datasets and PostgreSQL with their child processes,
from ``psutil``) per request, a figure much less moved by other work than requests/second.
Target: dataset / bare >= 0.8.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATASET_QUERY = "query($id: ID!) { dataset(id: $id) { name columns { name sdtype } } }"
BARE_QUERY = "{ hello }"
PASSWORD = "correct-horse-42"  # noqa: S105 - a throwaway bench account
CSV = b"id,amount,city,signup\n" + b"".join(
    f"{i},{i * 1.5:.2f},{['Paris', 'Lyon', 'Nice'][i % 3]},2024-01-{i % 28 + 1:02d}\n".encode()
    for i in range(200)
)
REGISTER = """mutation($email: String!, $password: String!) {
  register(input: {email: $email, password: $password}) { tokens { accessToken } }
}"""
CREATE_PROJECT = """mutation($name: String!) { createProject(input: {name: $name}) { id } }"""
UPLOAD = """mutation($projectId: ID!, $file: Upload!, $name: String!) {
  uploadDataset(projectId: $projectId, file: $file, name: $name) { id status error }
}"""


# --- load generator (runs in a child process) --------------------------------------------


ServerPids = dict[str, int]  # role (gateway, datasets, ...) -> process id
CpuSnapshot = dict[str, dict[int, float]]  # role -> {pid: CPU seconds so far}
# The gateway runs in this benchmark's own process, whose children are the services (each
# counted as its own role), NATS and the load generator: none of them is the gateway's work.
WITHOUT_DESCENDANTS = frozenset({"gateway"})


def _cpu_seconds(roots: ServerPids) -> CpuSnapshot:
    """CPU seconds (user + system) so far of each role's process and its descendants (the
    datasets service's ingest workers, PostgreSQL's backends), the gateway's process alone."""
    import psutil

    snapshot: CpuSnapshot = {}
    for role, pid in roots.items():
        seconds = snapshot.setdefault(role, {})
        try:
            root = psutil.Process(pid)
            processes = [root]
            if role not in WITHOUT_DESCENDANTS:
                processes += root.children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            seconds[process.pid] = times.user + times.system
    return snapshot


def _cpu_spent(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """Seconds each role spent between the two snapshots (a process started in between
    counts whole)."""
    return {
        role: sum(value - before.get(role, {}).get(pid, 0.0) for pid, value in now.items())
        for role, now in after.items()
    }


async def _load(
    url: str, body: dict, headers: dict, workers: int, seconds: float, server_pids: ServerPids
) -> dict:
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    done = errors = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        # Warm the connections (and the server's caches) before the clock starts.
        for _ in range(workers):
            (await client.post(url, json=body, headers=headers)).raise_for_status()
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done, errors
            while time.perf_counter() < deadline:
                response = await client.post(url, json=body, headers=headers)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1
                done += 1

        cpu_before = _cpu_seconds(server_pids)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - start
        cpu = _cpu_spent(cpu_before, _cpu_seconds(server_pids))
    return {"rps": done / elapsed, "requests": done, "errors": errors, "cpu": cpu, "s": elapsed}


def load(
    url: str, body: dict, headers: dict, workers: int, seconds: float, server_pids: ServerPids
) -> dict:
    return asyncio.run(_load(url, body, headers, workers, seconds, server_pids))


def idle(seconds: float, server_pids: ServerPids) -> dict[str, float]:
    """CPU seconds per second the server side spends with no request (outbox relays,
    PostgreSQL's own work, ...), to be taken out of each slice's count."""
    before, start = _cpu_seconds(server_pids), time.perf_counter()
    time.sleep(seconds)
    spent = _cpu_spent(before, _cpu_seconds(server_pids))
    elapsed = time.perf_counter() - start
    return {role: seconds / elapsed for role, seconds in spent.items()}


# --- the server side (this process) -------------------------------------------------------


def bare_router() -> object:
    import strawberry
    from strawberry.fastapi import GraphQLRouter

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    return GraphQLRouter(strawberry.Schema(query=Query))


async def graphql(client: httpx.AsyncClient, query: str, variables: dict, token: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    response.raise_for_status()
    result = response.json()
    if result.get("errors"):
        raise RuntimeError(result["errors"])
    return result["data"]


async def prepare(client: httpx.AsyncClient) -> tuple[str, str]:
    """A user, a project and a READY dataset: (token, dataset id)."""
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    data = await graphql(client, REGISTER, {"email": email, "password": PASSWORD})
    token = data["register"]["tokens"]["accessToken"]
    project = (await graphql(client, CREATE_PROJECT, {"name": "bench"}, token))["createProject"]
    operations = {
        "query": UPLOAD,
        "variables": {"projectId": project["id"], "file": None, "name": "small"},
    }
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("small.csv", CSV, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=180,
    )
    response.raise_for_status()
    dataset = response.json()["data"]["uploadDataset"]
    if dataset["status"] != "READY":
        raise RuntimeError(f"dataset not READY: {dataset}")
    return token, dataset["id"]


def _wait_healthy(child, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not child.healthy():
        if child.process.poll() is not None:
            raise RuntimeError(f"{child.name} exited with code {child.process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{child.name} did not become healthy in {timeout:.0f} s")
        time.sleep(0.2)


def start_services(
    work: Path, database_url: str, nats_url: str, started: list
) -> tuple[str, str, str]:
    """auth and datasets as child processes (appended to ``started`` as they start), each with
    its own interpreter and GIL, configured through the environment as ``tools.devstack``
    does: (auth address, datasets address, service token)."""
    from tools.devstack import Child
    from tools.embedded import free_port

    token = "bench-service-token-" + secrets.token_hex(8)
    auth_port, datasets_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        {
            "SYNTHETICA_DATABASE_URL": database_url,
            "SYNTHETICA_NATS_URL": nats_url,
            "SYNTHETICA_SERVICE_TOKEN": token,
            "SYNTHETICA_AUTH_ADDR": f"127.0.0.1:{auth_port}",
            "SYNTHETICA_DATASETS_ADDR": f"127.0.0.1:{datasets_port}",
            "AUTH_GRPC_PORT": str(auth_port),
            "DATASETS_GRPC_PORT": str(datasets_port),
            "AUTH_STORAGE_URL": str(work / "storage" / "auth"),
            "DATASETS_STORAGE_URL": str(work / "storage" / "datasets"),
        }
    )
    py = sys.executable
    for child in (
        Child("auth", [py, "-m", "services.auth"], auth_port),
        Child("datasets", [py, "-m", "services.datasets"], datasets_port),
    ):
        (work / "storage" / child.name).mkdir(parents=True, exist_ok=True)
        with (work / f"{child.name}.log").open("wb") as log:
            child.process = subprocess.Popen(
                child.args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        started.append(child)
    for child in started:
        _wait_healthy(child)
    return f"127.0.0.1:{auth_port}", f"127.0.0.1:{datasets_port}", token


async def bench(
    args: argparse.Namespace,
    auth_addr: str,
    datasets_addr: str,
    service_token: str,
    server_pids: ServerPids,
) -> None:
    import uvicorn

    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    def gateway(read_cache_seconds: float) -> uvicorn.Server:
        settings = GatewaySettings(
            auth_addr=auth_addr,
            datasets_addr=datasets_addr,
            service_token=service_token,
            nats_url=args.nats_url,
            read_cache_seconds=read_cache_seconds,
        )
        app = create_app(settings)
        app.include_router(bare_router(), prefix="/bare")  # type: ignore[arg-type]
        return uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="warning")
        )

    # The same gateway twice in this process, with its read cache and without (as every run
    # before 5 December had it), served alternately.
    servers = {"cache": gateway(30.0), "no cache": gateway(0.0)}
    serving = [asyncio.create_task(server.serve()) for server in servers.values()]
    try:
        while not all(s.started for s in servers.values()):  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.02)
        base = {
            name: f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
            for name, server in servers.items()
        }
        async with httpx.AsyncClient(base_url=base["cache"], timeout=30) as client:
            user_token, dataset_id = await prepare(client)
            sample = await graphql(client, DATASET_QUERY, {"id": dataset_id}, user_token)
        print(f"dataset {dataset_id}: {sample['dataset']}")
        body = {"query": DATASET_QUERY, "variables": {"id": dataset_id}}
        auth = {"Authorization": f"Bearer {user_token}"}
        cases = {
            DATASET: (f"{base['cache']}/graphql", body, auth),
            UNCACHED: (f"{base['no cache']}/graphql", body, auth),
            BARE: (f"{base['cache']}/bare", {"query": BARE_QUERY}, {}),
        }
        results = await run_slices(args, cases, {"gateway": os.getpid(), **server_pids})
    finally:
        for server in servers.values():
            server.should_exit = True
        await asyncio.gather(*serving)
    report(args, results)


DATASET = "dataset(id){name columns{name sdtype}}"
UNCACHED = "the same, GATEWAY_READ_CACHE_SECONDS=0"
BARE = "bare strawberry constant"


async def run_slices(
    args: argparse.Namespace, cases: dict[str, tuple[str, dict, dict]], server_pids: ServerPids
) -> dict[str, list[dict]]:
    """Alternating slices, ABBA, and a slice without requests: one result per case and round,
    with ``cpu_ms`` each server process's CPU per request beyond what it spends idle."""
    results: dict[str, list[dict]] = {name: [] for name in cases}
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
        for round_ in range(1, args.rounds + 1):
            idle_rate = await loop.run_in_executor(pool, idle, args.seconds, server_pids)
            names = list(cases) if round_ % 2 else list(reversed(cases))
            for name in names:
                url, body, headers = cases[name]
                result = await loop.run_in_executor(
                    pool, load, url, body, headers, args.workers, args.seconds, server_pids
                )
                if result["errors"]:
                    raise RuntimeError(f"{name}: {result['errors']} failed requests")
                result["cpu_ms"] = {
                    role: 1000 * max(cpu - idle_rate[role] * result["s"], 0.0) / result["requests"]
                    for role, cpu in result["cpu"].items()
                }
                results[name].append(result)
                print(
                    f"round {round_}  {name:<40} {result['rps']:8.1f} req/s"
                    f"  {sum(result['cpu_ms'].values()):6.2f} server CPU ms/request"
                    f"  ({result['requests']} requests)"
                )
    return results


def report(args: argparse.Namespace, results: dict[str, list[dict]]) -> None:
    ratios = [d["rps"] / b["rps"] for d, b in zip(results[DATASET], results[BARE], strict=True)]
    ratio = statistics.median(ratios)
    uncached = [d["rps"] / b["rps"] for d, b in zip(results[UNCACHED], results[BARE], strict=True)]
    roles = list(results[DATASET][0]["cpu_ms"])
    print()
    print(f"{'medians':<42} {'req/s':>8} {'CPU ms/req':>10}  " + " ".join(f"{r:>9}" for r in roles))
    total: dict[str, float] = {}
    for name, rows in results.items():
        rps = statistics.median(r["rps"] for r in rows)
        total[name] = statistics.median(sum(r["cpu_ms"].values()) for r in rows)
        by_role = " ".join(
            f"{statistics.median(r['cpu_ms'][role] for r in rows):9.2f}" for role in roles
        )
        print(f"{name:<42} {rps:8.1f} {total[name]:10.2f}  {by_role}")
    verdict = "PASS" if ratio >= 0.8 else "FAIL"
    print(
        f"{'ratio dataset / bare (req/s)':<42} {ratio:8.2f}"
        f"  (pairs {min(ratios):.2f}-{max(ratios):.2f}; target >= 0.8: {verdict})"
    )
    print(
        f"{'ratio uncached / bare (req/s)':<42} {statistics.median(uncached):8.2f}"
        f"  (pairs {min(uncached):.2f}-{max(uncached):.2f})"
    )
    print(f"{'ratio bare / dataset (server CPU per req)':<42} {total[BARE] / total[DATASET]:8.2f}")
    cpu_uncached = total[BARE] / total[UNCACHED]
    print(f"{'ratio bare / uncached (server CPU per req)':<42} {cpu_uncached:8.2f}")
    load_1, load_5, _ = os.getloadavg()
    print(
        f"({args.workers} concurrent clients, {args.rounds} rounds of {args.seconds:g} s slices,"
        f" the gateway on {args.loop};"
        f" load average now {load_1:.1f} (1 min), {load_5:.1f} (5 min))"
    )


def postgres_pid(data_dir: Path) -> int:
    """The postmaster's process id (its backends are its children)."""
    return int((data_dir / "postmaster.pid").read_text().split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="the gateway's event loop: uvloop, as uvicorn picks it in production"
        " (python -m gateway), or asyncio's own (every run until 4 December)",
    )
    args = parser.parse_args()

    from common.migrations import upgrade
    from tools.embedded import EmbeddedNats, EmbeddedPostgres, free_port

    # Not under a pytest folder: PostgreSQL's unprivileged user (under root) must reach it.
    work = Path(tempfile.mkdtemp(prefix="synthetica-bench-query-"))
    postgres = EmbeddedPostgres(work / "pg", free_port())
    nats = EmbeddedNats(work / "nats", free_port())
    children: list = []
    try:
        postgres.start()
        nats.start()
        postgres.create_database("bench")
        database_url = postgres.url("bench")
        for schema in ("auth", "datasets", "evaluation", "notify", "training"):
            upgrade(database_url, schema, ROOT / "services" / schema / "migrations")
        auth_addr, datasets_addr, token = start_services(work, database_url, nats.url, children)
        print(f"load average at the start: {os.getloadavg()[0]:.1f} (1 min)")
        server_pids = {child.name: child.process.pid for child in children}
        server_pids["postgres"] = postgres_pid(work / "pg")
        args.nats_url = nats.url
        loop_factory = uvloop.new_event_loop if args.loop == "uvloop" else None
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(bench(args, auth_addr, datasets_addr, token, server_pids))
    except BaseException:
        for log in sorted(work.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-20:]
            print(f"--- {log.name} (last lines)", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        for child in reversed(children):
            child.process.terminate()
            child.process.wait(15)
        nats.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
