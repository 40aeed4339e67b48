"""Prometheus metrics shared by every process, and the ``/metrics`` HTTP server.

Metrics live in prometheus_client's default registry: one process is one scrape target, so
the gRPC API, its relay and its background tasks all show up on the same ``/metrics``.
The gRPC server interceptor (``common.interceptors.ObservabilityInterceptor``) fills the
``grpc_server_*`` series; the others are for the services to observe:

- ``jobs_by_state``: set from a periodic count of the jobs table (see ``set_jobs_by_state``);
- ``queue_depth``: kept current by ``watch_queue_depth`` for each work-queue consumer;
- ``training_duration_seconds`` / ``generation_duration_seconds``: observed once per job.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from threading import Thread
from wsgiref.simple_server import WSGIServer

from nats.js import JetStreamContext
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from prometheus_client import start_http_server as _start_http_server

log = logging.getLogger(__name__)

# RPCs end in milliseconds (lookups) to minutes (uploads, streamed downloads).
RPC_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# Jobs run from seconds (a template batch) to hours (a large model under a time budget).
JOB_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400)

grpc_server_handled_total = Counter(
    "grpc_server_handled_total",
    "gRPC calls completed by the server, by final status code.",
    ["service", "method", "code"],
)
grpc_server_handling_seconds = Histogram(
    "grpc_server_handling_seconds",
    "Time from receiving a gRPC call to its final status, streams included.",
    ["service", "method"],
    buckets=RPC_BUCKETS,
)

jobs_by_state = Gauge(
    "synthetica_jobs",
    "Jobs by kind (train, generate, template) and state (queued, running, succeeded, ...). "
    "Set it from a periodic COUNT(*) GROUP BY kind, state over the jobs table with "
    "set_jobs_by_state, never with inc()/dec(): every replica sees the same table.",
    ["kind", "state"],
)
queue_depth = Gauge(
    "synthetica_queue_depth",
    "Messages a JetStream consumer has not been delivered yet (consumer num_pending), kept "
    "current by watch_queue_depth; the training workers' autoscaler follows the same figure.",
    ["stream", "consumer"],
)
training_duration_seconds = Histogram(
    "synthetica_training_duration_seconds",
    "Wall time of one training job, observed once when it ends, whatever the outcome "
    "(succeeded, failed, cancelled): `with training_duration_seconds.labels(engine=..., "
    "outcome=...).time():` or `.observe(seconds)` once the outcome is known.",
    ["engine", "outcome"],
    buckets=JOB_BUCKETS,
)
generation_duration_seconds = Histogram(
    "synthetica_generation_duration_seconds",
    "Wall time of one generation job (model sampling or template), observed once when its "
    "batch is written or the job fails; the engine label is the model engine or 'template'.",
    ["engine", "outcome"],
    buckets=JOB_BUCKETS,
)
messages_handled_total = Counter(
    "synthetica_messages_handled_total",
    "JetStream messages a pull consumer handled, by outcome (ack, retry, terminate).",
    ["consumer", "outcome"],
)

_jobs_labels_seen: set[tuple[str, str]] = set()


def set_jobs_by_state(counts: Mapping[tuple[str, str], int]) -> None:
    """Sets ``jobs_by_state`` to ``{(kind, state): count}``; a pair seen before but absent now
    drops to 0 rather than keeping its last value."""
    for labels in _jobs_labels_seen - counts.keys():
        jobs_by_state.labels(*labels).set(0)
    for (kind, state), count in counts.items():
        jobs_by_state.labels(kind, state).set(count)
    _jobs_labels_seen.update(counts.keys())


async def run_periodically(
    refresh: Callable[[], Awaitable[None]], *, interval: float, name: str
) -> None:
    """Runs ``refresh`` every ``interval`` seconds until cancelled; a failed round is logged
    and the next one tried (a metric must never take its service down)."""
    while True:
        try:
            await refresh()
        except Exception as exc:
            log.warning("metrics refresh %s failed: %s", name, exc)
        await asyncio.sleep(interval)


async def watch_queue_depth(
    js: JetStreamContext, *, stream: str, consumer: str, interval: float = 15.0
) -> None:
    """Keeps ``queue_depth{stream, consumer}`` at the consumer's ``num_pending``. Run it as a
    background task: ``server.tasks.append(asyncio.create_task(watch_queue_depth(...)))``."""

    async def refresh() -> None:
        info = await js.consumer_info(stream, consumer)
        queue_depth.labels(stream, consumer).set(info.num_pending or 0)

    await run_periodically(refresh, interval=interval, name=f"queue_depth {stream}/{consumer}")


@contextmanager
def observe_seconds(histogram: Histogram, **labels: str) -> Iterator[dict[str, str]]:
    """Observes the block's wall time with ``labels``; the block may change them in the dict
    it gets (``outcome`` is known only at the end): ``with observe_seconds(h, engine=e,
    outcome="failed") as labels: ...; labels["outcome"] = "succeeded"``."""
    started = time.perf_counter()
    current = dict(labels)
    try:
        yield current
    finally:
        histogram.labels(**current).observe(time.perf_counter() - started)


def render_latest() -> tuple[bytes, str]:
    """The exposition text of every metric in this process, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


@dataclass
class MetricsServer:
    """The ``/metrics`` endpoint of a process, served from a thread by prometheus_client."""

    server: WSGIServer
    thread: Thread

    @property
    def port(self) -> int:
        return self.server.server_port

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> MetricsServer:
    """Serves ``/metrics`` on ``host:port`` (port 0 picks a free one)."""
    server, thread = _start_http_server(port, addr=host)
    log.info("metrics served", extra={"fields": {"address": f"{host}:{server.server_port}"}})
    return MetricsServer(server=server, thread=thread)
