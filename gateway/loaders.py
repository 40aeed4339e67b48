"""Per-request DataLoaders: every ``project``, ``dataset`` or ``model`` a query reaches through
another object is fetched in one batched call per request, not one call per object (no N+1).

They are created with each request's Context (on first use), never shared: they cache, and
what one caller may see is not what another may."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader

from common.clients import Metadata
from common.pagination import MAX_PAGE_SIZE
from gateway.clients import ServiceClients
from gateway.errors import rpc_errors
from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.training.v1 import training_pb2


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Identified)


class Loaders:
    def __init__(self, clients: ServiceClients, metadata: Metadata) -> None:
        self._clients = clients
        self._metadata = metadata

    @cached_property
    def project(self) -> DataLoader[str, pb.Project | None]:
        return DataLoader(load_fn=self._projects)

    @cached_property
    def dataset(self) -> DataLoader[str, pb.Dataset | None]:
        return DataLoader(load_fn=self._datasets)

    @cached_property
    def model(self) -> DataLoader[str, training_pb2.Model | None]:
        return DataLoader(load_fn=self._models)

    async def _projects(self, ids: list[str]) -> list[pb.Project | None]:
        async def fetch(chunk: list[str]) -> list[pb.Project]:
            response = await self._clients.datasets.BatchGetProjects(
                pb.BatchGetProjectsRequest(project_ids=chunk), metadata=self._metadata
            )
            return list(response.projects)

        return await _by_id(ids, fetch)

    async def _datasets(self, ids: list[str]) -> list[pb.Dataset | None]:
        async def fetch(chunk: list[str]) -> list[pb.Dataset]:
            response = await self._clients.datasets.BatchGetDatasets(
                pb.BatchGetDatasetsRequest(dataset_ids=chunk), metadata=self._metadata
            )
            return list(response.datasets)

        return await _by_id(ids, fetch)

    async def _models(self, ids: list[str]) -> list[training_pb2.Model | None]:
        async def fetch(chunk: list[str]) -> list[training_pb2.Model]:
            response = await self._clients.training.BatchGetModels(
                training_pb2.BatchGetModelsRequest(model_ids=chunk), metadata=self._metadata
            )
            return list(response.models)

        return await _by_id(ids, fetch)


async def _by_id(
    ids: Sequence[str], fetch: Callable[[list[str]], Awaitable[list[T]]]
) -> list[T | None]:
    """Results in the order of ``ids``; None where the caller may not see the object."""
    found: dict[str, T] = {}
    with rpc_errors():
        for start in range(0, len(ids), MAX_PAGE_SIZE):
            for item in await fetch(list(ids[start : start + MAX_PAGE_SIZE])):
                found[item.id] = item
    return [found.get(i) for i in ids]
