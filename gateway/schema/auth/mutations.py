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
from gateway.schema.common import call, done, fetched
from synthetica.auth.v1 import auth_pb2


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="create an account; the first account becomes admin")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        request = auth_pb2.RegisterRequest(
            email=input.email,
            password=input.password,
            display_name=input.display_name,
            organization=input.organization,
        )
        response = await call(info, info.context.clients.auth.Register, request, anonymous=True)
        return AuthPayload.from_proto(response)

    @strawberry.mutation
    async def login(self, info: Info[Context, None], input: LoginInput) -> AuthPayload:
        request = auth_pb2.LoginRequest(email=input.email, password=input.password)
        response = await call(info, info.context.clients.auth.Login, request, anonymous=True)
        return AuthPayload.from_proto(response)

    @strawberry.mutation(description="trade a refresh token for a new pair (the old one dies)")
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> TokenPair:
        request = auth_pb2.RefreshRequest(refresh_token=refresh_token)
        rpc = info.context.clients.auth.Refresh
        return await fetched(info, rpc, request, "tokens", TokenPair.from_proto, anonymous=True)

    @strawberry.mutation(description="end the session the refresh token belongs to")
    async def logout(self, info: Info[Context, None], refresh_token: str) -> bool:
        request = auth_pb2.LogoutRequest(refresh_token=refresh_token)
        return await done(info, info.context.clients.auth.Logout, request, anonymous=True)

    @strawberry.mutation
    async def update_profile(self, info: Info[Context, None], input: UpdateProfileInput) -> User:
        request = auth_pb2.UpdateProfileRequest(
            display_name=input.display_name, organization=input.organization, bio=input.bio
        )
        rpc = info.context.clients.auth.UpdateProfile
        return await fetched(info, rpc, request, "user", User.from_proto)

    @strawberry.mutation(description="the secret is returned once; send it as X-API-Key")
    async def create_api_key(
        self, info: Info[Context, None], input: CreateApiKeyInput
    ) -> CreatedApiKey:
        request = auth_pb2.CreateApiKeyRequest(
            name=input.name, expires_in_days=input.expires_in_days
        )
        response = await call(info, info.context.clients.auth.CreateApiKey, request)
        return CreatedApiKey(api_key=ApiKey.from_proto(response.api_key), secret=response.secret)

    @strawberry.mutation
    async def revoke_api_key(self, info: Info[Context, None], id: strawberry.ID) -> ApiKey:
        request = auth_pb2.RevokeApiKeyRequest(api_key_id=id)
        rpc = info.context.clients.auth.RevokeApiKey
        return await fetched(info, rpc, request, "api_key", ApiKey.from_proto)

    @strawberry.mutation(description="disable or re-enable an account (admins only)")
    async def set_user_disabled(
        self, info: Info[Context, None], user_id: strawberry.ID, disabled: bool
    ) -> User:
        request = auth_pb2.SetUserDisabledRequest(user_id=user_id, disabled=disabled)
        rpc = info.context.clients.auth.SetUserDisabled
        return await fetched(info, rpc, request, "user", User.from_proto)
