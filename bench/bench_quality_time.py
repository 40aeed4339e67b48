"""TabularARGN's quality against time on adult-train, through GraphQL on the real stack.

Starts the stack as `bench_training.py` does (embedded PostgreSQL and NATS, auth, datasets,
the training API and one worker, the GraphQL gateway) and, for each time budget, does what a
user does and times each part:

    upload   POST /upload/datasets (the gateway's streaming upload) -> dataset READY
    train    trainModel(tabular_argn, timeBudgetSeconds, seed 1) -> job SUCCEEDED
    generate generate 32,561 rows -> job SUCCEEDED
    download the batch as CSV over HTTP

The end-to-end time is the sum. Inside the training job, the model's `metrics.phase_seconds`
(written by the engine) say where its seconds went: the table's profile, mostlyai's split,
analyze and encode, the first epoch, the training loop, what followed the last step; and
`metrics.duration_seconds` against the job's time shows the worker's share (starting the
engine process, reading the table, writing the model). Quality is the SDMetrics
QualityReport of the downloaded rows against the whole real table, as in
`bench_engines.py` (not part of the end-to-end time; its own time is printed).

    nice -n 10 .venv/bin/python bench/bench_quality_time.py --budgets 30,60,90,120

The machine's load average is printed with every row: the numbers only compare with others
taken at a similar load.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import tempfile
import time
import warnings
from datetime import datetime
from pathlib import Path

import httpx
import pandas as pd
from sdmetrics.reports.single_table import QualityReport

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from bench.bench_training import gql, register, stack, wait_job  # noqa: E402
from tests import adult  # noqa: E402

COLUMNS = [f"column_{i}" for i in range(1, len(adult.COLUMNS) + 1)]
_SDTYPES = {"numerical", "categorical", "datetime", "boolean"}


async def upload(client: httpx.AsyncClient, token: str, project_id: str) -> tuple[str, float]:
    started = time.monotonic()
    response = await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "name": "adult", "fileName": "adult.csv"},
        content=adult.path().read_bytes(),
    )
    response.raise_for_status()
    dataset = response.json()
    if dataset["status"] != "DATASET_STATUS_READY":
        raise RuntimeError(f"upload not ready: {dataset}")
    return dataset["id"], time.monotonic() - started


async def run_budget(
    client: httpx.AsyncClient, token: str, project_id: str, budget: int, real: pd.DataFrame
) -> dict:
    load = os.getloadavg()[0]
    dataset_id, upload_seconds = await upload(client, token, project_id)
    started = time.monotonic()
    trained = await gql(
        client,
        "mutation($i: TrainModelInput!) { trainModel(input: $i) { model { id } job { id } } }",
        token,
        i={
            "datasetId": dataset_id,
            "engine": "tabular_argn",
            "timeBudgetSeconds": budget,
            "seed": 1,
        },
    )
    job = await wait_job(client, token, trained["trainModel"]["job"]["id"])
    train_seconds = time.monotonic() - started
    model_id = trained["trainModel"]["model"]["id"]
    query = "query($id: ID!) { model(id: $id) { metrics } }"
    metrics = (await gql(client, query, token, id=model_id))["model"]["metrics"]
    if isinstance(metrics, str):
        metrics = json.loads(metrics)
    started = time.monotonic()
    generated = await gql(
        client,
        "mutation($i: GenerateInput!) { generate(input: $i) { batch { id } job { id } } }",
        token,
        i={"modelId": model_id, "count": adult.ROWS, "seed": 1},
    )
    await wait_job(client, token, generated["generate"]["job"]["id"])
    generate_seconds = time.monotonic() - started
    started = time.monotonic()
    body = bytearray()
    async with client.stream(
        "GET",
        f"/downloads/batches/{generated['generate']['batch']['id']}",
        params={"format": "csv"},
    ) as response:
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
    download_seconds = time.monotonic() - started
    started = time.monotonic()
    score = quality(real, pd.read_csv(io.BytesIO(bytes(body))))
    return {
        "budget": budget,
        "load_1min": round(load, 1),
        "end_to_end_seconds": round(
            upload_seconds + train_seconds + generate_seconds + download_seconds, 1
        ),
        "upload_seconds": round(upload_seconds, 1),
        "train_job_seconds": round(train_seconds, 1),
        "job_running_seconds": round(_seconds_between(job["startedAt"], job["finishedAt"]), 1),
        "engine_fit_seconds": round(metrics.get("duration_seconds", 0.0), 1),
        "epochs": metrics.get("epochs_run"),
        "phase_seconds": metrics.get("phase_seconds"),
        "generate_job_seconds": round(generate_seconds, 1),
        "download_seconds": round(download_seconds, 1),
        "quality": round(score, 3),
        "quality_seconds": round(time.monotonic() - started, 1),
        "note": metrics.get("note"),
    }


def quality(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """SDMetrics QualityReport of the downloaded rows against the real table (as
    `bench_engines.py` scores them: numbers numerical, everything else categorical)."""
    synthetic = synthetic[list(real.columns)].astype(real.dtypes.to_dict())
    metadata = {
        "columns": {
            name: {"sdtype": "numerical" if pd.api.types.is_numeric_dtype(dtype) else "categorical"}
            for name, dtype in real.dtypes.items()
        }
    }
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, metadata, verbose=False)
    return float(report.get_score())


def _seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def print_table(rows: list[dict]) -> None:
    print(
        "\n| budget | load | end to end | upload | train job | prepare | first epoch | epochs "
        "| after last step | generate | download | quality |"
    )
    print("|" + " --- |" * 12)
    for r in rows:
        phases = r["phase_seconds"] or {}
        prepare = sum(phases.get(k, 0.0) for k in ("profile", "split", "analyze", "encode"))
        print(
            f"| {r['budget']} s | {r['load_1min']} | {r['end_to_end_seconds']} s "
            f"| {r['upload_seconds']} s | {r['train_job_seconds']} s | {prepare:.1f} s "
            f"| {phases.get('first_epoch', 0.0):.1f} s | {r['epochs']} "
            f"| {phases.get('after_training', 0.0):.1f} s | {r['generate_job_seconds']} s "
            f"| {r['download_seconds']} s | {r['quality']:.3f} |"
        )


async def main_async(args: argparse.Namespace) -> None:
    real = adult.frame()
    real.columns = COLUMNS
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-quality-time-") as tmp:
        async with (
            stack(Path(tmp)) as (url, _, _),
            httpx.AsyncClient(base_url=url, timeout=3600) as client,
        ):
            # An API key, not the access token: a run under load outlives the token's 15 minutes.
            token = await register(client, "bench@example.com")
            created = await gql(
                client,
                'mutation { createApiKey(input: {name: "bench"}) { secret } }',
                token,
            )
            client.headers["X-API-Key"] = created["createApiKey"]["secret"]
            token = ""
            project = await gql(
                client, 'mutation { createProject(input: {name: "q"}) { id } }', token
            )
            for budget in (int(b) for b in args.budgets.split(",")):
                row = await run_budget(client, token, project["createProject"]["id"], budget, real)
                print(json.dumps(row), flush=True)
                rows.append(row)
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--budgets", default="30,60,90,120", help="timeBudgetSeconds, comma-separated"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
