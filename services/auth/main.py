"""Auth service process: ``python -m services.auth [serve|migrate]``."""

from __future__ import annotations

import dataclasses
import logging

from common.context import Principal
from common.db import Database
from common.grpc_server import GrpcServer
from common.runtime import Backbone, run_cli, service_server
from common.security import JwksCache, TokenAuthenticator
from services.auth import models, service
from services.auth.servicer import AuthServicer
from services.auth.settings import AuthSettings
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc

log = logging.getLogger(__name__)

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
    if settings.password_cost_below_owasp():
        log.warning(
            "password hashes are cheaper than OWASP's floor for Argon2id (2 passes, 19 MiB)",
            extra={"fields": {"cost": dataclasses.asdict(settings.password_cost)}},
        )
    base = await Backbone.connect(settings, name="auth", outbox=models.outbox)
    server = service_server(
        settings,
        service_name=SERVICE_NAME,
        register=lambda s: auth_pb2_grpc.add_AuthServiceServicer_to_server(
            AuthServicer(base.db, settings, on_commit=base.wake_relay), s
        ),
        authenticator=local_authenticator(base.db, settings),
    )
    base.attach(server)
    return server


def main() -> None:
    run_cli("auth", AuthSettings, serve=build)
