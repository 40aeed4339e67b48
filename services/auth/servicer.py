"""gRPC ⇄ domain for AuthService: converts messages and checks who may call what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

import grpc

from common.context import Principal
from common.db import Database
from common.errors import PermissionDenied
from common.interceptors import (
    metadata_dict,
    peer_address,
    require_principal,
    require_service,
    require_user,
)
from common.pagination import page_of
from common.protos import timestamp
from services.auth import limits, models, service
from services.auth.settings import AuthSettings
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc

ROLES = {service.ADMIN: auth_pb2.USER_ROLE_ADMIN, service.MEMBER: auth_pb2.USER_ROLE_MEMBER}


def user_to_proto(user: models.User) -> auth_pb2.User:
    return auth_pb2.User(
        id=str(user.id),
        email=user.email,
        role=ROLES.get(user.role, auth_pb2.USER_ROLE_UNSPECIFIED),
        disabled=user.disabled,
        profile=auth_pb2.Profile(
            display_name=user.display_name, organization=user.organization, bio=user.bio
        ),
        created_at=timestamp(user.created_at),
        updated_at=timestamp(user.updated_at),
    )


def api_key_to_proto(key: models.ApiKey) -> auth_pb2.ApiKey:
    return auth_pb2.ApiKey(
        id=str(key.id),
        name=key.name,
        prefix=key.prefix,
        created_at=timestamp(key.created_at),
        last_used_at=timestamp(key.last_used_at),
        revoked_at=timestamp(key.revoked_at),
        expires_at=timestamp(key.expires_at),
    )


def tokens_to_proto(tokens: service.Tokens) -> auth_pb2.TokenPair:
    return auth_pb2.TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        token_type="Bearer",  # noqa: S106 - the token scheme, not a secret
        expires_in=tokens.expires_in,
        refresh_expires_in=tokens.refresh_expires_in,
    )


def _client(context) -> str:
    """Who the rate limits count: behind the gateway, the end user's address it forwards;
    otherwise the caller's own address (without the port)."""
    address = peer_address(context)
    if require_principal().is_service:
        address = metadata_dict(context).get("x-client-ip") or address
    return limits.client_key(address)


