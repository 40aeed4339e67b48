"""Training: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from google.protobuf import json_format
from strawberry.scalars import JSON
from strawberry.types import Info

from common.protos import whole_numbers
from gateway.context import Context
from gateway.schema.common import call, from_message, from_proto_enum
from gateway.schema.datasets.types import Dataset, Project, load_dataset, load_project
from gateway.schema.evaluation import types as evaluation
from gateway.schema.training.dp import (
    DifferentialPrivacy,
    DifferentialPrivacyInput,
    PrivacySpent,
)
from gateway.schema.training.guarantees import BatchGate, JobReview
from synthetica.training.v1 import training_pb2


@strawberry.enum
class JobStatus(Enum):
    QUEUED = training_pb2.JOB_STATUS_QUEUED
    RUNNING = training_pb2.JOB_STATUS_RUNNING
    SUCCEEDED = training_pb2.JOB_STATUS_SUCCEEDED
    FAILED = training_pb2.JOB_STATUS_FAILED
    CANCELLED = training_pb2.JOB_STATUS_CANCELLED
    PENDING_APPROVAL = strawberry.enum_value(
        training_pb2.JOB_STATUS_PENDING_APPROVAL,
        description="waits for a project owner's approval (approveJob, rejectJob)",
    )


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


@strawberry.enum(description="What kind of dataset an engine learns")
class EngineCapability(Enum):
    SINGLE_TABLE = training_pb2.ENGINE_CAPABILITY_SINGLE_TABLE
    RELATIONAL = strawberry.enum_value(
        training_pb2.ENGINE_CAPABILITY_RELATIONAL,
        description="several tables linked by foreign keys; children follow generated parents",
    )
    SEQUENTIAL = strawberry.enum_value(
        training_pb2.ENGINE_CAPABILITY_SEQUENTIAL,
        description="tables whose rows form ordered sequences per entity",
    )
    DIFFERENTIAL_PRIVACY = strawberry.enum_value(
        training_pb2.ENGINE_CAPABILITY_DIFFERENTIAL_PRIVACY,
        description="trains with DP-SGD within an (epsilon, delta) budget",
    )


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
    capabilities: list[EngineCapability] = strawberry.field(
        description="the kinds of dataset it learns: SINGLE_TABLE, RELATIONAL (linked tables), "
        "SEQUENTIAL (sequences per entity)"
    )
    max_tables: int | None = strawberry.field(
        description="the most tables of one dataset it learns (null: no limit of its own)"
    )
    max_depth: int | None = strawberry.field(
        description="the most tables in one parent → child chain it learns (2: parent and "
        "child; null: no limit of its own)"
    )

    @classmethod
    def from_proto(cls, engine: training_pb2.Engine) -> Engine:
        return from_message(
            cls,
            engine,
            capabilities=[
                member
                for member in (from_proto_enum(EngineCapability, c) for c in engine.capabilities)
                if member is not None
            ],
            parameters=[
                from_message(EngineParameter, p, default=json_format.MessageToDict(p.default))
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
    review: JobReview | None = strawberry.field(
        description="the owner's approval or rejection, for a job that waited for one"
    )
    name: str | None = strawberry.field(
        default=None,
        description="a template job's template: the built-in's name, the saved template's "
        'name as it was when the job started, or "custom schema"; null for other jobs '
        "(their model has the name)",
    )

    @strawberry.field(description="the project the job belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @strawberry.field(
        description="the model it trains or generates from (its name and engine); null for a "
        "template job. A list of jobs loads every model in one call."
    )
    async def model(self, info: Info[Context, None]) -> Model | None:
        return await load_model(info, self.model_id)

    @strawberry.field(description="the dataset its model learns; null for a template job")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        if not self.model_id:
            return None
        found = await info.context.loaders.model.load(self.model_id)
        return await load_dataset(info, found.dataset_id) if found is not None else None

    @classmethod
    def from_proto(cls, job: training_pb2.Job) -> Job:
        return from_message(
            cls,
            job,
            kind=from_proto_enum(JobKind, job.kind),
            status=from_proto_enum(JobStatus, job.status),
            model_id=job.model_id or None,
            batch_id=job.batch_id or None,
            progress=from_message(JobProgress, job.progress),
            review=from_message(JobReview, job.review) if job.HasField("review") else None,
            name=job.name or None,
        )


async def load_model(info: Info[Context, None], model_id: str | None) -> Model | None:
    """Through the request's DataLoader: one batched call for all models of a response."""
    if not model_id:
        return None
    found = await info.context.loaders.model.load(model_id)
    return Model.from_proto(found) if found is not None else None


