"""gRPC ⇄ domain for DatasetsService: converts messages and checks who may call what."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from pydantic import ValidationError

from common.context import Principal
from common.db import Database
from common.errors import FieldViolation, InvalidArgument, PermissionDenied
from common.interceptors import require_principal
from common.protos import timestamp
from common.storage import Storage
from services.datasets import files, models, service
from services.datasets.ingest import (
    DatasetMetadata,
    IngestError,
    IngestOptions,
    MetadataError,
    MetadataUpdate,
    preview_rows,
    validate_filename,
    validate_metadata_update,
)
from services.datasets.ingest.preview import MAX_PREVIEW_ROWS
from services.datasets.ingest.runner import IngestRunner
from services.datasets.ingest.stream import text_encoding
from services.datasets.settings import DatasetsSettings
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc

ROLES = {
    models.VIEWER: datasets_pb2.PROJECT_ROLE_VIEWER,
    models.EDITOR: datasets_pb2.PROJECT_ROLE_EDITOR,
    models.OWNER: datasets_pb2.PROJECT_ROLE_OWNER,
}
ROLE_NAMES = {value: name for name, value in ROLES.items()}
STATUSES = {
    models.INGESTING: datasets_pb2.DATASET_STATUS_INGESTING,
    models.READY: datasets_pb2.DATASET_STATUS_READY,
    models.FAILED: datasets_pb2.DATASET_STATUS_FAILED,
}
SPLITS = {
    datasets_pb2.DATASET_SPLIT_TRAIN: "train",
    datasets_pb2.DATASET_SPLIT_HOLDOUT: "holdout",
    datasets_pb2.DATASET_SPLIT_ALL: "all",
}
# Bytes written to storage at once while an upload streams in.
WRITE_BYTES = 4 * 1024 * 1024


def project_to_proto(project: models.Project, role: str) -> datasets_pb2.Project:
    return datasets_pb2.Project(
        id=str(project.id),
        name=project.name,
        description=project.description,
        owner_id=str(project.owner_id),
        my_role=ROLES[role],
        created_at=timestamp(project.created_at),
        updated_at=timestamp(project.updated_at),
    )


def member_to_proto(member: service.Invited) -> datasets_pb2.ProjectMember:
    return datasets_pb2.ProjectMember(
        project_id=str(member.project_id),
        user_id=member.user_id,
        email=member.email,
        role=ROLES[member.role],
        added_at=timestamp(member.added_at),
        pending=member.pending,
    )


def dataset_to_proto(dataset: models.Dataset) -> datasets_pb2.Dataset:
    metadata = dataset.table_metadata or {}
    described = metadata.get("columns", {})
    columns = [
        datasets_pb2.ColumnMetadata(
            name=c["name"],
            data_type=c["type"],
            sdtype=described.get(c["name"], {}).get("sdtype", ""),
            pii=described.get(c["name"], {}).get("pii", False),
            datetime_format=described.get(c["name"], {}).get("datetime_format") or "",
        )
        for c in dataset.columns
    ]
    detected = dataset.detected or {}
    return datasets_pb2.Dataset(
        id=str(dataset.id),
        project_id=str(dataset.project_id),
        name=dataset.name,
        status=STATUSES[dataset.status],
        error=dataset.error,
        error_code=dataset.error_code,
        row_count=dataset.row_count,
        train_row_count=dataset.train_row_count,
        holdout_row_count=dataset.holdout_row_count,
        size_bytes=dataset.size_bytes,
        metadata=datasets_pb2.DatasetMetadata(
            columns=columns,
            primary_key=metadata.get("primary_key") or "",
            target_column=metadata.get("target_column") or "",
        ),
        detected=datasets_pb2.IngestOptions(
            format=detected.get("format") or "",
            delimiter=detected.get("delimiter"),
            has_header=detected.get("has_header"),
            encoding=detected.get("encoding"),
        ),
        created_by=str(dataset.created_by),
        created_at=timestamp(dataset.created_at),
        updated_at=timestamp(dataset.updated_at),
        warnings=dataset.warnings,
        file_name=dataset.file_name,
    )


def ingest_error(exc: IngestError) -> InvalidArgument:
    metadata = {"line": str(exc.line)} if exc.line is not None else {}
    return InvalidArgument(exc.message, field="file", reason=exc.code.upper(), metadata=metadata)


def options_from_proto(
    options: datasets_pb2.IngestOptions, default_holdout: float
) -> IngestOptions:
    """The user's options, validated; errors name the option."""
    given: dict[str, Any] = {"format": options.format or "auto"}
    for name in ("delimiter", "has_header", "encoding", "holdout_fraction", "seed"):
        if options.HasField(name):
            given[name] = getattr(options, name)
    given.setdefault("holdout_fraction", default_holdout)
    if options.column_names:
        given["column_names"] = list(options.column_names)
    if options.missing_values:
        given["missing_values"] = list(options.missing_values)
    try:
        checked = IngestOptions(**given)
    except ValidationError as exc:
        violations = [
            FieldViolation("options." + ".".join(map(str, e["loc"])), e["msg"])
            for e in exc.errors()
        ]
        raise InvalidArgument(
            f"invalid option {violations[0].field}: {violations[0].description}",
            violations=violations,
        ) from exc
    if checked.encoding is not None:
        # Refused before the upload is stored: an unknown name, or a codec that is no
        # character encoding (hex, base64, rot13, ...).
        try:
            text_encoding(checked.encoding)
        except IngestError as exc:
            raise InvalidArgument(
                f"invalid option options.encoding: {exc.message}",
                field="options.encoding",
                reason="INVALID_ENCODING",
            ) from exc
    return checked


