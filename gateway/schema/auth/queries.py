"""Auth queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.auth.types import ApiKey, User
from gateway.schema.common import Connection, call, listed, page
from synthetica.auth.v1 import auth_pb2


@strawberry.type
class AuthQuery:
    @strawberry.field(description="the signed-in user")
    async def me(self, info: Info[Context, None]) -> User:
        ctx = info.context
        response = await call(info, ctx.clients.auth.GetMe, auth_pb2.GetMeRequest())
        return User.from_proto(response.user)

    @strawberry.field(description="the signed-in user's API keys")
    async def api_keys(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[ApiKey]:
        ctx = info.context
        return await listed(
            info,
            ctx.clients.auth.ListApiKeys,
            auth_pb2.ListApiKeysRequest(**page(first, after)),
            "api_keys",
            ApiKey.from_proto,
        )

    @strawberry.field(description="every account (admins only)")
    async def users(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[User]:
        ctx = info.context
        return await listed(
            info,
            ctx.clients.auth.ListUsers,
            auth_pb2.ListUsersRequest(**page(first, after)),
            "users",
            User.from_proto,
        )
