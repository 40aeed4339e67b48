"""Database connection mutations: save, delete, test, import a table or query, export."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import call, done, fetched
from gateway.schema.connectors.types import (
    BatchExport,
    ConnectionTestResult,
    DatabaseConnection,
    ExportMode,
)
from gateway.schema.datasets.types import Dataset
from synthetica.datasets.v1 import datasets_pb2 as pb

# The longest an import waits for ingestion before answering with the dataset INGESTING.
IMPORT_WAIT_SECONDS = 60


@strawberry.type
class ConnectorsMutation:
    @strawberry.mutation(
        description="saves a database connection (owners, editors): an SQLAlchemy URL naming a "
        "network host; its credentials are encrypted and never shown again"
    )
    async def create_connection(
        self, info: Info[Context, None], project_id: strawberry.ID, name: str, url: str
    ) -> DatabaseConnection:
        request = pb.CreateConnectionRequest(project_id=project_id, name=name, url=url)
        rpc = info.context.clients.datasets.CreateConnection
        return await fetched(info, rpc, request, "connection", DatabaseConnection.from_proto)

    @strawberry.mutation
    async def delete_connection(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = pb.DeleteConnectionRequest(connection_id=id)
        return await done(info, info.context.clients.datasets.DeleteConnection, request)

    @strawberry.mutation(description="connects once and says whether that worked, or why not")
    async def test_connection(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ConnectionTestResult:
        request = pb.TestConnectionRequest(connection_id=id)
        response = await call(info, info.context.clients.datasets.TestConnection, request)
        return ConnectionTestResult.from_proto(response)

    @strawberry.mutation(
        description="imports a table, or one read-only query, into a new dataset with the "
        "source's column types"
    )
    async def import_dataset(
        self,
        info: Info[Context, None],
        connection_id: strawberry.ID,
        project_id: strawberry.ID,
        name: str = "",
        table: str | None = None,
        query: str | None = None,
    ) -> Dataset:
        request = pb.ImportDatasetRequest(
            connection_id=connection_id,
            project_id=project_id,
            name=name,
            table=table or "",
            query=query or "",
            wait_seconds=IMPORT_WAIT_SECONDS,
        )
        ctx = info.context
        timeout = ctx.settings.upload_timeout_seconds
        rpc = ctx.clients.datasets.ImportDataset
        return await fetched(info, rpc, request, "dataset", Dataset.from_proto, timeout=timeout)

    @strawberry.mutation(
        description="writes a batch's rows into a PostgreSQL table with COPY, in one "
        "transaction, the row count checked (owners, editors)"
    )
    async def export_batch(
        self,
        info: Info[Context, None],
        batch_id: strawberry.ID,
        connection_id: strawberry.ID,
        table: str,
        mode: ExportMode,
        batch_table: str = "",
    ) -> BatchExport:
        request = pb.ExportBatchRequest(
            batch_id=batch_id,
            connection_id=connection_id,
            table=table,
            mode=mode.value,
            batch_table=batch_table,
        )
        ctx = info.context
        timeout = ctx.settings.upload_timeout_seconds
        response = await call(info, ctx.clients.datasets.ExportBatch, request, timeout=timeout)
        return BatchExport(row_count=response.row_count, table=response.table)
