"""Training queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, fetched, listed, page
from gateway.schema.training.types import Batch, Engine, Job, JobKind, JobStatus, Model, ModelStatus
from synthetica.training.v1 import training_pb2 as pb


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="the engines with their parameters and defaults")
    async def engines(self, info: Info[Context, None]) -> list[Engine]:
        rpc = info.context.clients.training.ListEngines
        response = await call(info, rpc, pb.ListEnginesRequest())
        return [Engine.from_proto(e) for e in response.engines]

    @strawberry.field
    async def model(self, info: Info[Context, None], id: strawberry.ID) -> Model:
        request = pb.GetModelRequest(model_id=id)
        rpc = info.context.clients.training.GetModel
        return await fetched(info, rpc, request, "model", Model.from_proto)

    @strawberry.field(description="a project's models, or without projectId your own")
    async def models(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID | None = None,
        dataset_id: strawberry.ID | None = None,
        status: ModelStatus | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Model]:
        request = pb.ListModelsRequest(
            project_id=project_id or "",
            dataset_id=dataset_id or "",
            status=status.value if status else 0,
            **page(first, after),
        )
        rpc = info.context.clients.training.ListModels
        return await listed(info, rpc, request, "models", Model.from_proto)

    @strawberry.field
    async def job(self, info: Info[Context, None], id: strawberry.ID) -> Job:
        request = pb.GetJobRequest(job_id=id)
        rpc = info.context.clients.training.GetJob
        return await fetched(info, rpc, request, "job", Job.from_proto)

    @strawberry.field(description="a project's jobs, or without projectId your own")
    async def jobs(
        self,
        info: Info[Context, None],
        status: JobStatus | None = None,
        kind: JobKind | None = None,
        project_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Job]:
        request = pb.ListJobsRequest(
            status=status.value if status else 0,
            kind=kind.value if kind else 0,
            project_id=project_id or "",
            **page(first, after),
        )
        rpc = info.context.clients.training.ListJobs
        return await listed(info, rpc, request, "jobs", Job.from_proto)

    @strawberry.field
    async def batch(self, info: Info[Context, None], id: strawberry.ID) -> Batch:
        request = pb.GetBatchRequest(batch_id=id)
        rpc = info.context.clients.training.GetBatch
        return await fetched(info, rpc, request, "batch", Batch.from_proto)

    @strawberry.field(
        description="a project's synthetic batches, or without projectId your own, newest "
        "first; datasetId keeps those generated from one dataset's models"
    )
    async def batches(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID | None = None,
        model_id: strawberry.ID | None = None,
        dataset_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Batch]:
        request = pb.ListBatchesRequest(
            project_id=project_id or "",
            model_id=model_id or "",
            dataset_id=dataset_id or "",
            **page(first, after),
        )
        rpc = info.context.clients.training.ListBatches
        return await listed(info, rpc, request, "batches", Batch.from_proto)
