"""What every service process does the same way: command line, logging, migrations,
observability and messaging set-up. Callers are authenticated with ``services.auth.client``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from common import jetstream
from common.logs import configure_logging
from common.metrics import start_metrics_server
from common.migrations import upgrade
from common.settings import ServiceSettings, Settings
from common.tracing import configure_tracing, shutdown_tracing


async def connect_messaging(settings: Settings, *, name: str) -> tuple[NATS, JetStreamContext]:
    """Connects to NATS and makes sure the EVENTS and JOBS streams exist."""
    nc = await jetstream.connect(settings.nats_url, name=name)
    js = nc.jetstream()
    await jetstream.ensure_streams(js)
    return nc, js


def run_cli(
    *,
    service: str,
    load_settings: Callable[[], Settings],
    schema: str | None,
    migrations_dir: Path | None,
    commands: dict[str, Callable[[Settings], Awaitable[None]]],
    default: str,
) -> None:
    """``python -m services.<name> [command]``: serve roles, plus ``migrate`` when the service
    owns tables."""
    choices = sorted({*commands, "migrate"})
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
    parser.add_argument("command", nargs="?", default=default, choices=choices)
    args = parser.parse_args()
    settings = load_settings()
    configure_logging(service, settings.log_level)
    if args.command == "migrate":
        # Every service accepts `migrate`, so deployments run it uniformly; a service that
        # owns no tables yet has nothing to do.
        if schema is not None and migrations_dir is not None:
            assert isinstance(settings, ServiceSettings)
            upgrade(settings.database_url, schema, migrations_dir)
        return
    # A role other than the default is its own process: "training-worker" in traces.
    process = service if args.command == default else f"{service}-{args.command}"
    with observed(process, settings):
        asyncio.run(commands[args.command](settings))


@contextlib.contextmanager
def observed(process: str, settings: Settings) -> Iterator[None]:
    """The process's tracing, and its Prometheus ``/metrics`` port when one is set; spans
    still buffered are flushed at exit."""
    configure_tracing(process, settings.otel_exporter)
    metrics = None
    if settings.metrics_port:
        metrics = start_metrics_server(settings.metrics_port, settings.metrics_host)
    try:
        yield
    finally:
        if metrics is not None:
            metrics.stop()
        shutdown_tracing()


async def serve_health_only(settings: ServiceSettings, *, service_names: list[str]) -> None:
    """For a service whose RPCs are not built yet: health and reflection only."""
    from common.grpc_server import create_server, serve_until_signal

    server = create_server(
        host=settings.grpc_host,
        port=settings.grpc_port,
        service_names=service_names,
        register=lambda _: None,
        authenticator=None,
        reflection_enabled=settings.grpc_reflection,
    )
    await serve_until_signal(server, grace=settings.shutdown_grace_seconds)
