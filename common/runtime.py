"""What every service process does the same way: command line, logging, migrations,
messaging set-up, and authenticating callers against the auth service."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import grpc
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from common import jetstream
from common.clients import make_channel, service_metadata
from common.context import Principal
from common.errors import Unauthenticated
from common.logs import configure_logging
from common.metrics import start_metrics_server
from common.migrations import upgrade
from common.security import JwksCache, TokenAuthenticator
from common.settings import ServiceSettings, Settings
from common.tracing import configure_tracing, shutdown_tracing
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc

ROLE_NAMES = {1: "admin", 2: "member"}


async def connect_messaging(settings: Settings, *, name: str) -> tuple[NATS, JetStreamContext]:
    """Connects to NATS and makes sure the EVENTS and JOBS streams exist."""
    nc = await jetstream.connect(settings.nats_url, name=name)
    js = nc.jetstream()
    await jetstream.ensure_streams(js)
    return nc, js


class AuthClient:
    """The auth service as seen by other services: JWKS, API key checks, user lookups."""

    def __init__(self, settings: Settings, *, service_name: str) -> None:
        self.channel = make_channel(
            settings.auth_addr, default_timeout=settings.rpc_timeout_seconds
        )
        self.stub = auth_pb2_grpc.AuthServiceStub(self.channel)
        self.metadata = service_metadata(
            settings.service_token.get_secret_value(), service_name=service_name
        )

    async def jwks(self) -> list[dict]:
        response = await self.stub.GetJwks(auth_pb2.GetJwksRequest(), metadata=self.metadata)
        return [
            {"kty": k.kty, "crv": k.crv, "x": k.x, "kid": k.kid, "alg": k.alg, "use": k.use}
            for k in response.keys
        ]

    async def verify_api_key(self, key: str) -> Principal:
        response = await self.stub.VerifyApiKey(
            auth_pb2.VerifyApiKeyRequest(key=key), metadata=self.metadata
        )
        user = response.user
        return Principal(
            user_id=user.id, role=ROLE_NAMES.get(user.role, "member"), email=user.email
        )

    async def lookup_users(
        self, *, user_ids: list[str] | None = None, emails: list[str] | None = None
    ) -> list[auth_pb2.User]:
        response = await self.stub.LookupUsers(
            auth_pb2.LookupUsersRequest(user_ids=user_ids or [], emails=emails or []),
            metadata=self.metadata,
        )
        return list(response.users)

    def authenticator(
        self, settings: Settings, *, api_key_cache_seconds: float | None = None
    ) -> TokenAuthenticator:
        """``api_key_cache_seconds`` defaults to the setting; a process that follows
        revocations (common.revocations) forgets a revoked key before that."""
        if api_key_cache_seconds is None:
            api_key_cache_seconds = settings.api_key_cache_seconds
        return TokenAuthenticator(
            jwks=JwksCache(self.jwks),
            verify_api_key=self._verify_or_unauthenticated,
            service_token=settings.service_token.get_secret_value(),
            api_key_cache_seconds=api_key_cache_seconds,
        )

    async def _verify_or_unauthenticated(self, key: str) -> Principal:
        try:
            return await self.verify_api_key(key)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                raise Unauthenticated(exc.details() or "invalid API key") from exc
            raise

    async def close(self) -> None:
        await self.channel.close()


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
