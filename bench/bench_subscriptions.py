"""Live job updates: 1,000 websocket subscribers of one job on one gateway.

    .venv/bin/python bench/bench_subscriptions.py [--subscribers 1000] [--updates 20]

Starts embedded PostgreSQL and NATS, the auth service (subscribers authenticate in
connection_init with a real access token) and one gateway in a child process, opens the
websockets (graphql-transport-ws), subscribes them all to ``jobUpdates`` of one job, then
publishes ``job.updated`` events to JetStream, each stamped with its publication time, and
measures publication -> delivery at every subscriber: p50 and p99 (target p99 <= 250 ms).
The first ``--warmup`` updates are not measured (``--warmup 0`` shows the burst: the first
seconds after 1,000 connections opened at once include one full garbage collection of the
gateway, about 0.4 s here).

The baseline, measured in the same run: the same events read by as many plain NATS
subscriptions in this process, no gateway in between. The 1,000 client sockets live in this process,
whose own garbage collector is frozen and paused while latencies are measured (gateway and
baseline alike): its full passes over the clients' objects would otherwise add pauses of
several hundred milliseconds that no real, separate client sees.

The gateway's first state comes from a bench-only job source (any job, always RUNNING), so
the training service is not needed; the fan-out path (one ordered JetStream consumer ->
per-job queues -> websockets) is the real one, in a gateway built by create_app as in
production (its garbage collector tuned by gateway.subscriptions).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.subscriptions import JobState, Metadata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
JOB_ID = "bench-job"
QUERY = 'subscription { jobUpdates(jobId: "bench-job") { status percent message } }'


class BenchJobs:
    """Every job exists and is running: the subscription's first state without training."""

    async def current(self, job_id: str, metadata: Metadata) -> JobState:
        from gateway.subscriptions import JobState
        from synthetica.training.v1 import training_pb2

        return JobState(job_id, training_pb2.JOB_STATUS_RUNNING)


def serve_gateway(port: int) -> None:
    """The child process: one gateway (settings from the environment) with BenchJobs."""
    import uvicorn

    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    app = create_app(GatewaySettings(), job_source=BenchJobs())
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws_max_queue=1024,
        ws_per_message_deflate=False,  # as gateway/main.py serves it
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, latencies: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies]
    row = {
        "p50_ms": percentile(ms, 0.50),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms),
        "mean_ms": statistics.fmean(ms),
    }
    print(f"{name:<28} " + "  ".join(f"{k} {v:8.2f}" for k, v in row.items()))
    return row


async def publish_updates(js, count: int, interval: float, warmup: int = 0) -> None:
    """``warmup`` unmeasured updates (message "warmup"), then ``count`` measured ones, the
    last of which ends the job."""
    from common.events import new_event
    from synthetica.events.v1 import events_pb2
    from synthetica.training.v1 import training_pb2

    total = warmup + count
    for sequence in range(1, total + 1):
        last = sequence == total
        update = events_pb2.JobUpdated(
            job_id=JOB_ID,
            job_kind=training_pb2.JOB_KIND_TRAIN,
            job_status=training_pb2.JOB_STATUS_SUCCEEDED
            if last
            else training_pb2.JOB_STATUS_RUNNING,
            progress=training_pb2.JobProgress(
                percent=100.0 * sequence / total,
                message="warmup" if sequence <= warmup else repr(time.time()),
            ),
            sequence=sequence,
        )
        event = new_event(update, user_id="bench")
        await js.publish(
            "synthetica.events.job.updated",
            event.SerializeToString(),
            headers={"Nats-Msg-Id": event.id},
        )
        await asyncio.sleep(interval)


async def subscriber(url: str, token: str, ready: asyncio.Event, latencies: list[float]) -> None:
    import websockets

    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY}}))
        first = json.loads(await ws.recv())  # the current state: subscribed from here on
        assert first["type"] == "next", first
        ready.set()
        while True:
            raw = await ws.recv()
            received = time.time()
            message = json.loads(raw)
            if message["type"] == "complete":
                return
            if message["type"] == "next":
                stamp = message["payload"]["data"]["jobUpdates"]["message"]
                if stamp != "warmup":
                    latencies.append(received - float(stamp))


