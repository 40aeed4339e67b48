"""gRPC ⇄ domain for DatasetsService: converts messages and checks who may call what."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

import grpc

from common.context import Principal
from common.db import Database
from common.errors import InvalidArgument
from common.pagination import page_of
from common.storage import Storage
from services.datasets import (
    convert,
    files,
    models,
    project_settings,
    reads,
    service,
    table_service,
)
from services.datasets.client import too_large
from services.datasets.connection_rpcs import ConnectionRpcs, ConnectorTools
from services.datasets.ingest import (
    IngestError,
    IngestOptions,
    preview_rows,
    validate_filename,
)
from services.datasets.ingest.preview import MAX_PREVIEW_ROWS
from services.datasets.ingest.runner import IngestRunner
from services.datasets.ingest_quota import counted
from services.datasets.member_rpcs import MemberRpcs, calling_user
from services.datasets.quota_rpcs import QuotaRpcs
from services.datasets.relater import Relater
from services.datasets.rule_rpcs import RuleRpcs
from services.datasets.settings import DatasetsSettings
from services.datasets.storage_quota import UploadMeter
from services.datasets.table_checks import keep_linked_key, validated_metadata
from services.datasets.table_rpcs import TableRpcs
from services.datasets.tables import default_table_name, validate_table_name
from services.datasets.upload_store import store_upload
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc


@dataclass(eq=False)
class DatasetsServicer(
    MemberRpcs,
    RuleRpcs,
    TableRpcs,
    ConnectionRpcs,
    QuotaRpcs,
    datasets_pb2_grpc.DatasetsServiceServicer,
):
    db: Database
    storage: Storage
    settings: DatasetsSettings
    runner: IngestRunner
    # email -> the auth service's user (or None): addProjectMember invites by email.
    lookup_user: Callable[[str], Any]
    _: KW_ONLY
    on_commit: Callable[[], None]
    relater: Relater
    connectors: ConnectorTools

    # --- projects -----------------------------------------------------------------------

    async def CreateProject(
        self, request: datasets_pb2.CreateProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CreateProjectResponse:
        user = calling_user()
        project, role = await self.db.call(
            service.create_project,
            user_id=user.user_id,
            email=user.email,
            name=request.name,
            description=request.description,
        )
        return datasets_pb2.CreateProjectResponse(project=convert.project_to_proto(project, role))

    async def GetProject(
        self, request: datasets_pb2.GetProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetProjectResponse:
        project, role = await self.db.call(
            service.get_project, user_id=calling_user().user_id, project_id=request.project_id
        )
        return datasets_pb2.GetProjectResponse(project=convert.project_to_proto(project, role))

    async def ListProjects(
        self, request: datasets_pb2.ListProjectsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListProjectsResponse:
        rows, next_token = await self.db.call(
            service.list_projects, user_id=calling_user().user_id, **page_of(request)
        )
        return datasets_pb2.ListProjectsResponse(
            projects=[convert.project_to_proto(p, r) for p, r in rows], next_page_token=next_token
        )

    async def BatchGetProjects(
        self, request: datasets_pb2.BatchGetProjectsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.BatchGetProjectsResponse:
        rows = await self.db.call(
            service.batch_get_projects,
            user_id=calling_user().user_id,
            project_ids=list(request.project_ids),
        )
        return datasets_pb2.BatchGetProjectsResponse(
            projects=[convert.project_to_proto(p, r) for p, r in rows]
        )

    async def UpdateProject(
        self, request: datasets_pb2.UpdateProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.UpdateProjectResponse:
        principal = calling_user()
        project, role = await self.db.call(
            project_settings.update_project,
            user_id=principal.user_id,
            project_id=request.project_id,
            name=request.name if request.HasField("name") else None,
            description=request.description if request.HasField("description") else None,
            settings=project_settings.ProjectSettingsUpdate(
                privacy_gate=convert.privacy_gate_from_proto(request.privacy_gate)
                if request.HasField("privacy_gate")
                else None,
                approval_required=request.approval_required
                if request.HasField("approval_required")
                else None,
            ),
            is_admin=principal.is_admin,
        )
        return datasets_pb2.UpdateProjectResponse(project=convert.project_to_proto(project, role))

    async def DeleteProject(
        self, request: datasets_pb2.DeleteProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.DeleteProjectResponse:
        dataset_ids = await self.db.call(
            service.delete_project, user_id=calling_user().user_id, project_id=request.project_id
        )
        self.on_commit()
        await self._remove_files(dataset_ids)
        return datasets_pb2.DeleteProjectResponse()

    async def _remove_files(self, dataset_ids: list[str]) -> None:
        for dataset_id in dataset_ids:
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)

    # --- upload -------------------------------------------------------------------------

    async def UploadDataset(
        self,
        request_iterator: AsyncIterator[datasets_pb2.UploadDatasetRequest],
        context: grpc.aio.ServicerContext,
    ) -> datasets_pb2.UploadDatasetResponse:
        user = calling_user()
        requests = request_iterator.__aiter__()
        first = await anext(requests, None)
        if first is None or not first.HasField("header"):
            raise InvalidArgument("the first message must be the upload header", field="header")
        header = first.header
        if header.dataset_id:
            return await self._add_table(user, header, requests, context)
        options = await self._check_header(user, header)
        if header.table_name:
            validate_table_name(header.table_name, "table_name")
        dataset_id = str(uuid.uuid4())
        meter = await self._meter(header.project_id)
        try:
            size = await store_upload(
                self.storage, self.settings, dataset_id, requests, context, meter.charge
            )
            dataset = await self.db.call(
                counted(service.create_dataset),
                max_ingesting=self.settings.max_ingesting_per_user,
                user_id=user.user_id,
                project_id=header.project_id,
                dataset_id=dataset_id,
                name=header.name or header.file_name,
                file_name=header.file_name,
                options=options,
                size_bytes=size,
                table_name=header.table_name,
            )
        except BaseException:
            # The project went away (or the caller's role) while the bytes streamed, or the
            # upload went past the quota (store_upload removed its partial file then).
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)
            raise
        finally:
            # The dataset's row holds the size now (or there is none): the bytes count once.
            await meter.release()
        dataset = await self._ingest_new(dataset, options, header.wait_seconds)
        return datasets_pb2.UploadDatasetResponse(dataset=convert.dataset_to_proto(dataset))

    async def _meter(self, project_id: str) -> UploadMeter:
        return await UploadMeter.for_project(self.db, self.settings.storage_quota_bytes, project_id)

    async def _ingest_new(
        self, dataset: models.Dataset, options: IngestOptions, wait_seconds: int
    ) -> models.Dataset:
        """Starts ingesting a new dataset's stored upload and waits up to ``wait_seconds``
        for it; a failure is the caller's INVALID_ARGUMENT."""
        dataset_id = str(dataset.id)
        self.runner.start(dataset_id, options)
        if wait_seconds > 0:
            timeout = min(wait_seconds, self.settings.max_upload_wait_seconds)
            dataset = await self.runner.wait(dataset_id, timeout) or dataset
        if dataset.status == models.FAILED:
            metadata = {"dataset_id": dataset_id}
            raise InvalidArgument(
                dataset.error, field="file", reason=dataset.error_code, metadata=metadata
            )
        return dataset

    async def _add_table(
        self,
        user: Principal,
        header: datasets_pb2.UploadHeader,
        requests: AsyncIterator[datasets_pb2.UploadDatasetRequest],
        context: grpc.aio.ServicerContext,
    ) -> datasets_pb2.UploadDatasetResponse:
        """A file that becomes a new table of an existing dataset: refused before a byte is
        stored when the dataset is not the caller's to change, full, or has the name."""
        dataset = await self.db.call(
            service.get_dataset,
            user_id=user.user_id,
            dataset_id=header.dataset_id,
            required=models.EDITOR,
        )
        name = validate_table_name(
            header.table_name or default_table_name(header.file_name, ""), "table_name"
        )
        options = self._check_file(header)
        await self.db.call(
            counted(table_service.check_new_table),
            max_ingesting=self.settings.max_ingesting_per_user,
            user_id=user.user_id,
            dataset_id=header.dataset_id,
            name=name,
        )
        dataset_id, table_id = str(dataset.id), str(uuid.uuid4())
        unit = files.table_unit(dataset_id, table_id)
        meter = await self._meter(str(dataset.project_id))
        try:
            size = await store_upload(
                self.storage, self.settings, unit, requests, context, meter.charge
            )
            _, replaced = await self.db.call(
                counted(table_service.create_table),
                max_ingesting=self.settings.max_ingesting_per_user,
                user_id=user.user_id,
                dataset_id=dataset_id,
                table_id=table_id,
                name=name,
                file_name=header.file_name,
                options=options,
                size_bytes=size,
            )
        except BaseException:
            await asyncio.to_thread(files.remove_all, self.storage, unit)
            raise
        finally:
            await meter.release()
        if replaced is not None:
            await self._remove_files([files.table_unit(dataset_id, replaced)])
        self.runner.start(dataset_id, options, table_id=table_id)
        ingested = None
        if header.wait_seconds > 0:
            timeout = min(header.wait_seconds, self.settings.max_upload_wait_seconds)
            ingested = await self.runner.wait(dataset_id, timeout, table_id=table_id)
        dataset = ingested or await self.db.call(
            service.get_dataset, user_id=user.user_id, dataset_id=dataset_id
        )
        added = next((t for t in dataset.added_tables if str(t.id) == table_id), None)
        if added is not None and added.status == models.FAILED:
            metadata = {"dataset_id": dataset_id, "table": name}
            raise InvalidArgument(
                added.error, field="file", reason=added.error_code, metadata=metadata
            )
        return datasets_pb2.UploadDatasetResponse(dataset=convert.dataset_to_proto(dataset))

    async def _check_header(
        self, user: Principal, header: datasets_pb2.UploadHeader
    ) -> IngestOptions:
        """Everything that can be refused before a byte is stored."""
        await self.db.call(
            counted(service.require_role),
            max_ingesting=self.settings.max_ingesting_per_user,
            project_id=header.project_id,
            user_id=user.user_id,
            required=models.EDITOR,
        )
        if not (header.name or header.file_name).strip():
            raise InvalidArgument("a dataset needs a name (or a file name)", field="name")
        service.validate_name(header.name or header.file_name)
        return self._check_file(header)

    def _check_file(self, header: datasets_pb2.UploadHeader) -> IngestOptions:
        """The file's name, declared size and options, checked."""
        if header.file_name:
            try:
                validate_filename(header.file_name)
            except IngestError as exc:
                raise InvalidArgument(
                    exc.message, field="file_name", reason=exc.code.upper()
                ) from exc
        if header.size_bytes > self.settings.max_upload_bytes:
            raise too_large(self.settings.max_upload_bytes)
        return convert.options_from_proto(header.options, self.settings.default_holdout_fraction)

    # --- datasets -----------------------------------------------------------------------

    async def GetDataset(
        self, request: datasets_pb2.GetDatasetRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetDatasetResponse:
        # One statement (the dataset, its tables and the caller's role): no transaction needed.
        params = reads.show_params(user_id=calling_user().user_id, dataset_id=request.dataset_id)
        dataset = reads.shown_dataset(await self.db.call_rows(reads.SHOW_DATASET, params))
        return datasets_pb2.GetDatasetResponse(dataset=convert.dataset_to_proto(dataset))

    async def ListDatasets(
        self, request: datasets_pb2.ListDatasetsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListDatasetsResponse:
        datasets, next_token = await self.db.call(
            service.list_datasets,
            user_id=calling_user().user_id,
            project_id=request.project_id,
            **page_of(request),
        )
        return datasets_pb2.ListDatasetsResponse(
            datasets=[convert.dataset_to_proto(d) for d in datasets], next_page_token=next_token
        )

    async def BatchGetDatasets(
        self, request: datasets_pb2.BatchGetDatasetsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.BatchGetDatasetsResponse:
        datasets = await self.db.call(
            service.batch_get_datasets,
            user_id=calling_user().user_id,
            dataset_ids=list(request.dataset_ids),
        )
        return datasets_pb2.BatchGetDatasetsResponse(
            datasets=[convert.dataset_to_proto(d) for d in datasets]
        )

    async def GetDatasetStats(
        self, request: datasets_pb2.GetDatasetStatsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetDatasetStatsResponse:
        table, _ = await self._ready_table(request.dataset_id, request.table)
        return datasets_pb2.GetDatasetStatsResponse(stats_json=json.dumps(table.stats))

    async def PreviewRows(
        self, request: datasets_pb2.PreviewRowsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.PreviewRowsResponse:
        if not 0 <= request.limit <= MAX_PREVIEW_ROWS:
            raise InvalidArgument(f"limit must be 0 to {MAX_PREVIEW_ROWS}", field="limit")
        if request.offset < 0:
            raise InvalidArgument("offset must not be negative", field="offset")
        table, unit = await self._ready_table(request.dataset_id, request.table)
        rows = await asyncio.to_thread(
            preview_rows,
            self.storage.fs,
            self.storage.path(files.split_key(unit, "all")),
            request.limit or 10,
            request.offset,
            {c["name"]: c["datetime_format"] for c in table.columns if c.get("datetime_format")},
        )
        names = [c["name"] for c in table.columns]
        return datasets_pb2.PreviewRowsResponse(
            columns=names,
            rows_json=[json.dumps([row[n] for n in names], default=str) for row in rows],
        )

    async def _ready_table(
        self, dataset_id: str, name: str
    ) -> tuple[models.Dataset | models.DatasetTable, str]:
        dataset = await self.db.call(
            service.get_dataset, user_id=calling_user().user_id, dataset_id=dataset_id
        )
        return service.resolve_table(dataset, name)

    async def UpdateDatasetMetadata(
        self, request: datasets_pb2.UpdateDatasetMetadataRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.UpdateDatasetMetadataResponse:
        user = calling_user()
        dataset = await self.db.call(
            service.get_dataset,
            user_id=user.user_id,
            dataset_id=request.dataset_id,
            required=models.EDITOR,
        )
        table, unit = service.resolve_table(dataset, request.table)
        update = convert.metadata_update_from_proto(request)
        merged = await asyncio.to_thread(
            validated_metadata,
            self.storage,
            self.settings.metadata_sample_rows,
            table,
            unit,
            update,
        )
        keep_linked_key(dataset, request.table, table, merged.primary_key)
        saved = await self.db.call(
            service.save_metadata,
            user_id=user.user_id,
            dataset_id=request.dataset_id,
            metadata=merged.model_dump(mode="json"),
            table=request.table,
        )
        return datasets_pb2.UpdateDatasetMetadataResponse(dataset=convert.dataset_to_proto(saved))

    async def DeleteDataset(
        self, request: datasets_pb2.DeleteDatasetRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.DeleteDatasetResponse:
        dataset = await self.db.call(
            service.delete_dataset, user_id=calling_user().user_id, dataset_id=request.dataset_id
        )
        self.on_commit()
        await self._remove_files([str(dataset.id)])
        return datasets_pb2.DeleteDatasetResponse()

    async def ReadDataset(
        self, request: datasets_pb2.ReadDatasetRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[datasets_pb2.ReadDatasetResponse]:
        split = convert.SPLITS.get(request.split)
        if split is None:
            raise InvalidArgument("split must be TRAIN, HOLDOUT or ALL", field="split")
        _, unit = await self._ready_table(request.dataset_id, request.table)
        chunks = files.ipc_chunks(self.storage, unit, split)
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            yield datasets_pb2.ReadDatasetResponse(arrow_ipc_chunk=chunk)
