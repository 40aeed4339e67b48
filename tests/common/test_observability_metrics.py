"""The metric helpers services call: jobs by state, JetStream queue depth, job durations,
and the /metrics endpoint a service process serves when SYNTHETICA_METRICS_PORT is set."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

import httpx
from nats.js.api import DeliverPolicy
from prometheus_client import REGISTRY

from common import jetstream
from common.metrics import (
    generation_duration_seconds,
    jobs_by_state,
    observe_seconds,
    set_jobs_by_state,
    watch_queue_depth,
)
from synthetica.auth.v1 import auth_pb2
from tests.support import REPO, AuthCaller
from tools.embedded import free_port, wait_until_listening


def sample(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_jobs_by_state_drops_a_state_no_job_is_in_any_more_to_zero():
    set_jobs_by_state({("train", "running"): 2, ("train", "queued"): 5})
    set_jobs_by_state({("train", "queued"): 1, ("generate", "running"): 1})
    assert sample("synthetica_jobs", kind="train", state="running") == 0
    assert sample("synthetica_jobs", kind="train", state="queued") == 1
    assert sample("synthetica_jobs", kind="generate", state="running") == 1
    jobs_by_state.clear()


def test_a_duration_is_observed_with_the_outcome_known_only_at_the_end():
    before = sample("synthetica_generation_duration_seconds_count", engine="tvae", outcome="ok")
    with observe_seconds(generation_duration_seconds, engine="tvae", outcome="failed") as labels:
        labels["outcome"] = "ok"
    after = sample("synthetica_generation_duration_seconds_count", engine="tvae", outcome="ok")
    assert after == (before or 0) + 1
    assert (
        sample("synthetica_generation_duration_seconds_count", engine="tvae", outcome="failed")
        is None
    )


async def test_queue_depth_follows_the_consumer_backlog(own_nats):
    nc = await jetstream.connect(own_nats.url, name="queue-depth-test")
    js = nc.jetstream()
    await jetstream.ensure_streams(js)
    subject = f"synthetica.events.depth.{uuid.uuid4().hex[:8]}"
    durable = "depth-" + uuid.uuid4().hex[:8]
    await jetstream.ensure_consumer(
        js, "EVENTS", durable=durable, filter_subject=subject, deliver_policy=DeliverPolicy.NEW
    )
    for n in range(3):
        await jetstream.publish(js, subject, b"x", msg_id=f"{durable}-{n}")
    watcher = asyncio.create_task(
        watch_queue_depth(js, stream="EVENTS", consumer=durable, interval=0.05)
    )
    try:
        for _ in range(100):
            if sample("synthetica_queue_depth", stream="EVENTS", consumer=durable) == 3:
                break
            await asyncio.sleep(0.05)
        assert sample("synthetica_queue_depth", stream="EVENTS", consumer=durable) == 3
    finally:
        watcher.cancel()
        await js.delete_consumer("EVENTS", durable)
        await nc.close()


async def test_a_service_process_serves_metrics_and_prints_spans_when_asked(
    database_url, nats_url, service_token, tmp_path
):
    """`python -m services.auth` as deployed: /metrics on its own port, spans on stdout."""
    grpc_port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "SYNTHETICA_DATABASE_URL": database_url,
        "SYNTHETICA_NATS_URL": nats_url,
        "SYNTHETICA_SERVICE_TOKEN": service_token,
        "SYNTHETICA_STORAGE_URL": str(tmp_path),
        "AUTH_GRPC_PORT": str(grpc_port),
        "SYNTHETICA_METRICS_PORT": str(metrics_port),
        "SYNTHETICA_OTEL_EXPORTER": "console",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.auth",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await asyncio.to_thread(
            wait_until_listening, process.pid, grpc_port, name="auth", timeout=60
        )
        caller = AuthCaller(f"127.0.0.1:{grpc_port}", service_token)
        try:
            await caller.stub.GetJwks(auth_pb2.GetJwksRequest(), metadata=caller.service_md)
        finally:
            await caller.close()
        async with httpx.AsyncClient(timeout=10) as client:
            scraped = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
    finally:
        process.terminate()
        output = (await asyncio.wait_for(process.communicate(), 30))[0].decode()
    assert (
        'grpc_server_handled_total{code="OK",method="GetJwks",'
        'service="synthetica.auth.v1.AuthService"} 1.0'
    ) in scraped
    spans = [line for line in output.splitlines() if '"kind": "SpanKind.SERVER"' in line]
    assert spans and '"service.name": "auth"' in spans[0], output[-2000:]
    assert '"name": "synthetica.auth.v1.AuthService/GetJwks"' in spans[0]
