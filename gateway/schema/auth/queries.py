"""Auth queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import rpc_errors
from gateway.schema.auth.types import ApiKey, User
from gateway.schema.common import Connection, connection
from synthetica.auth.v1 import auth_pb2


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
