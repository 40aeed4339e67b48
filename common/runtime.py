"""What every service process does the same way: command line, logging, migrations,
observability, messaging and outbox set-up, the gRPC server on its settings, and the order of
shutdown. Callers are authenticated with ``services.auth.client``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import grpc
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from sqlalchemy import Table

from common import jetstream
from common.db import Database
from common.grpc_server import GrpcServer, create_server, serve_until_signal
from common.interceptors import Authenticator
from common.logs import configure_logging
from common.metrics import start_metrics_server
from common.migrations import MIGRATIONS, upgrade
from common.outbox import OutboxRelay
from common.revocations import follow_revocations
from common.security import TokenAuthenticator
from common.settings import ServiceSettings, Settings
from common.tracing import configure_tracing, shutdown_tracing

S = TypeVar("S", bound=Settings)
# What a process lets go of at shutdown: an async close(), or a plain stop().
Closer = Callable[[], Awaitable[None] | None]


async def connect_messaging(settings: Settings, *, name: str) -> tuple[NATS, JetStreamContext]:
    """Connects to NATS and makes sure the EVENTS and JOBS streams exist."""
    nc = await jetstream.connect(settings.nats_url, name=name)
    js = nc.jetstream()
    await jetstream.ensure_streams(js)
    return nc, js


@dataclass
class Backbone:
    """What every service process holds: its database, NATS, and (for a service that publishes
    events) the relay of its outbox."""

    db: Database
    nc: NATS
    js: JetStreamContext
    relay: OutboxRelay | None

    @classmethod
    async def connect(
        cls, settings: ServiceSettings, *, name: str, outbox: Table | None
    ) -> Backbone:
        db = settings.database()
        nc, js = await connect_messaging(settings, name=name)
        return cls(db, nc, js, None if outbox is None else OutboxRelay(db, outbox, js))

    def wake_relay(self) -> None:
        """The ``on_commit`` of whatever enqueues events: they go out without waiting a poll."""
        if self.relay is not None:
            self.relay.wake()

    def attach(self, server: GrpcServer, *closers: Closer) -> None:
        """Runs the relay with the server; at shutdown (after the server's tasks are cancelled)
        stops it, then the closers in order, then NATS and the database."""
        relay = self.relay
        if relay is not None:
            server.tasks.append(asyncio.create_task(relay.run()))

        async def close() -> None:
            if relay is not None:
                relay.stop()
            for closer in closers:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            await jetstream.close(self.nc)
            self.db.dispose()

        server.cleanups.append(close)


def service_server(
    settings: ServiceSettings,
    *,
    service_name: str,
    register: Callable[[grpc.aio.Server], None],
    authenticator: Authenticator,
) -> GrpcServer:
    """The service's gRPC server on its configured address, authenticated, with health and
    (unless switched off) reflection."""
    return create_server(
        host=settings.grpc_host,
        port=settings.grpc_port,
        service_names=[service_name],
        register=register,
        authenticator=authenticator,
        reflection_enabled=settings.grpc_reflection,
    )


async def revocable_server(
    settings: ServiceSettings,
    *,
    nc: NATS,
    service_name: str,
    register: Callable[[grpc.aio.Server], None],
    authenticator: TokenAuthenticator,
) -> GrpcServer:
    """``service_server`` for a service that checks tokens and API keys issued by auth: its
    ``authenticator`` follows revocations (``common.revocations``) before the server exists,
    so a key revoked from then on stops working here too."""
    await follow_revocations(nc, authenticator)
    return service_server(
        settings, service_name=service_name, register=register, authenticator=authenticator
    )


def run_cli(
    service: str,
    load_settings: Callable[[], S],
    **builds: Callable[[S], Awaitable[GrpcServer]],
) -> None:
    """``python -m services.<name> [role]``: serves a role (the server its build returns, until
    SIGTERM; the first is the default), or ``migrate`` applies the service's migrations when it
    owns tables (``common.migrations.MIGRATIONS``)."""
    default = next(iter(builds))
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
    parser.add_argument("command", nargs="?", default=default, choices=sorted({*builds, "migrate"}))
    args = parser.parse_args()
    settings = load_settings()
    configure_logging(service, settings.log_level)
    if args.command == "migrate":
        # Every service accepts `migrate`, so deployments run it uniformly; a service that
        # owns no tables yet has nothing to do.
        if service in MIGRATIONS:
            assert isinstance(settings, ServiceSettings)
            upgrade(settings.database_url, service, MIGRATIONS[service])
        return
    # A role other than the default is its own process: "training-worker" in traces.
    process = service if args.command == default else f"{service}-{args.command}"
    with observed(process, settings):
        asyncio.run(_serve(builds[args.command], settings))


async def _serve(build: Callable[[S], Awaitable[GrpcServer]], settings: S) -> None:
    server = await build(settings)
    await serve_until_signal(server, grace=settings.shutdown_grace_seconds)


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
