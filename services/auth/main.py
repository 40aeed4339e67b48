"""Auth service process: ``python -m services.auth [serve|migrate]``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from common import jetstream
from common.context import Principal
from common.db import Database
from common.grpc_server import GrpcServer, create_server, serve_until_signal
from common.outbox import OutboxRelay
from common.runtime import connect_messaging, run_cli
from common.security import JwksCache, TokenAuthenticator
from services.auth import models, service
from services.auth.servicer import AuthServicer
from services.auth.settings import AuthSettings
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name


def local_authenticator(db: Database, settings: AuthSettings) -> TokenAuthenticator:
    """Auth verifies tokens and API keys against its own tables, no network hop."""

    async def verify_api_key(key: str) -> Principal:
        user = await db.call(service.verify_api_key, key=key)
        return Principal(user_id=str(user.id), role=user.role, email=user.email)

    return TokenAuthenticator(
        jwks=JwksCache(lambda: db.call(service.public_jwks), min_refresh_seconds=0.0),
        verify_api_key=verify_api_key,
        service_token=settings.service_token.get_secret_value(),
        # Revocation must take effect at once where the keys live.
        api_key_cache_seconds=0.0,
    )


async def build(settings: AuthSettings) -> GrpcServer:
    db = settings.database()
    nc, js = await connect_messaging(settings, name="auth")
    relay = OutboxRelay(db, models.outbox, js)
    server = create_server(
        host=settings.grpc_host,
        port=settings.grpc_port,
        service_names=[SERVICE_NAME],
        register=lambda s: auth_pb2_grpc.add_AuthServiceServicer_to_server(
            AuthServicer(db, settings, on_commit=relay.wake), s
        ),
        authenticator=local_authenticator(db, settings),
        reflection_enabled=settings.grpc_reflection,
    )
    server.tasks.append(asyncio.create_task(relay.run()))

    async def close() -> None:
        relay.stop()
        await jetstream.close(nc)
        db.dispose()

    server.cleanups.append(close)
    return server


async def serve(settings: AuthSettings) -> None:
    server = await build(settings)
    await serve_until_signal(server, grace=settings.shutdown_grace_seconds)


def main() -> None:
    run_cli(
        service="auth",
        load_settings=AuthSettings,
        schema=models.SCHEMA,
        migrations_dir=MIGRATIONS,
        commands={"serve": serve},
        default="serve",
    )
