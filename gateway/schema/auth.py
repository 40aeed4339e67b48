"""Accounts, sessions, profiles, API keys and user administration."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import rpc_errors
from gateway.schema.common import Connection, connection, dt
from synthetica.auth.v1 import auth_pb2


@strawberry.enum
class Role(Enum):
    ADMIN = "admin"
    MEMBER = "member"


_ROLES = {auth_pb2.USER_ROLE_ADMIN: Role.ADMIN, auth_pb2.USER_ROLE_MEMBER: Role.MEMBER}


@strawberry.type
class Profile:
    display_name: str
    organization: str
    bio: str


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    role: Role
    disabled: bool
    profile: Profile
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, user: auth_pb2.User) -> User:
        return cls(
            id=strawberry.ID(user.id),
            email=user.email,
            role=_ROLES.get(user.role, Role.MEMBER),
            disabled=user.disabled,
            profile=Profile(
                display_name=user.profile.display_name,
                organization=user.profile.organization,
                bio=user.profile.bio,
            ),
            created_at=dt(user, "created_at"),
            updated_at=dt(user, "updated_at"),
        )


@strawberry.type
class TokenPair:
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int = strawberry.field(description="access token lifetime in seconds")
    refresh_expires_in: int

    @classmethod
    def from_proto(cls, tokens: auth_pb2.TokenPair) -> TokenPair:
        return cls(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            token_type=tokens.token_type,
            expires_in=tokens.expires_in,
            refresh_expires_in=tokens.refresh_expires_in,
        )


@strawberry.type
class AuthPayload:
    user: User
    tokens: TokenPair


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def from_proto(cls, key: auth_pb2.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(key.id),
            name=key.name,
            prefix=key.prefix,
            created_at=dt(key, "created_at"),
            last_used_at=dt(key, "last_used_at"),
            revoked_at=dt(key, "revoked_at"),
            expires_at=dt(key, "expires_at"),
        )


@strawberry.type
class CreatedApiKey:
    api_key: ApiKey
    secret: str = strawberry.field(description="the full key: shown this once, never again")


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str = ""
    organization: str = ""


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class UpdateProfileInput:
    display_name: str | None = None
    organization: str | None = None
    bio: str | None = None


@strawberry.input
class CreateApiKeyInput:
    name: str
    expires_in_days: int = 0


@strawberry.type
class AuthQuery:
    @strawberry.field(description="the signed-in user")
    async def me(self, info: Info[Context, None]) -> User:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.GetMe(
                auth_pb2.GetMeRequest(), metadata=ctx.user_metadata
            )
        return User.from_proto(response.user)

    @strawberry.field(description="the signed-in user's API keys")
    async def api_keys(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[ApiKey]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.ListApiKeys(
                auth_pb2.ListApiKeysRequest(page_size=first, page_token=after or ""),
                metadata=ctx.user_metadata,
            )
        return connection(
            [ApiKey.from_proto(k) for k in response.api_keys], response.next_page_token
        )

    @strawberry.field(description="every account (admins only)")
    async def users(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[User]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.ListUsers(
                auth_pb2.ListUsersRequest(page_size=first, page_token=after or ""),
                metadata=ctx.user_metadata,
            )
        return connection([User.from_proto(u) for u in response.users], response.next_page_token)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="create an account; the first account becomes admin")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.Register(
                auth_pb2.RegisterRequest(
                    email=input.email,
                    password=input.password,
                    display_name=input.display_name,
                    organization=input.organization,
                ),
                metadata=ctx.anonymous_metadata,
            )
        return AuthPayload(
            user=User.from_proto(response.user), tokens=TokenPair.from_proto(response.tokens)
        )

    @strawberry.mutation
    async def login(self, info: Info[Context, None], input: LoginInput) -> AuthPayload:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.Login(
                auth_pb2.LoginRequest(email=input.email, password=input.password),
                metadata=ctx.anonymous_metadata,
            )
        return AuthPayload(
            user=User.from_proto(response.user), tokens=TokenPair.from_proto(response.tokens)
        )

    @strawberry.mutation(description="trade a refresh token for a new pair (the old one dies)")
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> TokenPair:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.Refresh(
                auth_pb2.RefreshRequest(refresh_token=refresh_token),
                metadata=ctx.anonymous_metadata,
            )
        return TokenPair.from_proto(response.tokens)

    @strawberry.mutation(description="end the session the refresh token belongs to")
    async def logout(self, info: Info[Context, None], refresh_token: str) -> bool:
        ctx = info.context
        with rpc_errors():
            await ctx.clients.auth.Logout(
                auth_pb2.LogoutRequest(refresh_token=refresh_token),
                metadata=ctx.anonymous_metadata,
            )
        return True

    @strawberry.mutation
    async def update_profile(self, info: Info[Context, None], input: UpdateProfileInput) -> User:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.UpdateProfile(
                auth_pb2.UpdateProfileRequest(
                    display_name=input.display_name,
                    organization=input.organization,
                    bio=input.bio,
                ),
                metadata=ctx.user_metadata,
            )
        return User.from_proto(response.user)

    @strawberry.mutation(description="the secret is returned once; send it as X-API-Key")
    async def create_api_key(
        self, info: Info[Context, None], input: CreateApiKeyInput
    ) -> CreatedApiKey:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.CreateApiKey(
                auth_pb2.CreateApiKeyRequest(
                    name=input.name, expires_in_days=input.expires_in_days
                ),
                metadata=ctx.user_metadata,
            )
        return CreatedApiKey(api_key=ApiKey.from_proto(response.api_key), secret=response.secret)

    @strawberry.mutation
    async def revoke_api_key(self, info: Info[Context, None], id: strawberry.ID) -> ApiKey:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.RevokeApiKey(
                auth_pb2.RevokeApiKeyRequest(api_key_id=id), metadata=ctx.user_metadata
            )
        return ApiKey.from_proto(response.api_key)

    @strawberry.mutation(description="disable or re-enable an account (admins only)")
    async def set_user_disabled(
        self, info: Info[Context, None], user_id: strawberry.ID, disabled: bool
    ) -> User:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.auth.SetUserDisabled(
                auth_pb2.SetUserDisabledRequest(user_id=user_id, disabled=disabled),
                metadata=ctx.user_metadata,
            )
        return User.from_proto(response.user)
