"""Datasets queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, fetched, listed, page
from gateway.schema.datasets.types import Dataset, Project, list_datasets
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type(
    description="the signed-in account's storage: bytes of the datasets and generated batches "
    "in the projects it owns (a shared project counts against its owner), uploads streaming "
    "and batches being written included"
)
class StorageUsage:
    # Float: 20 GiB is past GraphQL's 32-bit Int; exact up to 2^53 bytes.
    used_bytes: float
    quota_bytes: float | None = strawberry.field(
        description="the most it may store; null when there is no quota"
    )


@strawberry.type
class DatasetsQuery:
    @strawberry.field(description="your storage used and your quota")
    async def storage_usage(self, info: Info[Context, None]) -> StorageUsage:
        rpc = info.context.clients.datasets.GetStorageUsage
        found = await call(info, rpc, pb.GetStorageUsageRequest())
        return StorageUsage(
            used_bytes=float(found.used_bytes), quota_bytes=float(found.quota_bytes) or None
        )

    @strawberry.field(description="the projects you are a member of, newest first")
    async def projects(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Project]:
        request = pb.ListProjectsRequest(**page(first, after))
        rpc = info.context.clients.datasets.ListProjects
        return await listed(info, rpc, request, "projects", Project.from_proto)

    @strawberry.field
    async def project(self, info: Info[Context, None], id: strawberry.ID) -> Project:
        request = pb.GetProjectRequest(project_id=id)
        rpc = info.context.clients.datasets.GetProject
        cache = info.context.read_cache
        if cache is None:
            return await fetched(info, rpc, request, "project", Project.from_proto)

        async def fetch() -> pb.Project:
            return (await call(info, rpc, request)).project

        return Project.from_proto(await cache.project(info.context.credentials, id, fetch))

    @strawberry.field
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:
        request = pb.GetDatasetRequest(dataset_id=id)
        rpc = info.context.clients.datasets.GetDataset
        cache = info.context.read_cache
        if cache is None:
            return await fetched(info, rpc, request, "dataset", Dataset.from_proto)

        async def fetch() -> pb.Dataset:
            return (await call(info, rpc, request)).dataset

        return Dataset.from_proto(await cache.dataset(info.context.credentials, id, fetch))

    @strawberry.field(description="a project's datasets, newest first")
    async def datasets(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Dataset]:
        return await list_datasets(info, project_id, first, after)