async def nats_baseline(nats_url: str, subscribers: int, updates: int, interval: float):
    import nats

    from synthetica.events.v1 import events_pb2

    nc = await nats.connect(nats_url)
    latencies: list[float] = []

    async def on_message(msg) -> None:
        received = time.time()
        event = events_pb2.Event()
        event.ParseFromString(msg.data)
        latencies.append(received - float(event.job_updated.progress.message))

    for _ in range(subscribers):
        await nc.subscribe("synthetica.events.job.updated", cb=on_message)
    await nc.flush()
    await publish_updates(nc.jetstream(), updates, interval)
    await asyncio.sleep(1.0)
    await nc.close()
    return latencies


async def run(args: argparse.Namespace) -> None:
    import nats

    from common.migrations import upgrade
    from synthetica.auth.v1 import auth_pb2
    from tests.support import AuthCaller, start_auth
    from tools.embedded import EmbeddedNats, EmbeddedPostgres, free_port

    work = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    pg = EmbeddedPostgres(work / "pg", free_port())
    nats_server = EmbeddedNats(work / "nats", free_port())
    pg.start()
    nats_server.start()
    gateway = None
    try:
        database_url = pg.url("postgres")
        upgrade(database_url, "auth", ROOT / "services/auth/migrations")
        token_secret = secrets.token_hex(16)
        auth = await start_auth(
            database_url=database_url,
            nats_url=nats_server.url,
            service_token=token_secret,
            storage_url=str(work / "storage"),
        )
        nc = await nats.connect(nats_server.url)
        js = nc.jetstream()
        caller = AuthCaller(auth.address, token_secret)
        user: auth_pb2.RegisterResponse = await caller.register()
        port = free_port()
        env = dict(
            os.environ,
            SYNTHETICA_SERVICE_TOKEN=token_secret,
            SYNTHETICA_NATS_URL=nats_server.url,
            SYNTHETICA_AUTH_ADDR=auth.address,
            SYNTHETICA_LOG_LEVEL="WARNING",
        )
        gateway = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve-gateway", str(port), env=env, cwd=ROOT
        )
        await wait_for_port(port)
        url = f"ws://127.0.0.1:{port}/graphql"

        latencies: list[float] = []
        readies = [asyncio.Event() for _ in range(args.subscribers)]
        started = time.perf_counter()
        tasks = []
        for i, ready in enumerate(readies):
            tasks.append(
                asyncio.create_task(subscriber(url, user.tokens.access_token, ready, latencies))
            )
            if i % 100 == 99:
                await asyncio.gather(*(r.wait() for r in readies[: i + 1]))
        await asyncio.gather(*(r.wait() for r in readies))
        print(
            f"{args.subscribers} subscribers connected and subscribed in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with client_collector_paused():
            await publish_updates(js, args.updates, args.interval, warmup=args.warmup)
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
            baseline_latencies = await nats_baseline(
                nats_server.url, args.subscribers, args.updates, args.interval
            )
        expected = args.subscribers * args.updates
        print(f"deliveries: {len(latencies)} of {expected}")
        gateway_row = summary("gateway (websocket)", latencies)
        baseline = summary("baseline (plain NATS subs)", baseline_latencies)
        print(
            f"p99 {gateway_row['p99_ms']:.1f} ms (target <= 250 ms); "
            f"ratio to the NATS baseline: p50 x{gateway_row['p50_ms'] / baseline['p50_ms']:.1f}, "
            f"p99 x{gateway_row['p99_ms'] / baseline['p99_ms']:.1f}"
        )
        await caller.close()
        await nc.close()
        await auth.stop(0)
    finally:
        if gateway is not None:
            gateway.terminate()
            await gateway.wait()
        nats_server.stop()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def client_collector_paused() -> Iterator[None]:
    """This (client) process's cyclic garbage collector off, its heap frozen, meanwhile."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


async def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"gateway did not listen on {port}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between updates")
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="unmeasured updates first: the gateway's full garbage collection that follows "
        "1,000 connections opened at once lands there, not in the measured steady state",
    )
    parser.add_argument("--serve-gateway", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_gateway:
        serve_gateway(args.serve_gateway)
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
