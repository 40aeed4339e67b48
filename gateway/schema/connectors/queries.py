"""Database connection queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, listed, page
from gateway.schema.connectors.types import DatabaseConnection
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type
class ConnectorsQuery:
    @strawberry.field(description="a project's database connections, newest first")
    async def connections(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[DatabaseConnection]:
        request = pb.ListConnectionsRequest(project_id=project_id, **page(first, after))
        rpc = info.context.clients.datasets.ListConnections
        return await listed(info, rpc, request, "connections", DatabaseConnection.from_proto)
