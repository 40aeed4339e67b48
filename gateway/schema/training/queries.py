"""Training queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, listed, page
from gateway.schema.training.types import Batch, Engine, Job, JobKind, JobStatus, Model, ModelStatus
from synthetica.training.v1 import training_pb2


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="the engines with their parameters and defaults")
    async def engines(self, info: Info[Context, None]) -> list[Engine]:
        ctx = info.context
        response = await call(
            info, ctx.clients.training.ListEngines, training_pb2.ListEnginesRequest()
        )
        return [Engine.from_proto(e) for e in response.engines]

    @strawberry.field
    async def model(self, info: Info[Context, None], id: strawberry.ID) -> Model:
        ctx = info.context
        response = await call(
            info, ctx.clients.training.GetModel, training_pb2.GetModelRequest(model_id=id)
        )
        return Model.from_proto(response.model)

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
        ctx = info.context
        return await listed(
            info,
            ctx.clients.training.ListModels,
            training_pb2.ListModelsRequest(
                project_id=project_id or "",
                dataset_id=dataset_id or "",
                status=status.value if status else 0,
                **page(first, after),
            ),
            "models",
            Model.from_proto,
        )

    @strawberry.field
    async def job(self, info: Info[Context, None], id: strawberry.ID) -> Job:
        ctx = info.context
        response = await call(
            info, ctx.clients.training.GetJob, training_pb2.GetJobRequest(job_id=id)
        )
        return Job.from_proto(response.job)

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
        ctx = info.context
        return await listed(
            info,
            ctx.clients.training.ListJobs,
            training_pb2.ListJobsRequest(
                status=status.value if status else 0,
                kind=kind.value if kind else 0,
                project_id=project_id or "",
                **page(first, after),
            ),
            "jobs",
            Job.from_proto,
        )

    @strawberry.field
    async def batch(self, info: Info[Context, None], id: strawberry.ID) -> Batch:
        ctx = info.context
        response = await call(
            info, ctx.clients.training.GetBatch, training_pb2.GetBatchRequest(batch_id=id)
        )
        return Batch.from_proto(response.batch)

    @strawberry.field(description="a project's synthetic batches, or without projectId your own")
    async def batches(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID | None = None,
        model_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Batch]:
        ctx = info.context
        return await listed(
            info,
            ctx.clients.training.ListBatches,
            training_pb2.ListBatchesRequest(
                project_id=project_id or "",
                model_id=model_id or "",
                **page(first, after),
            ),
            "batches",
            Batch.from_proto,
        )
