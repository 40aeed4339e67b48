"""The auth service as other services and the gateway see it: its signing keys (JWKS), API
key checks and user lookups, and the authenticator their gRPC servers check callers with."""

from __future__ import annotations

import grpc

from common.clients import make_channel, service_metadata
from common.context import Principal
from common.errors import Unauthenticated
from common.security import JwksCache, TokenAuthenticator
from common.settings import Settings
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc

ROLE_NAMES = {auth_pb2.USER_ROLE_ADMIN: "admin", auth_pb2.USER_ROLE_MEMBER: "member"}


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