def metadata_update_from_proto(
    request: datasets_pb2.UpdateDatasetMetadataRequest,
) -> MetadataUpdate:
    columns = request.metadata.columns
    return MetadataUpdate(
        columns={
            c.name: {
                "sdtype": c.sdtype,
                "datetime_format": c.datetime_format or None,
                "pii": True if c.pii else None,
            }
            for c in columns
        },
        primary_key="" if request.clear_primary_key else (request.metadata.primary_key or None),
        target_column=""
        if request.clear_target_column
        else (request.metadata.target_column or None),
    )


def _user() -> Principal:
    """A user, or a service acting on behalf of one: project data always belongs to someone."""
    principal = require_principal()
    if not principal.user_id:
        raise PermissionDenied("this call must be made for a user", reason="USER_REQUIRED")
    return principal


class DatasetsServicer(datasets_pb2_grpc.DatasetsServiceServicer):
    def __init__(
        self,
        db: Database,
        storage: Storage,
        settings: DatasetsSettings,
        runner: IngestRunner,
        lookup_user: Callable[[str], Any],
        *,
        on_commit: Callable[[], None],
    ) -> None:
        self.db = db
        self.storage = storage
        self.settings = settings
        self.runner = runner
        # email -> the auth service's user (or None): addProjectMember invites by email.
        self.lookup_user = lookup_user
        self.on_commit = on_commit

    # --- projects -----------------------------------------------------------------------

    async def CreateProject(
        self, request: datasets_pb2.CreateProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CreateProjectResponse:
        user = _user()
        project, role = await self.db.call(
            service.create_project,
            user_id=user.user_id,
            email=user.email,
            name=request.name,
            description=request.description,
        )
        return datasets_pb2.CreateProjectResponse(project=project_to_proto(project, role))

    async def GetProject(
        self, request: datasets_pb2.GetProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetProjectResponse:
        project, role = await self.db.call(
            service.get_project, user_id=_user().user_id, project_id=request.project_id
        )
        return datasets_pb2.GetProjectResponse(project=project_to_proto(project, role))

    async def ListProjects(
        self, request: datasets_pb2.ListProjectsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListProjectsResponse:
        rows, next_token = await self.db.call(
            service.list_projects,
            user_id=_user().user_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return datasets_pb2.ListProjectsResponse(
            projects=[project_to_proto(p, r) for p, r in rows], next_page_token=next_token
        )

    async def BatchGetProjects(
        self, request: datasets_pb2.BatchGetProjectsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.BatchGetProjectsResponse:
        rows = await self.db.call(
            service.batch_get_projects,
            user_id=_user().user_id,
            project_ids=list(request.project_ids),
        )
        return datasets_pb2.BatchGetProjectsResponse(
            projects=[project_to_proto(p, r) for p, r in rows]
        )

    async def UpdateProject(
        self, request: datasets_pb2.UpdateProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.UpdateProjectResponse:
        project, role = await self.db.call(
            service.update_project,
            user_id=_user().user_id,
            project_id=request.project_id,
            name=request.name if request.HasField("name") else None,
            description=request.description if request.HasField("description") else None,
        )
        return datasets_pb2.UpdateProjectResponse(project=project_to_proto(project, role))

    async def DeleteProject(
        self, request: datasets_pb2.DeleteProjectRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.DeleteProjectResponse:
        dataset_ids = await self.db.call(
            service.delete_project, user_id=_user().user_id, project_id=request.project_id
        )
        self.on_commit()
        await self._remove_files(dataset_ids)
        return datasets_pb2.DeleteProjectResponse()

    async def _remove_files(self, dataset_ids: list[str]) -> None:
        for dataset_id in dataset_ids:
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)

    # --- members ------------------------------------------------------------------------

    async def AddProjectMember(
        self, request: datasets_pb2.AddProjectMemberRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.AddProjectMemberResponse:
        """Answers alike whether or not the email has an account (see service.add_member);
        rate limited per inviting user."""
        user = _user()
        role = ROLE_NAMES.get(request.role, "")
        email = request.email.strip().lower()
        if not email or len(email) > 320 or "@" not in email:
            raise InvalidArgument("email must be an email address", field="email")
        await self.db.call(service.record_invitation, settings=self.settings, user_id=user.user_id)
        # Checked before the lookup, so a stranger learns nothing about who has an account.
        await self.db.call(
            service.require_role,
            project_id=request.project_id,
            user_id=user.user_id,
            required=models.OWNER,
        )
        invited = await self.lookup_user(email)
        member = await self.db.call(
            service.add_member,
            settings=self.settings,
            user_id=user.user_id,
            project_id=request.project_id,
            email=email,
            member_user_id=invited.id if invited is not None else None,
            role=role,
        )
        if invited is None:
            # The email may have registered between the look-up and the invitation's commit,
            # its user.registered event handled before the invitation existed: look again.
            registered = await self.lookup_user(email)
            if registered is not None:
                await self.db.call(service.accept_invitations, email=email, user_id=registered.id)
        return datasets_pb2.AddProjectMemberResponse(member=member_to_proto(member))

    async def RemoveProjectMember(
        self, request: datasets_pb2.RemoveProjectMemberRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.RemoveProjectMemberResponse:
        if not request.user_id and request.email:
            await self.db.call(
                service.cancel_invitation,
                user_id=_user().user_id,
                project_id=request.project_id,
                email=request.email,
            )
            return datasets_pb2.RemoveProjectMemberResponse()
        await self.db.call(
            service.remove_member,
            user_id=_user().user_id,
            project_id=request.project_id,
            member_user_id=request.user_id,
        )
        return datasets_pb2.RemoveProjectMemberResponse()

    async def ChangeMemberRole(
        self, request: datasets_pb2.ChangeMemberRoleRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ChangeMemberRoleResponse:
        member = await self.db.call(
            service.change_member_role,
            user_id=_user().user_id,
            project_id=request.project_id,
            member_user_id=request.user_id,
            role=ROLE_NAMES.get(request.role, ""),
        )
        return datasets_pb2.ChangeMemberRoleResponse(
            member=member_to_proto(
                service.Invited(
                    member.project_id,
                    member.email,
                    member.role,
                    str(member.user_id),
                    member.added_at,
                    pending=member.joined_at is None,
                )
            )
        )

    async def ListProjectMembers(
        self, request: datasets_pb2.ListProjectMembersRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListProjectMembersResponse:
        principal = _user()
        members, next_token = await self.db.call(
            service.list_members,
            user_id=principal.user_id,
            project_id=request.project_id,
            page_size=request.page_size,
            page_token=request.page_token,
            reveal_pending=principal.is_service,
        )
        return datasets_pb2.ListProjectMembersResponse(
            members=[member_to_proto(m) for m in members], next_page_token=next_token
        )

    async def CheckProjectAccess(
        self, request: datasets_pb2.CheckProjectAccessRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CheckProjectAccessResponse:
        principal = require_principal()
        if not principal.is_service:
            raise PermissionDenied("this call is for services only", reason="SERVICE_ONLY")
        required = ROLE_NAMES.get(request.required_role)
        if required is None:
            raise InvalidArgument("required_role must be set", field="required_role")
        role = await self.db.call(
            service.check_access, project_id=request.project_id, user_id=request.user_id
        )
        allowed = role is not None and models.ROLE_RANK[role] >= models.ROLE_RANK[required]
        return datasets_pb2.CheckProjectAccessResponse(
            allowed=allowed,
            role=ROLES[role] if role else datasets_pb2.PROJECT_ROLE_UNSPECIFIED,
        )

    # --- upload -------------------------------------------------------------------------

    async def UploadDataset(
        self,
        request_iterator: AsyncIterator[datasets_pb2.UploadDatasetRequest],
        context: grpc.aio.ServicerContext,
    ) -> datasets_pb2.UploadDatasetResponse:
        user = _user()
        requests = request_iterator.__aiter__()
        first = await anext(requests, None)
        if first is None or not first.HasField("header"):
            raise InvalidArgument("the first message must be the upload header", field="header")
        header = first.header
        options = await self._check_header(user, header)
        dataset_id = str(uuid.uuid4())
        size = await self._store_upload(dataset_id, requests)
        try:
            dataset = await self.db.call(
                service.create_dataset,
                user_id=user.user_id,
                project_id=header.project_id,
                dataset_id=dataset_id,
                name=header.name or header.file_name,
                file_name=header.file_name,
                options=options,
                size_bytes=size,
            )
        except BaseException:
            # The project went away (or the caller's role) while the bytes streamed.
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)
            raise
        self.runner.start(dataset_id, options)
        if header.wait_seconds > 0:
            timeout = min(header.wait_seconds, self.settings.max_upload_wait_seconds)
            dataset = await self.runner.wait(dataset_id, timeout) or dataset
        if dataset.status == models.FAILED:
            metadata = {"dataset_id": dataset_id}
            raise InvalidArgument(
                dataset.error, field="file", reason=dataset.error_code, metadata=metadata
            )
        return datasets_pb2.UploadDatasetResponse(dataset=dataset_to_proto(dataset))

    async def _check_header(self, user: Principal, header: datasets_pb2.UploadHeader) -> dict:
        """Everything that can be refused before a byte is stored."""
        await self.db.call(
            service.require_role,
            project_id=header.project_id,
            user_id=user.user_id,
            required=models.EDITOR,
        )
        if header.file_name:
            try:
                validate_filename(header.file_name)
            except IngestError as exc:
                raise InvalidArgument(
                    exc.message, field="file_name", reason=exc.code.upper()
                ) from exc
        if not (header.name or header.file_name).strip():
            raise InvalidArgument("a dataset needs a name (or a file name)", field="name")
        service.validate_name(header.name or header.file_name)
        if header.size_bytes > self.settings.max_upload_bytes:
            raise _too_large(self.settings.max_upload_bytes)
        return options_from_proto(header.options, self.settings.default_holdout_fraction)

    async def _store_upload(self, dataset_id: str, requests: AsyncIterator[Any]) -> int:
        """Streams the chunks into storage, a few MiB at a time; on any error (too large, the
        client gone) the partial upload is removed."""
        limit = self.settings.max_upload_bytes
        key = files.upload_key(dataset_id)
        sink = await asyncio.to_thread(self.storage.open, key, "wb")
        size = 0
        pending = bytearray()
        try:
            async for request in requests:
                size += len(request.chunk)
                if size > limit:
                    raise _too_large(limit)
                pending += request.chunk
                if len(pending) >= WRITE_BYTES:
                    await asyncio.to_thread(sink.write, bytes(pending))
                    pending.clear()
            await asyncio.to_thread(sink.write, bytes(pending))
            await asyncio.to_thread(sink.close)
        except BaseException:
            await asyncio.to_thread(sink.close)
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)
            raise
        return size

    # --- datasets -----------------------------------------------------------------------

    async def GetDataset(
        self, request: datasets_pb2.GetDatasetRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetDatasetResponse:
        dataset = await self.db.call(
            service.get_dataset, user_id=_user().user_id, dataset_id=request.dataset_id
        )
        return datasets_pb2.GetDatasetResponse(dataset=dataset_to_proto(dataset))

    async def ListDatasets(
        self, request: datasets_pb2.ListDatasetsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListDatasetsResponse:
        datasets, next_token = await self.db.call(
            service.list_datasets,
            user_id=_user().user_id,
            project_id=request.project_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return datasets_pb2.ListDatasetsResponse(
            datasets=[dataset_to_proto(d) for d in datasets], next_page_token=next_token
        )

    async def BatchGetDatasets(
        self, request: datasets_pb2.BatchGetDatasetsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.BatchGetDatasetsResponse:
        datasets = await self.db.call(
            service.batch_get_datasets,
            user_id=_user().user_id,
            dataset_ids=list(request.dataset_ids),
        )
        return datasets_pb2.BatchGetDatasetsResponse(
            datasets=[dataset_to_proto(d) for d in datasets]
        )

    async def GetDatasetStats(
        self, request: datasets_pb2.GetDatasetStatsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetDatasetStatsResponse:
        dataset = await self.db.call(
            service.get_ready_dataset, user_id=_user().user_id, dataset_id=request.dataset_id
        )
        return datasets_pb2.GetDatasetStatsResponse(stats_json=json.dumps(dataset.stats))

    async def PreviewRows(
        self, request: datasets_pb2.PreviewRowsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.PreviewRowsResponse:
        if not 0 <= request.limit <= MAX_PREVIEW_ROWS:
            raise InvalidArgument(f"limit must be 0 to {MAX_PREVIEW_ROWS}", field="limit")
        if request.offset < 0:
            raise InvalidArgument("offset must not be negative", field="offset")
        dataset = await self.db.call(
            service.get_ready_dataset, user_id=_user().user_id, dataset_id=request.dataset_id
        )
        rows = await asyncio.to_thread(
            preview_rows,
            self.storage.fs,
            self.storage.path(files.split_key(str(dataset.id), "all")),
            request.limit or 10,
            request.offset,
        )
        names = [c["name"] for c in dataset.columns]
        return datasets_pb2.PreviewRowsResponse(
            columns=names,
            rows_json=[json.dumps([row[n] for n in names], default=str) for row in rows],
        )

    async def UpdateDatasetMetadata(
        self, request: datasets_pb2.UpdateDatasetMetadataRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.UpdateDatasetMetadataResponse:
        user = _user()
        dataset = await self.db.call(
            service.get_dataset,
            user_id=user.user_id,
            dataset_id=request.dataset_id,
            required=models.EDITOR,
        )
        service.require_ready(dataset)
        update = metadata_update_from_proto(request)
        merged = await asyncio.to_thread(self._validated_metadata, dataset, update)
        saved = await self.db.call(
            service.save_metadata,
            user_id=user.user_id,
            dataset_id=request.dataset_id,
            metadata=merged.model_dump(mode="json"),
        )
        return datasets_pb2.UpdateDatasetMetadataResponse(dataset=dataset_to_proto(saved))

    def _validated_metadata(
        self, dataset: models.Dataset, update: MetadataUpdate
    ) -> DatasetMetadata:
        known = {c["name"] for c in dataset.columns}
        named = {
            *update.columns,
            *([update.primary_key] if update.primary_key else []),
            *([update.target_column] if update.target_column else []),
        }
        sample = files.read_sample(
            self.storage,
            str(dataset.id),
            columns=sorted(named & known),
            max_rows=self.settings.metadata_sample_rows,
        )
        try:
            return validate_metadata_update(
                DatasetMetadata.model_validate(dataset.table_metadata), update, sample=sample
            )
        except MetadataError as exc:
            violations = [
                FieldViolation(f"metadata.columns.{column}", f"column {column!r}: {problem}")
                for column, problem in exc.problems
            ]
            raise InvalidArgument(
                str(exc), violations=violations, reason="INVALID_METADATA"
            ) from exc

    async def DeleteDataset(
        self, request: datasets_pb2.DeleteDatasetRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.DeleteDatasetResponse:
        dataset = await self.db.call(
            service.delete_dataset, user_id=_user().user_id, dataset_id=request.dataset_id
        )
        self.on_commit()
        await self._remove_files([str(dataset.id)])
        return datasets_pb2.DeleteDatasetResponse()

    async def ReadDataset(
        self, request: datasets_pb2.ReadDatasetRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[datasets_pb2.ReadDatasetResponse]:
        split = SPLITS.get(request.split)
        if split is None:
            raise InvalidArgument("split must be TRAIN, HOLDOUT or ALL", field="split")
        dataset = await self.db.call(
            service.get_ready_dataset, user_id=_user().user_id, dataset_id=request.dataset_id
        )
        chunks = files.ipc_chunks(self.storage, str(dataset.id), split)
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            yield datasets_pb2.ReadDatasetResponse(arrow_ipc_chunk=chunk)


def _too_large(limit: int) -> InvalidArgument:
    return InvalidArgument(
        f"the file is larger than the upload limit of {limit:,} bytes",
        field="file",
        reason="TOO_LARGE",
    )
