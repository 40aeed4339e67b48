"""Platform overhead of training and generating through Synthetica, on adult-train.

Starts the whole stack in-process on embedded PostgreSQL and NATS (auth, datasets, the
training API and one worker, the GraphQL gateway), uploads adult-train, then times

    platform: GraphQL trainModel -> job SUCCEEDED -> generate N rows -> CSV downloaded over HTTP
    baseline: a fresh `python` process that imports the engine, fits it on the same rows (the
              dataset's train split), samples N rows and writes the CSV

and prints platform / baseline (alternating, best of --repeat runs each). Use fixed
--epochs rather than --budget for this ratio: with a budget, how far an engine trains
depends on the machine's load at that moment. Then, unless --sample-rows 0, a generate
job of that many rows through the platform: rows/s and the engine process's peak RSS.

    nice -n 10 .venv/bin/python bench/bench_training.py --engine gaussian_copula
    nice -n 10 .venv/bin/python bench/bench_training.py --engine tabular_argn --epochs 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from bench.bench_engines import PeakRss  # noqa: E402
from common.clients import make_channel  # noqa: E402
from common.migrations import upgrade  # noqa: E402
from gateway.app import create_app  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402
from services.auth.main import build as build_auth  # noqa: E402
from services.auth.settings import AuthSettings  # noqa: E402
from services.datasets.main import build as build_datasets  # noqa: E402
from services.datasets.settings import DatasetsSettings  # noqa: E402
from services.training.main import build as build_training  # noqa: E402
from services.training.main import build_worker  # noqa: E402
from services.training.settings import TrainingSettings  # noqa: E402
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc  # noqa: E402
from tests import adult  # noqa: E402
from tools.embedded import EmbeddedNats, EmbeddedPostgres, free_port  # noqa: E402

SCHEMAS = ("auth", "datasets", "training")
BASELINE = """
import sys, time, json
import pandas as pd
from services.training.engines import TrainParams, get_engine
started = time.monotonic()
table = pd.read_parquet(sys.argv[1])
metadata = json.loads(sys.argv[2])
spec = get_engine(sys.argv[3])
params = TrainParams.build(spec, **json.loads(sys.argv[4]))
engine = spec.create()
engine.fit(table, metadata, params, lambda update: None)
engine.sample(int(sys.argv[5]), params.seed).to_csv(sys.argv[6], index=False)
print(json.dumps({"in_process_seconds": time.monotonic() - started}))
"""


async def gql(client: httpx.AsyncClient, query: str, token: str = "", **variables: object) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


async def register(client: httpx.AsyncClient, email: str) -> str:
    """Registers `email` and returns its access token."""
    registered = await gql(
        client,
        "mutation($e: String!) { register(input: {email: $e, password: "
        '"correct-horse-42"}) { tokens { accessToken } } }',
        e=email,
    )
    return registered["register"]["tokens"]["accessToken"]


async def wait_job(client: httpx.AsyncClient, token: str, job_id: str) -> dict:
    while True:
        job = (
            await gql(
                client,
                "query($id: ID!) { job(id: $id) { status error startedAt finishedAt } }",
                token,
                id=job_id,
            )
        )["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            if job["status"] != "SUCCEEDED":
                raise RuntimeError(f"job {job_id} {job['status']}: {job['error']}")
            return job
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def stack(work: Path) -> AsyncIterator[tuple[str, str, str]]:
    """Yields (gateway URL, datasets address, service token) of a stack on embedded servers."""
    pg = EmbeddedPostgres(work / "pg", free_port())
    nats = EmbeddedNats(work / "nats", free_port())
    pg.start()
    nats.start()
    servers = []
    try:
        pg.create_database("bench")
        url = pg.url("bench")
        for schema in SCHEMAS:
            upgrade(url, schema, ROOT / "services" / schema / "migrations")
        token = secrets.token_urlsafe(16)
        shared = {"database_url": url, "nats_url": nats.url, "service_token": token}
        auth = await build_auth(AuthSettings(grpc_port=0, **shared))
        await auth.start()
        shared["auth_addr"] = auth.address
        datasets = await build_datasets(
            DatasetsSettings(grpc_port=0, storage_url=str(work / "ds"), **shared)
        )
        await datasets.start()
        shared["datasets_addr"] = datasets.address
        training = await build_training(
            TrainingSettings(grpc_port=0, storage_url=str(work / "tr"), **shared)
        )
        await training.start()
        worker = await build_worker(
            TrainingSettings(worker_health_port=0, storage_url=str(work / "tr"), **shared)
        )
        await worker.start()
        servers = [worker, training, datasets, auth]
        app = create_app(GatewaySettings(training_addr=training.address, **shared))
        server = uvicorn.Server(uvicorn.Config(app, port=0, log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}", datasets.address, token
        finally:
            server.should_exit = True
            await task
    finally:
        for server in servers:
            await server.stop(0)
        nats.stop()
        pg.stop()


async def upload_adult(datasets_addr: str, user_token: str) -> tuple[str, pa.Table, dict]:
    """Uploads adult-train; returns the dataset id, its train split and engine metadata."""
    md = (("authorization", f"Bearer {user_token}"),)
    async with make_channel(datasets_addr, default_timeout=600) as channel:
        stub = datasets_pb2_grpc.DatasetsServiceStub(channel)
        project = await stub.CreateProject(datasets_pb2.CreateProjectRequest(name="b"), metadata=md)
        header = datasets_pb2.UploadHeader(
            project_id=project.project.id, name="adult", file_name="adult.csv", wait_seconds=600
        )
        data = adult.path().read_bytes()

        async def messages() -> AsyncIterator[datasets_pb2.UploadDatasetRequest]:
            yield datasets_pb2.UploadDatasetRequest(header=header)
            for start in range(0, len(data), 1 << 20):
                yield datasets_pb2.UploadDatasetRequest(chunk=data[start : start + (1 << 20)])

        dataset = (await stub.UploadDataset(messages(), metadata=md)).dataset
        raw = bytearray()
        read = stub.ReadDataset(
            datasets_pb2.ReadDatasetRequest(
                dataset_id=dataset.id, split=datasets_pb2.DATASET_SPLIT_TRAIN
            ),
            metadata=md,
        )
        async for message in read:
            raw.extend(message.arrow_ipc_chunk)
    table = pa.ipc.open_stream(pa.py_buffer(bytes(raw))).read_all()
    metadata = {
        "columns": {c.name: {"sdtype": c.sdtype} for c in dataset.metadata.columns},
        "primary_key": dataset.metadata.primary_key or None,
    }
    return dataset.id, table, metadata


async def platform_run(
    client: httpx.AsyncClient, token: str, dataset_id: str, engine: str, params: dict, rows: int
) -> dict[str, float]:
    started = time.monotonic()
    trained = await gql(
        client,
        "mutation($i: TrainModelInput!) { trainModel(input: $i) { model { id } job { id } } }",
        token,
        i={"datasetId": dataset_id, "engine": engine, **params},
    )
    await wait_job(client, token, trained["trainModel"]["job"]["id"])
    trained_at = time.monotonic()
    generated = await gql(
        client,
        "mutation($i: GenerateInput!) { generate(input: $i) { batch { id } job { id } } }",
        token,
        i={"modelId": trained["trainModel"]["model"]["id"], "count": rows, "seed": 1},
    )
    await wait_job(client, token, generated["generate"]["job"]["id"])
    size = 0
    async with client.stream(
        "GET",
        f"/downloads/batches/{generated['generate']['batch']['id']}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
    finished = time.monotonic()
    return {
        "platform_seconds": finished - started,
        "train_seconds": trained_at - started,
        "generate_download_seconds": finished - trained_at,
        "csv_bytes": size,
    }


def baseline_run(
    work: Path, table: pa.Table, metadata: dict, engine: str, params: dict, rows: int
) -> dict[str, float]:
    data = work / "train.parquet"
    pq.write_table(table, data)
    engine_params = {
        "epochs": params.get("epochs"),
        "time_budget_seconds": params.get("timeBudgetSeconds"),
        "seed": params["seed"],
    }
    started = time.monotonic()
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            BASELINE,
            str(data),
            json.dumps(metadata),
            engine,
            json.dumps({k: v for k, v in engine_params.items() if v is not None}),
            str(rows),
            str(work / "baseline.csv"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["baseline_seconds"] = time.monotonic() - started
    return result


async def throughput_run(client: httpx.AsyncClient, token: str, model_id: str, rows: int) -> dict:
    with PeakRss() as rss:
        generated = await gql(
            client,
            "mutation($i: GenerateInput!) { generate(input: $i) { job { id } } }",
            token,
            i={"modelId": model_id, "count": rows, "seed": 2},
        )
        job = await wait_job(client, token, generated["generate"]["job"]["id"])
    seconds = _seconds_between(job["startedAt"], job["finishedAt"])
    return {"rows": rows, "rows_per_second": rows / seconds, "peak_rss_mb": rss.peak / 2**20}


def _seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


async def main_async(args: argparse.Namespace) -> None:
    params: dict[str, object] = {"seed": 1}
    if args.budget:
        params["timeBudgetSeconds"] = args.budget
    if args.epochs:
        params["epochs"] = args.epochs
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp:
        work = Path(tmp)
        async with (
            stack(work) as (url, datasets_addr, _),
            httpx.AsyncClient(base_url=url, timeout=3600) as client,
        ):
            token = await register(client, "bench@example.com")
            dataset_id, table, metadata = await upload_adult(datasets_addr, token)
            # Alternating, best of each: the machine is shared, so noise hits both sides.
            baselines, platforms = [], []
            for _ in range(args.repeat):
                baselines.append(
                    await asyncio.to_thread(
                        baseline_run, work, table, metadata, args.engine, params, adult.ROWS
                    )
                )
                platforms.append(
                    await platform_run(client, token, dataset_id, args.engine, params, adult.ROWS)
                )
            platform = min(platforms, key=lambda r: r["platform_seconds"])
            baseline = min(baselines, key=lambda r: r["baseline_seconds"])
            report = {"engine": args.engine, "params": params, **platform, **baseline}
            report["overhead_ratio"] = platform["platform_seconds"] / baseline["baseline_seconds"]
            print(json.dumps(report, indent=2), flush=True)
            if args.sample_rows:
                models = await gql(client, "{ models { nodes { id } } }", token)
                model_id = models["models"]["nodes"][0]["id"]
                print(json.dumps(await throughput_run(client, token, model_id, args.sample_rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", default="gaussian_copula")
    parser.add_argument("--budget", type=int, default=0, help="timeBudgetSeconds, 0 for none")
    parser.add_argument("--epochs", type=int, default=0, help="0 for the engine's default")
    parser.add_argument("--sample-rows", type=int, default=1_000_000, help="0 skips throughput")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side, best kept")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
