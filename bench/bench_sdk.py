"""Speed and memory of the SDK's ``batch.to_pandas()``.

Starts the stack in-process on embedded PostgreSQL and NATS (auth, datasets, the training API
and a worker, the gateway: ``bench_training.stack``; no evaluation service, so the SDK warns
that batches come without a quality score), uploads adult-train, trains
gaussian_copula and generates a batch of --rows rows (1,000,000). Then, alternating, best of
--repeat runs each, every side in a fresh child process so that none shares an interpreter
with the gateway:

    baseline: ``curl`` downloads the batch as Parquet to a file, then ``pandas.read_parquet``
              reads that file (import time excluded); baseline = the two added up
    sdk:      ``Client(...).batches.get(id).to_pandas()`` (import and connection set-up
              excluded), and how much the process's memory grew while it ran (peak RSS
              during the call minus RSS before it) against the DataFrame's own size
              (``memory_usage(deep=True)``)

Targets: sdk <= 1.5 x baseline; memory growth <= 2 x the DataFrame.

    nice -n 10 .venv/bin/python bench/bench_sdk.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from bench.bench_training import gql, stack  # noqa: E402
from tests import adult  # noqa: E402

sys.path.insert(0, str(ROOT / "sdk" / "src"))
from synthetica_client import AsyncClient  # noqa: E402

READ_PARQUET = """
import sys, time, json
import pandas as pd
started = time.perf_counter()
frame = pd.read_parquet(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame)}))
"""
SDK = """
import json, resource, sys, time
import pandas, pyarrow  # imported up front, as a notebook would have them
from synthetica_client import Client

def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

client = Client(sys.argv[1], token=sys.argv[2])
batch = client.batches.get(sys.argv[3])
before = rss()
started = time.perf_counter()
frame = batch.to_pandas()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({
    "seconds": seconds,
    "rows": len(frame),
    "frame_bytes": int(frame.memory_usage(deep=True).sum()),
    "rss_before": before,
    "rss_peak": peak,
}))
client.close()
"""


def child(code: str, *args: str) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "sdk" / "src"), str(ROOT), str(ROOT / "gen")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline_run(url: str, token: str, batch_id: str, work: Path) -> dict:
    target = work / "batch.parquet"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [
            "curl", "-sS", "--fail", "-o", str(target), "-H", f"Authorization: Bearer {token}",
            f"{url}/downloads/batches/{batch_id}?format=parquet",
        ],
        check=True,
    )  # fmt: skip
    curl_seconds = time.perf_counter() - started
    read = child(READ_PARQUET, str(target))
    return {
        "curl_seconds": curl_seconds,
        "read_parquet_seconds": read["seconds"],
        "baseline_seconds": curl_seconds + read["seconds"],
        "parquet_bytes": target.stat().st_size,
    }


def sdk_run(url: str, token: str, batch_id: str) -> dict:
    result = child(SDK, url, token, batch_id)
    result["memory_growth"] = result["rss_peak"] - result["rss_before"]
    return result


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sdk-") as tmp:
        work = Path(tmp)
        async with (
            stack(work) as (url, _, _),
            httpx.AsyncClient(base_url=url, timeout=3600) as client,
        ):
            registered = await gql(
                client,
                "mutation($e: String!) { register(input: "
                '{email: $e, password: "correct-horse-42"}) { tokens { accessToken } } }',
                e="bench-sdk@example.com",
            )
            token = registered["register"]["tokens"]["accessToken"]
            # The set-up goes through the SDK too (it waits out a slow ingestion by polling).
            async with AsyncClient(url, token=token, timeout=600) as sdk_client:
                project = await sdk_client.projects.create("bench")
                dataset = await sdk_client.datasets.upload(
                    adult.path(), project=project, progress=False
                )
                job = await sdk_client.train(dataset, engine="gaussian_copula", seed=1)
                model = await job.wait(progress=False)
                batch = await model.generate(args.rows, seed=1, progress=False)
            batch_id = batch.id

            baselines, sdks = [], []
            for _ in range(args.repeat):
                baselines.append(await asyncio.to_thread(baseline_run, url, token, batch_id, work))
                sdks.append(await asyncio.to_thread(sdk_run, url, token, batch_id))
            baseline = min(baselines, key=lambda r: r["baseline_seconds"])
            sdk = min(sdks, key=lambda r: r["seconds"])
            assert sdk["rows"] == args.rows
            report = {
                "rows": args.rows,
                **baseline,
                "sdk_to_pandas_seconds": sdk["seconds"],
                "time_ratio": sdk["seconds"] / baseline["baseline_seconds"],
                "frame_mb": sdk["frame_bytes"] / 2**20,
                "memory_growth_mb": max(r["memory_growth"] for r in sdks) / 2**20,
                "memory_ratio": max(r["memory_growth"] / r["frame_bytes"] for r in sdks),
                "runs": {"baseline": baselines, "sdk": sdks},
            }
            print(json.dumps(report, indent=2), flush=True)
            print(
                f"to_pandas {report['sdk_to_pandas_seconds']:.2f} s vs curl + read_parquet "
                f"{report['baseline_seconds']:.2f} s ({report['curl_seconds']:.2f} + "
                f"{report['read_parquet_seconds']:.2f}): ratio {report['time_ratio']:.2f} "
                f"(target <= 1.5); memory growth {report['memory_growth_mb']:.0f} MB for a "
                f"{report['frame_mb']:.0f} MB "
                f"DataFrame: {report['memory_ratio']:.2f}x (target <= 2)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, best kept")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