@strawberry.type
class TrainParams:
    epochs: int | None
    batch_size: int | None
    time_budget_seconds: int | None
    seed: int | None
    options: JSON
    differential_privacy: DifferentialPrivacy | None = None


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
    privacy_spent: PrivacySpent | None = strawberry.field(
        default=None,
        description="epsilon and delta spent, once a model trained with differential "
        "privacy is ready",
    )

    @strawberry.field(description="the project the model belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @strawberry.field(description="the dataset the model was trained on")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await load_dataset(info, self.dataset_id)

    @classmethod
    def from_proto(cls, model: training_pb2.Model) -> Model:
        p = model.params
        return from_message(
            cls,
            model,
            params=from_message(
                TrainParams,
                p,
                options=json_format.MessageToDict(p.options),
                differential_privacy=DifferentialPrivacy.from_proto(p),
            ),
            status=from_proto_enum(ModelStatus, model.status),
            metrics=json_format.MessageToDict(model.metrics),
            privacy_spent=PrivacySpent.from_proto(model),
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
    gate: BatchGate | None = strawberry.field(
        description="the project's privacy gate as it applies to this batch now"
    )
    conditions: JSON | None = strawberry.field(
        description="the conditions it was generated with, as validated (column -> value, list "
        "of values or range); null without any",
        default=None,
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
        if n == 0:  # the service reads a limit of 0 as its default
            return []
        ctx = info.context
        response = await call(
            info,
            ctx.clients.training.PreviewBatch,
            training_pb2.PreviewBatchRequest(batch_id=self.id, limit=n, table=table),
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
        return from_message(
            cls,
            batch,
            model_id=batch.model_id or None,
            dataset_id=batch.dataset_id or None,
            status=from_proto_enum(BatchStatus, batch.status),
            format=from_proto_enum(ExportFormat, batch.format),
            template_id=batch.template_id or None,
            gate=BatchGate.from_proto(batch.gate) if batch.HasField("gate") else None,
            conditions=whole_numbers(json_format.MessageToDict(batch.conditions))
            if batch.HasField("conditions")
            else None,
        )


@strawberry.type
class TrainModelPayload:
    model: Model
    job: Job

    @classmethod
    def from_proto(cls, response: training_pb2.TrainModelResponse) -> TrainModelPayload:
        return cls(model=Model.from_proto(response.model), job=Job.from_proto(response.job))


@strawberry.type
class GeneratePayload:
    batch: Batch
    job: Job

    @classmethod
    def from_proto(
        cls,
        response: training_pb2.GenerateResponse | training_pb2.GenerateFromTemplateResponse,
    ) -> GeneratePayload:
        return cls(batch=Batch.from_proto(response.batch), job=Job.from_proto(response.job))


@strawberry.type
class DownloadLink:
    url: str = strawberry.field(description="GET it without credentials until expiresAt")
    expires_at: datetime


@strawberry.input
class TrainModelInput:
    dataset_id: strawberry.ID
    engine: str
    name: str = strawberry.field(
        default="", description='default: the engine and the dataset ("tabular_argn on adult")'
    )
    epochs: int | None = None
    batch_size: int | None = None
    time_budget_seconds: int | None = None
    seed: int | None = None
    options: JSON | None = strawberry.field(
        default=None, description="engine-specific options, see engines { parameters }"
    )
    differential_privacy: DifferentialPrivacyInput | None = None


@strawberry.input
class AnomaliesInput:
    ratio: float = strawberry.field(description="share of rows to perturb, 0 to 1")
    mark_column: str = strawberry.field(
        default="", description="when set, a boolean column of this name marks perturbed rows"
    )


@strawberry.input
class GenerateInput:
    model_id: strawberry.ID
    count: int = strawberry.field(
        description="rows to generate; a model of several linked tables: rows of the root "
        "table, each with the children the model gives it; a sequential model: entities "
        "(whole sequences)"
    )
    seed: int | None = None
    conditions: JSON | None = strawberry.field(
        default=None,
        description='column -> fixed value, e.g. {"sex": "Female"}, range of a numeric or '
        'datetime column, e.g. {"age": {"gte": 30, "lt": 40}} (gt, gte, lt, lte), or list of '
        'allowed values, e.g. {"race": ["White", "Black"]}; at most 50 columns and 1,000 '
        "values a list; a model of several tables: fixed values of the root table's columns "
        "(children follow their generated parents)",
    )
    anomalies: AnomaliesInput | None = None
    enforce_bounds: bool = strawberry.field(
        default=True,
        description="keep numbers and dates within the real column's min/max (on by default; "
        "false lets an engine extrapolate)",
    )
    format: ExportFormat = ExportFormat.PARQUET