@dataclass(eq=False)
class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    db: Database
    settings: AuthSettings
    _: KW_ONLY
    # Called after a commit that wrote to the outbox, so the relay publishes at once.
    on_commit: Callable[[], None]

    async def Register(
        self, request: auth_pb2.RegisterRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.RegisterResponse:
        await self.db.call(
            limits.record_registration, settings=self.settings, client=_client(context)
        )
        user, tokens = await self.db.call(
            service.register,
            settings=self.settings,
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            organization=request.organization,
        )
        self.on_commit()
        return auth_pb2.RegisterResponse(user=user_to_proto(user), tokens=tokens_to_proto(tokens))

    async def Login(
        self, request: auth_pb2.LoginRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.LoginResponse:
        client = _client(context)
        # Recorded and committed before the password is checked (see limits.py).
        await self.db.call(
            limits.record_login_attempt,
            settings=self.settings,
            email=request.email,
            client=client,
        )
        user, tokens = await self.db.call(
            service.login,
            settings=self.settings,
            email=request.email,
            password=request.password,
            client=client,
        )
        return auth_pb2.LoginResponse(user=user_to_proto(user), tokens=tokens_to_proto(tokens))

    async def Refresh(
        self, request: auth_pb2.RefreshRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.RefreshResponse:
        tokens = await self.db.call(
            service.refresh, settings=self.settings, refresh_token=request.refresh_token
        )
        return auth_pb2.RefreshResponse(tokens=tokens_to_proto(tokens))

    async def Logout(
        self, request: auth_pb2.LogoutRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.LogoutResponse:
        await self.db.call(service.logout, refresh_token=request.refresh_token)
        return auth_pb2.LogoutResponse()

    async def GetJwks(
        self, request: auth_pb2.GetJwksRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.GetJwksResponse:
        keys = await self.db.call(service.public_jwks)
        fields = ("kty", "crv", "x", "kid", "alg", "use")
        return auth_pb2.GetJwksResponse(
            keys=[auth_pb2.Jwk(**{f: k[f] for f in fields}) for k in keys]
        )

    async def GetMe(
        self, request: auth_pb2.GetMeRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.GetMeResponse:
        user = await self.db.call(service.get_active_user, user_id=require_user().user_id)
        return auth_pb2.GetMeResponse(user=user_to_proto(user))

    async def UpdateProfile(
        self, request: auth_pb2.UpdateProfileRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.UpdateProfileResponse:
        user = await self.db.call(
            service.update_profile,
            user_id=require_user().user_id,
            display_name=request.display_name if request.HasField("display_name") else None,
            organization=request.organization if request.HasField("organization") else None,
            bio=request.bio if request.HasField("bio") else None,
        )
        return auth_pb2.UpdateProfileResponse(user=user_to_proto(user))

    async def CreateApiKey(
        self, request: auth_pb2.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.CreateApiKeyResponse:
        key, secret = await self.db.call(
            service.create_api_key,
            user_id=require_user().user_id,
            name=request.name,
            expires_in_days=request.expires_in_days,
        )
        return auth_pb2.CreateApiKeyResponse(api_key=api_key_to_proto(key), secret=secret)

    async def ListApiKeys(
        self, request: auth_pb2.ListApiKeysRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.ListApiKeysResponse:
        keys, next_token = await self.db.call(
            service.list_api_keys, user_id=require_user().user_id, **page_of(request)
        )
        return auth_pb2.ListApiKeysResponse(
            api_keys=[api_key_to_proto(k) for k in keys], next_page_token=next_token
        )

    async def RevokeApiKey(
        self, request: auth_pb2.RevokeApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.RevokeApiKeyResponse:
        key = await self.db.call(
            service.revoke_api_key, user_id=require_user().user_id, api_key_id=request.api_key_id
        )
        self.on_commit()
        return auth_pb2.RevokeApiKeyResponse(api_key=api_key_to_proto(key))

    async def VerifyApiKey(
        self, request: auth_pb2.VerifyApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.VerifyApiKeyResponse:
        require_service("this call is for Synthetica services only")
        user = await self.db.call(service.verify_api_key, key=request.key)
        return auth_pb2.VerifyApiKeyResponse(user=user_to_proto(user))

    async def LookupUsers(
        self, request: auth_pb2.LookupUsersRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.LookupUsersResponse:
        require_service("this call is for Synthetica services only")
        users = await self.db.call(
            service.lookup_users, user_ids=list(request.user_ids), emails=list(request.emails)
        )
        return auth_pb2.LookupUsersResponse(users=[user_to_proto(u) for u in users])

    async def ListUsers(
        self, request: auth_pb2.ListUsersRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.ListUsersResponse:
        await self._admin()
        users, next_token = await self.db.call(service.list_users, **page_of(request))
        return auth_pb2.ListUsersResponse(
            users=[user_to_proto(u) for u in users], next_page_token=next_token
        )

    async def SetUserDisabled(
        self, request: auth_pb2.SetUserDisabledRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.SetUserDisabledResponse:
        admin = await self._admin()
        user = await self.db.call(
            service.set_user_disabled,
            actor_id=admin.user_id,
            user_id=request.user_id,
            disabled=request.disabled,
        )
        self.on_commit()
        return auth_pb2.SetUserDisabledResponse(user=user_to_proto(user))

    async def _admin(self) -> Principal:
        """Admin rights are read from the database, not only the token, so a demoted or
        disabled admin loses them at once."""
        principal = require_user()
        user = await self.db.call(service.get_active_user, user_id=principal.user_id)
        if user.role != service.ADMIN:
            raise PermissionDenied("this call is for admins only", reason="ADMIN_ONLY")
        return principal
