"""Auth mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.auth.types import (
    ApiKey,
    AuthPayload,
    CreateApiKeyInput,
    CreatedApiKey,
    LoginInput,
    RegisterInput,
    TokenPair,
    UpdateProfileInput,
    User,
)
from gateway.schema.common import call
from synthetica.auth.v1 import auth_pb2


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="create an account; the first account becomes admin")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.Register,
            auth_pb2.RegisterRequest(
                email=input.email,
                password=input.password,
                display_name=input.display_name,
                organization=input.organization,
            ),
            anonymous=True,
        )
        return AuthPayload.from_proto(response)

    @strawberry.mutation
    async def login(self, info: Info[Context, None], input: LoginInput) -> AuthPayload:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.Login,
            auth_pb2.LoginRequest(email=input.email, password=input.password),
            anonymous=True,
        )
        return AuthPayload.from_proto(response)

    @strawberry.mutation(description="trade a refresh token for a new pair (the old one dies)")
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> TokenPair:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.Refresh,
            auth_pb2.RefreshRequest(refresh_token=refresh_token),
            anonymous=True,
        )
        return TokenPair.from_proto(response.tokens)

    @strawberry.mutation(description="end the session the refresh token belongs to")
    async def logout(self, info: Info[Context, None], refresh_token: str) -> bool:
        ctx = info.context
        await call(
            info,
            ctx.clients.auth.Logout,
            auth_pb2.LogoutRequest(refresh_token=refresh_token),
            anonymous=True,
        )
        return True

    @strawberry.mutation
    async def update_profile(self, info: Info[Context, None], input: UpdateProfileInput) -> User:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.UpdateProfile,
            auth_pb2.UpdateProfileRequest(
                display_name=input.display_name,
                organization=input.organization,
                bio=input.bio,
            ),
        )
        return User.from_proto(response.user)

    @strawberry.mutation(description="the secret is returned once; send it as X-API-Key")
    async def create_api_key(
        self, info: Info[Context, None], input: CreateApiKeyInput
    ) -> CreatedApiKey:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.CreateApiKey,
            auth_pb2.CreateApiKeyRequest(name=input.name, expires_in_days=input.expires_in_days),
        )
        return CreatedApiKey(api_key=ApiKey.from_proto(response.api_key), secret=response.secret)

    @strawberry.mutation
    async def revoke_api_key(self, info: Info[Context, None], id: strawberry.ID) -> ApiKey:
        ctx = info.context
        response = await call(
            info, ctx.clients.auth.RevokeApiKey, auth_pb2.RevokeApiKeyRequest(api_key_id=id)
        )
        return ApiKey.from_proto(response.api_key)

    @strawberry.mutation(description="disable or re-enable an account (admins only)")
    async def set_user_disabled(
        self, info: Info[Context, None], user_id: strawberry.ID, disabled: bool
    ) -> User:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.auth.SetUserDisabled,
            auth_pb2.SetUserDisabledRequest(user_id=user_id, disabled=disabled),
        )
        return User.from_proto(response.user)
