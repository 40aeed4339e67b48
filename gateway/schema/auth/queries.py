"""Auth queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.auth.types import ApiKey, User
from gateway.schema.common import Connection, fetched, listed, page
from synthetica.auth.v1 import auth_pb2


@strawberry.type
class AuthQuery:
    @strawberry.field(description="the signed-in user")
    async def me(self, info: Info[Context, None]) -> User:
        rpc = info.context.clients.auth.GetMe
        return await fetched(info, rpc, auth_pb2.GetMeRequest(), "user", User.from_proto)

    @strawberry.field(description="the signed-in user's API keys")
    async def api_keys(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[ApiKey]:
        request = auth_pb2.ListApiKeysRequest(**page(first, after))
        rpc = info.context.clients.auth.ListApiKeys
        return await listed(info, rpc, request, "api_keys", ApiKey.from_proto)

    @strawberry.field(description="every account (admins only)")
    async def users(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[User]:
        request = auth_pb2.ListUsersRequest(**page(first, after))
        rpc = info.context.clients.auth.ListUsers
        return await listed(info, rpc, request, "users", User.from_proto)
