"""Engines, models, jobs and synthetic batches (the training service)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from google.protobuf import json_format, struct_pb2
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.context import Context
from gateway.downloads import DOWNLOAD_URL_TTL_SECONDS, download_path, sign_download
from gateway.errors import ApiError, rpc_errors
from gateway.http import public_url
from gateway.schema import evaluation
from gateway.schema.common import Connection, connection, dt, from_proto_enum
from gateway.schema.datasets import Dataset, Project, load_dataset, load_project
from synthetica.auth.v1 import auth_pb2
from synthetica.training.v1 import training_pb2


@strawberry.enum
class JobStatus(Enum):
    QUEUED = training_pb2.JOB_STATUS_QUEUED
    RUNNING = training_pb2.JOB_STATUS_RUNNING
    SUCCEEDED = training_pb2.JOB_STATUS_SUCCEEDED
    FAILED = training_pb2.JOB_STATUS_FAILED
    CANCELLED = training_pb2.JOB_STATUS_CANCELLED


@strawberry.enum
class JobKind(Enum):
    TRAIN = training_pb2.JOB_KIND_TRAIN
    GENERATE = training_pb2.JOB_KIND_GENERATE
    TEMPLATE = training_pb2.JOB_KIND_TEMPLATE


@strawberry.enum
class ModelStatus(Enum):
    QUEUED = training_pb2.MODEL_STATUS_QUEUED
    TRAINING = training_pb2.MODEL_STATUS_TRAINING
    READY = training_pb2.MODEL_STATUS_READY
    FAILED = training_pb2.MODEL_STATUS_FAILED
    CANCELLED = training_pb2.MODEL_STATUS_CANCELLED


@strawberry.enum
class BatchStatus(Enum):
    GENERATING = training_pb2.BATCH_STATUS_GENERATING
    READY = training_pb2.BATCH_STATUS_READY
    FAILED = training_pb2.BATCH_STATUS_FAILED
    EXPIRED = training_pb2.BATCH_STATUS_EXPIRED
    CANCELLED = training_pb2.BATCH_STATUS_CANCELLED


@strawberry.enum
class ExportFormat(Enum):
    CSV = training_pb2.EXPORT_FORMAT_CSV
    JSONL = training_pb2.EXPORT_FORMAT_JSONL
    PARQUET = training_pb2.EXPORT_FORMAT_PARQUET
    SQL = training_pb2.EXPORT_FORMAT_SQL


@strawberry.type
class EngineParameter:
    name: str
    type: str = strawberry.field(description="int, float, bool or str")
    default: JSON | None
    min: float | None
    max: float | None
    description: str


@strawberry.type
class Engine:
    name: str
    library: str
    license: str
    description: str
    parameters: list[EngineParameter]

    @classmethod
    def from_proto(cls, engine: training_pb2.Engine) -> Engine:
        return cls(
            name=engine.name,
            library=engine.library,
            license=engine.license,
            description=engine.description,
            parameters=[
                EngineParameter(
                    name=p.name,
                    type=p.type,
                    default=json_format.MessageToDict(p.default),
                    min=p.min if p.HasField("min") else None,
                    max=p.max if p.HasField("max") else None,
                    description=p.description,
                )
                for p in engine.parameters
            ],
        )


@strawberry.type
class JobProgress:
    percent: float
    epoch: int
    total_epochs: int
    loss: float | None
    eta_seconds: float | None
    message: str


@strawberry.type
class Job:
    id: strawberry.ID
    kind: JobKind | None
    status: JobStatus | None
    project_id: strawberry.ID
    owner_id: strawberry.ID
    model_id: strawberry.ID | None
    batch_id: strawberry.ID | None
    progress: JobProgress
    error: str
    attempts: int
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @strawberry.field(description="the project the job belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @classmethod
    def from_proto(cls, job: training_pb2.Job) -> Job:
        p = job.progress
        return cls(
            id=strawberry.ID(job.id),
            kind=from_proto_enum(JobKind, job.kind),
            status=from_proto_enum(JobStatus, job.status),
            project_id=strawberry.ID(job.project_id),
            owner_id=strawberry.ID(job.owner_id),
            model_id=strawberry.ID(job.model_id) if job.model_id else None,
            batch_id=strawberry.ID(job.batch_id) if job.batch_id else None,
            progress=JobProgress(
                percent=p.percent,
                epoch=p.epoch,
                total_epochs=p.total_epochs,
                loss=p.loss if p.HasField("loss") else None,
                eta_seconds=p.eta_seconds if p.HasField("eta_seconds") else None,
                message=p.message,
            ),
            error=job.error,
            attempts=job.attempts,
            created_at=dt(job, "created_at"),
            started_at=dt(job, "started_at"),
            finished_at=dt(job, "finished_at"),
        )


@strawberry.type
class TrainParams:
    epochs: int | None
    batch_size: int | None
    time_budget_seconds: int | None
    seed: int | None
    options: JSON


@strawberry.type
class Model:
    id: strawberry.ID
    project_id: strawberry.ID
    dataset_id: strawberry.ID
    name: str
    engine: str
    params: TrainParams
    status: ModelStatus | None
    error: str
    metrics: JSON = strawberry.field(
        description="loss_curve [[epoch, loss]], duration_seconds, rows, columns, engine, "
        "library_versions, epochs_run, stopped_by_budget"
    )
    owner_id: strawberry.ID
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(description="the project the model belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @strawberry.field(description="the dataset the model was trained on")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await load_dataset(info, self.dataset_id)

    @classmethod
    def from_proto(cls, model: training_pb2.Model) -> Model:
        p = model.params
        return cls(
            id=strawberry.ID(model.id),
            project_id=strawberry.ID(model.project_id),
            dataset_id=strawberry.ID(model.dataset_id),
            name=model.name,
            engine=model.engine,
            params=TrainParams(
                epochs=p.epochs if p.HasField("epochs") else None,
                batch_size=p.batch_size if p.HasField("batch_size") else None,
                time_budget_seconds=(
                    p.time_budget_seconds if p.HasField("time_budget_seconds") else None
                ),
                seed=p.seed if p.HasField("seed") else None,
                options=json_format.MessageToDict(p.options),
            ),
            status=from_proto_enum(ModelStatus, model.status),
            error=model.error,
            metrics=json_format.MessageToDict(model.metrics),
            owner_id=strawberry.ID(model.owner_id),
            created_at=dt(model, "created_at"),
            updated_at=dt(model, "updated_at"),
        )


@strawberry.type
class Batch:
    id: strawberry.ID
    project_id: strawberry.ID
    model_id: strawberry.ID | None
    dataset_id: strawberry.ID | None
    job_id: strawberry.ID
    status: BatchStatus | None
    row_count: int
    format: ExportFormat | None
    error: str
    owner_id: strawberry.ID
    created_at: datetime | None
    expires_at: datetime | None = strawberry.field(
        description="when its files are deleted and it becomes EXPIRED"
    )
    template_id: strawberry.ID | None = strawberry.field(
        description="the built-in's name or saved template's id it was generated from"
    )
    tables: list[str] = strawberry.field(
        description="a template batch's tables; previews and downloads take one (default: first)"
    )

    @strawberry.field(description="the newest report's quality score (0..1), once evaluated")
    async def quality_score(self, info: Info[Context, None]) -> float | None:
        return await evaluation.quality_score_for_batch(info, self.id)

    @strawberry.field(description="the newest report's privacy verdict, once evaluated")
    async def privacy_verdict(self, info: Info[Context, None]) -> evaluation.PrivacyVerdict | None:
        return await evaluation.privacy_verdict_for_batch(info, self.id)

    @strawberry.field(description="the newest evaluation report (null until there is one)")
    async def report(self, info: Info[Context, None]) -> evaluation.Report | None:
        return await evaluation.report_for_batch(info, self.id)

    @strawberry.field(description="the first n rows (at most 1000), one JSON object per row")
    async def preview_rows(
        self, info: Info[Context, None], n: int = 10, table: str = ""
    ) -> list[JSON]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.PreviewBatch(
                training_pb2.PreviewBatchRequest(batch_id=self.id, limit=n, table=table),
                metadata=ctx.user_metadata,
            )
        return [json.loads(row) for row in response.rows_json]

    @strawberry.field(description="the project the batch belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @strawberry.field(description="the real dataset behind the model (none for templates)")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await load_dataset(info, self.dataset_id)

    @classmethod
    def from_proto(cls, batch: training_pb2.Batch) -> Batch:
        return cls(
            id=strawberry.ID(batch.id),
            project_id=strawberry.ID(batch.project_id),
            model_id=strawberry.ID(batch.model_id) if batch.model_id else None,
            dataset_id=strawberry.ID(batch.dataset_id) if batch.dataset_id else None,
            job_id=strawberry.ID(batch.job_id),
            status=from_proto_enum(BatchStatus, batch.status),
            row_count=batch.row_count,
            format=from_proto_enum(ExportFormat, batch.format),
            error=batch.error,
            owner_id=strawberry.ID(batch.owner_id),
            created_at=dt(batch, "created_at"),
            expires_at=dt(batch, "expires_at"),
            template_id=strawberry.ID(batch.template_id) if batch.template_id else None,
            tables=list(batch.tables),
        )


@strawberry.type
class TrainModelPayload:
    model: Model
    job: Job


@strawberry.type
class GeneratePayload:
    batch: Batch
    job: Job


@strawberry.type
class DownloadLink:
    url: str = strawberry.field(description="GET it without credentials until expiresAt")
    expires_at: datetime


@strawberry.input
class TrainModelInput:
    dataset_id: strawberry.ID
    engine: str
    name: str = ""
    epochs: int | None = None
    batch_size: int | None = None
    time_budget_seconds: int | None = None
    seed: int | None = None
    options: JSON | None = strawberry.field(
        default=None, description="engine-specific options, see engines { parameters }"
    )


@strawberry.input
class AnomaliesInput:
    ratio: float = strawberry.field(description="share of rows to perturb, 0 to 1")
    mark_column: str = strawberry.field(
        default="", description="when set, a boolean column of this name marks perturbed rows"
    )


@strawberry.input
class GenerateInput:
    model_id: strawberry.ID
    count: int
    seed: int | None = None
    conditions: JSON | None = strawberry.field(
        default=None, description='column -> fixed value, e.g. {"sex": "Female"}'
    )
    anomalies: AnomaliesInput | None = None
    enforce_bounds: bool = strawberry.field(
        default=True,
        description="keep numbers and dates within the real column's min/max (on by default; "
        "false lets an engine extrapolate)",
    )
    format: ExportFormat = ExportFormat.PARQUET


def _struct(value: object, field: str) -> struct_pb2.Struct | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(
            f"{field} must be a JSON object",
            code="BAD_USER_INPUT",
            fields=[{"field": field, "message": "must be a JSON object"}],
        )
    message = struct_pb2.Struct()
    message.update(value)
    return message


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="the engines with their parameters and defaults")
    async def engines(self, info: Info[Context, None]) -> list[Engine]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.ListEngines(
                training_pb2.ListEnginesRequest(), metadata=ctx.user_metadata
            )
        return [Engine.from_proto(e) for e in response.engines]

    @strawberry.field
    async def model(self, info: Info[Context, None], id: strawberry.ID) -> Model:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.GetModel(
                training_pb2.GetModelRequest(model_id=id), metadata=ctx.user_metadata
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
        with rpc_errors():
            response = await ctx.clients.training.ListModels(
                training_pb2.ListModelsRequest(
                    project_id=project_id or "",
                    dataset_id=dataset_id or "",
                    status=status.value if status else 0,
                    page_size=first,
                    page_token=after or "",
                ),
                metadata=ctx.user_metadata,
            )
        return connection([Model.from_proto(x) for x in response.models], response.next_page_token)

    @strawberry.field
    async def job(self, info: Info[Context, None], id: strawberry.ID) -> Job:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.GetJob(
                training_pb2.GetJobRequest(job_id=id), metadata=ctx.user_metadata
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
        with rpc_errors():
            response = await ctx.clients.training.ListJobs(
                training_pb2.ListJobsRequest(
                    status=status.value if status else 0,
                    kind=kind.value if kind else 0,
                    project_id=project_id or "",
                    page_size=first,
                    page_token=after or "",
                ),
                metadata=ctx.user_metadata,
            )
        return connection([Job.from_proto(j) for j in response.jobs], response.next_page_token)

    @strawberry.field
    async def batch(self, info: Info[Context, None], id: strawberry.ID) -> Batch:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.GetBatch(
                training_pb2.GetBatchRequest(batch_id=id), metadata=ctx.user_metadata
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
        with rpc_errors():
            response = await ctx.clients.training.ListBatches(
                training_pb2.ListBatchesRequest(
                    project_id=project_id or "",
                    model_id=model_id or "",
                    page_size=first,
                    page_token=after or "",
                ),
                metadata=ctx.user_metadata,
            )
        return connection([Batch.from_proto(b) for b in response.batches], response.next_page_token)


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="create a model and queue its training job")
    async def train_model(
        self, info: Info[Context, None], input: TrainModelInput
    ) -> TrainModelPayload:
        ctx = info.context
        params = training_pb2.TrainParams(
            epochs=input.epochs,
            batch_size=input.batch_size,
            time_budget_seconds=input.time_budget_seconds,
            seed=input.seed,
            options=_struct(input.options, "options"),
        )
        with rpc_errors():
            response = await ctx.clients.training.TrainModel(
                training_pb2.TrainModelRequest(
                    dataset_id=input.dataset_id,
                    engine=input.engine,
                    params=params,
                    name=input.name,
                ),
                metadata=ctx.user_metadata,
            )
        return TrainModelPayload(
            model=Model.from_proto(response.model), job=Job.from_proto(response.job)
        )

    @strawberry.mutation(description="queue a job that generates a synthetic batch")
    async def generate(self, info: Info[Context, None], input: GenerateInput) -> GeneratePayload:
        ctx = info.context
        anomalies = input.anomalies
        with rpc_errors():
            response = await ctx.clients.training.Generate(
                training_pb2.GenerateRequest(
                    model_id=input.model_id,
                    count=input.count,
                    seed=input.seed,
                    conditions=_struct(input.conditions, "conditions"),
                    anomalies=training_pb2.AnomalyOptions(
                        ratio=anomalies.ratio, mark_column=anomalies.mark_column
                    )
                    if anomalies
                    else None,
                    enforce_bounds=input.enforce_bounds,
                    format=input.format.value,
                ),
                metadata=ctx.user_metadata,
            )
        return GeneratePayload(
            batch=Batch.from_proto(response.batch), job=Job.from_proto(response.job)
        )

    @strawberry.mutation(description="stop a queued or running job")
    async def cancel_job(self, info: Info[Context, None], id: strawberry.ID) -> Job:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.CancelJob(
                training_pb2.CancelJobRequest(job_id=id), metadata=ctx.user_metadata
            )
        return Job.from_proto(response.job)

    @strawberry.mutation(description="a short-lived link that downloads the batch without login")
    async def create_batch_download_url(
        self,
        info: Info[Context, None],
        batch_id: strawberry.ID,
        format: ExportFormat = ExportFormat.CSV,
        table_name: str = "",
        table: str = "",
        csv_formula_guard: Annotated[
            bool,
            strawberry.argument(
                description="CSV: prefix ' to cells and column names a spreadsheet would run "
                "as a formula; false downloads the values as they are"
            ),
        ] = True,
    ) -> DownloadLink:
        ctx = info.context
        with rpc_errors():
            batch = (
                await ctx.clients.training.GetBatch(
                    training_pb2.GetBatchRequest(batch_id=batch_id), metadata=ctx.user_metadata
                )
            ).batch
            me = (
                await ctx.clients.auth.GetMe(auth_pb2.GetMeRequest(), metadata=ctx.user_metadata)
            ).user
        if batch.status != training_pb2.BATCH_STATUS_READY:
            raise ApiError(
                f"batch {batch_id} is not ready",
                code="FAILED_PRECONDITION",
                reason="BATCH_NOT_READY",
            )
        token, expires = sign_download(
            ctx.settings,
            batch_id=batch.id,
            user_id=me.id,
            role="admin" if me.role == auth_pb2.USER_ROLE_ADMIN else "member",
            ttl_seconds=DOWNLOAD_URL_TTL_SECONDS,
        )
        path = download_path(
            batch.id,
            format.name.lower(),
            table_name=table_name,
            table=table,
            token=token,
            csv_formula_guard=csv_formula_guard,
        )
        return DownloadLink(url=public_url(ctx.settings, path), expires_at=expires)
