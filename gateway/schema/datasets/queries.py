"""Datasets queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import rpc_errors
from gateway.schema.common import Connection, connection
from gateway.schema.datasets.types import Dataset, Project, list_datasets, page
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type
class DatasetsQuery:
    @strawberry.field(description="the projects you are a member of, newest first")
    async def projects(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Project]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.datasets.ListProjects(
                pb.ListProjectsRequest(page_size=page(first), page_token=after or ""),
                metadata=ctx.user_metadata,
            )
        return connection(
            [Project.from_proto(p) for p in response.projects], response.next_page_token
        )

    @strawberry.field
    async def project(self, info: Info[Context, None], id: strawberry.ID) -> Project:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.datasets.GetProject(
                pb.GetProjectRequest(project_id=id), metadata=ctx.user_metadata
            )
        return Project.from_proto(response.project)

    @strawberry.field
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.datasets.GetDataset(
                pb.GetDatasetRequest(dataset_id=id), metadata=ctx.user_metadata
            )
        return Dataset.from_proto(response.dataset)

    @strawberry.field(description="a project's datasets, newest first")
    async def datasets(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Dataset]:
        return await list_datasets(info.context, project_id, first, after)
