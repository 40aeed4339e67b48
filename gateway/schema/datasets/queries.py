"""Datasets queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, listed, page
from gateway.schema.datasets.types import Dataset, Project, list_datasets
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type
class DatasetsQuery:
    @strawberry.field(description="the projects you are a member of, newest first")
    async def projects(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Project]:
        ctx = info.context
        return await listed(
            info,
            ctx.clients.datasets.ListProjects,
            pb.ListProjectsRequest(**page(first, after)),
            "projects",
            Project.from_proto,
        )

    @strawberry.field
    async def project(self, info: Info[Context, None], id: strawberry.ID) -> Project:
        ctx = info.context
        response = await call(
            info, ctx.clients.datasets.GetProject, pb.GetProjectRequest(project_id=id)
        )
        return Project.from_proto(response.project)

    @strawberry.field
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:
        ctx = info.context
        response = await call(
            info, ctx.clients.datasets.GetDataset, pb.GetDatasetRequest(dataset_id=id)
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
        return await list_datasets(info, project_id, first, after)
