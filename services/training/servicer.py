"""gRPC ⇄ domain for TrainingService: converts messages and checks who may call what.

Authorization is by project membership, asked of the datasets service: viewers read a
project's models, jobs and batches; editors and owners train, generate and cancel.
Services (the evaluation service reading a batch, for instance) may read everything.
A saved template is its owner's; shared with a project, its members may read and use it.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import KW_ONLY, dataclass, replace
from typing import Any, Protocol, TypeVar

import grpc
import pyarrow.parquet as pq
from google.protobuf import json_format

from common.contracts.relational import RelationalSchema
from common.db import Database
from common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from common.interceptors import require_principal
from common.pagination import page_of
from common.storage import Storage
from services.training import batch_storage, convert, queries, service
from services.training import models as m
from services.training.access import EDITOR, Access, calling_user, dataset_schema
from services.training.engines.base import ENGINES, UnknownEngineError, get_engine
from services.training.export_sql import SqlTable, iter_sql_tables
from services.training.exports import iter_export, json_lines
from services.training.guard_rpcs import GuardRpcs
from services.training.payloads import TemplatePayload
from services.training.settings import TrainingSettings
from services.training.templates.checker import TemplateChecker
from services.training.templates.jobs import batch_table_key, plan_request, sql_tables
from services.training.templates.rpcs import MAX_NAME_LENGTH, TemplateRpcs
from synthetica.training.v1 import training_pb2, training_pb2_grpc

MAX_PREVIEW_ROWS = 1000
# A batch's preview stops at about this much JSON: 1,000 rows of long texts were more than the
# 64 MiB one gRPC message holds.
MAX_PREVIEW_BYTES = 8 * 1024 * 1024

Item = TypeVar("Item", m.Job, m.Model, m.Batch)


class _PageRequest(Protocol):
    """What the list requests of jobs, models and batches share."""

    project_id: str
    page_size: int
    page_token: str


@dataclass(eq=False)
class TrainingServicer(GuardRpcs, TemplateRpcs, training_pb2_grpc.TrainingServiceServicer):
    db: Database
    settings: TrainingSettings
    storage: Storage
    access: Access
    # Validates and dry-runs template requests in memory-limited child processes.
    checker: TemplateChecker
    _: KW_ONLY
    # Called after a commit that wrote to the outbox, so the relay publishes at once.
    on_commit: Callable[[], None]

    async def ListEngines(
        self, request: training_pb2.ListEnginesRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ListEnginesResponse:
        require_principal()
        return training_pb2.ListEnginesResponse(
            engines=[convert.engine_to_proto(n) for n in ENGINES]
        )

    async def TrainModel(
        self, request: training_pb2.TrainModelRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.TrainModelResponse:
        principal = calling_user()
        try:
            spec = get_engine(request.engine)
        except UnknownEngineError as exc:
            raise InvalidArgument(str(exc), field="engine") from exc
        p = request.params
        params = service.build_train_params(
            spec,
            epochs=p.epochs if p.HasField("epochs") else None,
            batch_size=p.batch_size if p.HasField("batch_size") else None,
            time_budget_seconds=p.time_budget_seconds
            if p.HasField("time_budget_seconds")
            else None,
            seed=p.seed if p.HasField("seed") else None,
            options=json_format.MessageToDict(p.options) if p.HasField("options") else {},
            differential_privacy=convert.differential_privacy_from_proto(p),
            max_time_budget_seconds=self.settings.max_time_budget_seconds,
        )
        name = request.name.strip()
        if len(name) > MAX_NAME_LENGTH:
            raise InvalidArgument(f"name is longer than {MAX_NAME_LENGTH} characters", field="name")
        dataset = await self.access.dataset_for_training(principal, request.dataset_id)
        service.check_engine_learns(spec, dataset_schema(dataset))
        service.check_dp_learns(params, dataset_schema(dataset))
        approval = await self.access.approval(principal, dataset.project_id)
        model, job = await self.db.call(
            service.create_train_job,
            owner_id=principal.user_id,
            project_id=dataset.project_id,
            dataset_id=dataset.id,
            engine=spec.name,
            params=params,
            # Named after what it learned: two models of one engine read apart in lists.
            name=name or f"{spec.name} on {dataset.name}"[:MAX_NAME_LENGTH],
            max_active_jobs=self.settings.max_concurrent_jobs_per_user,
            approval=approval,
        )
        self.on_commit()
        return training_pb2.TrainModelResponse(
            model=convert.model_to_proto(model), job=convert.job_to_proto(job)
        )

    async def Generate(
        self, request: training_pb2.GenerateRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GenerateResponse:
        principal = calling_user()
        model = await self.db.call(queries.get_model, model_id=request.model_id)
        approval = await self.access.approval(principal, str(model.project_id))
        if request.format and request.format not in convert.FORMAT_NAMES:
            raise InvalidArgument(f"unknown format {request.format}", field="format")
        fmt = convert.FORMAT_NAMES.get(request.format, "parquet")
        options = service.GenerateOptions(
            count=request.count,
            seed=request.seed if request.HasField("seed") else None,
            conditions=json_format.MessageToDict(request.conditions)
            if request.HasField("conditions")
            else {},
            anomaly_ratio=request.anomalies.ratio,
            mark_column=request.anomalies.mark_column.strip(),
            # Bounds are on unless the request turns them off.
            enforce_bounds=request.enforce_bounds if request.HasField("enforce_bounds") else True,
            format=fmt,
        )
        if 0 < request.count <= self.settings.max_rows_per_batch:
            # Refused now, before a job exists, when it clearly cannot fit in the quota.
            estimate = batch_storage.estimated_bytes(
                request.count, batch_storage.model_row_bytes(model.profile)
            )
            await self.access.datasets.check_storage_quota(str(model.project_id), estimate)
        batch, job = await self.db.call(
            service.create_generate_job,
            owner_id=principal.user_id,
            model_id=request.model_id,
            options=options,
            max_active_jobs=self.settings.max_concurrent_jobs_per_user,
            max_rows=self.settings.max_rows_per_batch,
            approval=approval,
        )
        self.on_commit()
        return training_pb2.GenerateResponse(
            batch=convert.batch_to_proto(batch), job=convert.job_to_proto(job)
        )

    async def GetJob(
        self, request: training_pb2.GetJobRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GetJobResponse:
        job = await self._readable(queries.get_job, job_id=request.job_id)
        return training_pb2.GetJobResponse(job=convert.job_to_proto(job))

    async def ListJobs(
        self, request: training_pb2.ListJobsRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ListJobsResponse:
        jobs, token = await self._page(
            queries.list_jobs,
            request,
            status=convert.enum_name(convert.JOB_STATUSES, request.status, "status"),
            kind=convert.enum_name(convert.JOB_KINDS, request.kind, "kind"),
        )
        return training_pb2.ListJobsResponse(
            jobs=[convert.job_to_proto(j) for j in jobs], next_page_token=token
        )

    async def CancelJob(
        self, request: training_pb2.CancelJobRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.CancelJobResponse:
        principal = calling_user()
        job = await self.db.call(queries.get_job, job_id=request.job_id)
        if str(job.owner_id) != principal.user_id:
            await self.access.require(principal, str(job.project_id), EDITOR)
        job = await self.db.call(service.cancel_job, job_id=request.job_id)
        self.on_commit()
        return training_pb2.CancelJobResponse(job=convert.job_to_proto(job))

    async def GetModel(
        self, request: training_pb2.GetModelRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GetModelResponse:
        model = await self._readable(queries.get_model, model_id=request.model_id)
        return training_pb2.GetModelResponse(model=convert.model_to_proto(model))

    async def ListModels(
        self, request: training_pb2.ListModelsRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ListModelsResponse:
        models, token = await self._page(
            queries.list_models,
            request,
            dataset_id=request.dataset_id,
            status=convert.enum_name(convert.MODEL_STATUSES, request.status, "status"),
        )
        return training_pb2.ListModelsResponse(
            models=[convert.model_to_proto(x) for x in models], next_page_token=token
        )

    async def BatchGetModels(
        self, request: training_pb2.BatchGetModelsRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.BatchGetModelsResponse:
        """One membership check per project the models are in, not one per model."""
        models = await self.db.call(queries.get_models, model_ids=list(request.model_ids))
        principal = require_principal()
        readable = {}
        for project_id in {model.project_id for model in models}:
            try:
                await self.access.require_reader(principal, project_id)
                readable[project_id] = True
            except (NotFound, PermissionDenied):
                readable[project_id] = False
        return training_pb2.BatchGetModelsResponse(
            models=[convert.model_to_proto(x) for x in models if readable[x.project_id]]
        )

    async def GetBatch(
        self, request: training_pb2.GetBatchRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GetBatchResponse:
        batch, access = await self._readable_batch(request.batch_id)
        return training_pb2.GetBatchResponse(batch=self._batch_view(batch, access))

    async def ListBatches(
        self, request: training_pb2.ListBatchesRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ListBatchesResponse:
        batches, token = await self._page(
            queries.list_batches,
            request,
            model_id=request.model_id,
            dataset_id=request.dataset_id,
        )
        return training_pb2.ListBatchesResponse(
            batches=await self._listed_batches(require_principal(), batches),
            next_page_token=token,
        )

    async def PreviewBatch(
        self, request: training_pb2.PreviewBatchRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.PreviewBatchResponse:
        if not 0 <= request.limit <= MAX_PREVIEW_ROWS:
            raise InvalidArgument(f"limit must be between 0 and {MAX_PREVIEW_ROWS}", field="limit")
        batch = await self._ready_batch(request.batch_id)
        key = await self._batch_file(batch, request.table)
        columns, rows = await asyncio.to_thread(_preview, self.storage, key, request.limit or 20)
        return training_pb2.PreviewBatchResponse(columns=columns, rows_json=rows)

    async def DownloadBatch(
        self, request: training_pb2.DownloadBatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[training_pb2.DownloadBatchResponse]:
        if request.format and request.format not in convert.FORMAT_NAMES:
            raise InvalidArgument(f"unknown format {request.format}", field="format")
        fmt = convert.FORMAT_NAMES.get(request.format, "csv")
        batch = await self._ready_batch(request.batch_id)
        if fmt == "sql" and not request.table and len(batch.tables or []) > 1:
            tables = await self._sql_tables(batch)
            if tables is not None:
                script = iter_sql_tables(self.storage.fs, tables)
                chunk = await asyncio.to_thread(next, script, None)
                while chunk is not None:
                    yield training_pb2.DownloadBatchResponse(chunk=chunk)
                    chunk = await asyncio.to_thread(next, script, None)
                return
        key = await self._batch_file(batch, request.table)
        # SQL output names a template table after itself unless told otherwise.
        table_name = request.table_name or request.table or (batch.tables or ["synthetic"])[0]
        chunks = iter_export(
            self.storage.fs,
            # A sharded batch's one table is its parts, in order.
            [self.storage.path(k) for k in (batch.parts or [key])],
            fmt,
            table_name=table_name,
            # On unless the caller opts out (a proto3 optional: unset means on).
            csv_formula_guard=(
                request.csv_formula_guard if request.HasField("csv_formula_guard") else True
            ),
        )
        try:
            first = await asyncio.to_thread(next, chunks, None)
        except ValueError as exc:  # a table name that cannot be an SQL identifier
            raise InvalidArgument(str(exc), field="table_name") from exc
        while first is not None:
            yield training_pb2.DownloadBatchResponse(chunk=first)
            first = await asyncio.to_thread(next, chunks, None)

    async def _sql_tables(self, batch: m.Batch) -> list[SqlTable] | None:
        """A batch's tables with their keys and links, parents first, for one SQL script:
        a model's as it learned them, a template's as its schema declares them; None for a
        model batch whose model recorded no schema."""
        if batch.model_id is None:
            job = await self.db.call(queries.get_job, job_id=str(batch.job_id))
            request = TemplatePayload.model_validate(job.request or {})
            planned = await asyncio.to_thread(plan_request, request)
            tables = sql_tables(planned)
        else:
            model = await self.db.call(queries.get_model, model_id=str(batch.model_id))
            if not (model.metrics or {}).get("schema"):
                return None
            tables = _learned_sql_tables(
                RelationalSchema.model_validate(model.metrics["schema"]), batch.tables or []
            )
        return [
            replace(table, path=self.storage.path(await self._batch_file(batch, table.name)))
            for table in tables
        ]

    async def _readable(self, get: Callable[..., Item], **item_id: str) -> Item:
        """A job, model or batch by its id, when the caller may read its project."""
        item = await self.db.call(get, **item_id)
        await self.access.require_reader(require_principal(), item.project_id)
        return item

    async def _page(
        self,
        list_page: Callable[..., tuple[list[Item], str]],
        request: _PageRequest,
        **filters: Any,
    ) -> tuple[list[Item], str]:
        """A page of a project's items for its members; without a project, the caller's own."""
        scope = await self.access.list_scope(require_principal(), request.project_id)
        return await self.db.call(list_page, **scope, **filters, **page_of(request))

    async def _ready_batch(self, batch_id: str) -> m.Batch:
        """A batch whose rows the caller may read: ready, and not held by the privacy gate."""
        batch, access = await self._readable_batch(batch_id)
        if batch.status == m.EXPIRED:
            raise FailedPrecondition(
                f"batch {batch_id} expired: its files were deleted after the retention period; "
                "generate it again",
                reason="BATCH_EXPIRED",
            )
        if batch.status != m.READY or not batch.data_key:
            raise FailedPrecondition(
                f"batch {batch_id} is {batch.status}: only a ready batch has rows",
                reason="BATCH_NOT_READY",
            )
        self._check_gate(batch, access)
        return batch

    async def _batch_file(self, batch: m.Batch, table: str) -> str:
        """The storage key of one of a ready batch's tables, which must still be there."""
        key = _table_key(batch, table)
        if not await asyncio.to_thread(self.storage.exists, key):
            raise FailedPrecondition(
                f"the files of batch {batch.id} are missing from storage; generate it again",
                reason="BATCH_FILES_MISSING",
            )
        return key


def _table_key(batch: m.Batch, table: str) -> str:
    return batch_table_key(str(batch.id), batch.data_key or "", list(batch.tables or []), table)


def _preview(storage: Storage, key: str, limit: int) -> tuple[list[str], list[str]]:
    """The batch's first ``limit`` rows as JSON lines, stopping at about MAX_PREVIEW_BYTES
    (the first row always in)."""
    with storage.open(key, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        batch = next(parquet.iter_batches(batch_size=limit), None)
        schema = parquet.schema_arrow
    lines = json_lines(schema, batch) if batch is not None else []
    ends = list(itertools.accumulate(len(line) for line in lines))
    return schema.names, lines[: max(1, bisect.bisect_right(ends, MAX_PREVIEW_BYTES))]


def _learned_sql_tables(schema: RelationalSchema, names: list[str]) -> list[SqlTable]:
    """A model batch's tables (paths left empty) with the keys and links its model learned."""
    tables = []
    for name in names:
        spec, link = schema.table(name), schema.parent_key(name)
        references = (link.child_column, link.parent_table, link.parent_column) if link else None
        tables.append(
            SqlTable(
                name=name,
                path="",
                primary_key=spec.primary_key,
                references=(references,) if references else (),
            )
        )
    return tables
