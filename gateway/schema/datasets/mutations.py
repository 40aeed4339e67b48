"""Datasets mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import rpc_errors
from gateway.schema.common import call, done, fetched
from gateway.schema.datasets.inputs import (
    ColumnMetadataInput,
    CreateProjectInput,
    IngestOptionsInput,
    UpdateProjectInput,
)
from gateway.schema.datasets.rules import RuleInput
from gateway.schema.datasets.tables import ForeignKeyInput, TableKeysInput
from gateway.schema.datasets.types import (
    Dataset,
    Project,
    ProjectMember,
    ProjectRole,
)
from gateway.uploads import send_upload
from synthetica.datasets.v1 import datasets_pb2 as pb

# Bytes read from the spooled multipart file at a time.
READ_BYTES = 1024 * 1024


async def _file_pieces(file: Upload) -> AsyncIterator[bytes]:
    while piece := await file.read(READ_BYTES):
        yield piece


@strawberry.type
class DatasetsMutation:
    @strawberry.mutation(description="a new project, with you as its owner")
    async def create_project(self, info: Info[Context, None], input: CreateProjectInput) -> Project:
        request = pb.CreateProjectRequest(name=input.name, description=input.description)
        rpc = info.context.clients.datasets.CreateProject
        return await fetched(info, rpc, request, "project", Project.from_proto)

    @strawberry.mutation(
        description="rename or describe a project (owners), or change its settings (owners "
        "and admins): privacyGate, approvalRequired"
    )
    async def update_project(self, info: Info[Context, None], input: UpdateProjectInput) -> Project:
        request = pb.UpdateProjectRequest(project_id=input.id)
        if input.name is not None:
            request.name = input.name
        if input.description is not None:
            request.description = input.description
        if input.privacy_gate is not None:
            request.privacy_gate = input.privacy_gate.value
        if input.approval_required is not None:
            request.approval_required = input.approval_required
        rpc = info.context.clients.datasets.UpdateProject
        return await fetched(info, rpc, request, "project", Project.from_proto)

    @strawberry.mutation(description="delete a project with its members, datasets and files")
    async def delete_project(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = pb.DeleteProjectRequest(project_id=id)
        return await done(info, info.context.clients.datasets.DeleteProject, request)

    @strawberry.mutation(
        description="invite someone by email (owners): an account has access at once; an email "
        "without one is invited, and joins with the answer's invitationToken (shown once: "
        "send it to them), not by registering the email; the answer is the same either way"
    )
    async def add_project_member(
        self, info: Info[Context, None], project_id: strawberry.ID, email: str, role: ProjectRole
    ) -> ProjectMember:
        request = pb.AddProjectMemberRequest(project_id=project_id, email=email, role=role.value)
        rpc = info.context.clients.datasets.AddProjectMember
        response = await call(info, rpc, request)
        return ProjectMember.from_proto(response.member, response.invitation_token or None)

    @strawberry.mutation(
        description="join a project with the invitation token its owner sent you; NOT_FOUND "
        "(INVITATION_NOT_FOUND) once taken, withdrawn or replaced, or when you are a member "
        "already"
    )
    async def accept_project_invitation(self, info: Info[Context, None], token: str) -> Project:
        request = pb.AcceptProjectInvitationRequest(token=token)
        rpc = info.context.clients.datasets.AcceptProjectInvitation
        return await fetched(info, rpc, request, "project", Project.from_proto)

    @strawberry.mutation(
        description="remove a member (owners), leave a project yourself, or withdraw a "
        "pending invitation by email (owners)"
    )
    async def remove_project_member(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        user_id: strawberry.ID | None = None,
        email: Annotated[
            str | None,
            strawberry.argument(description="instead of userId: withdraw a pending invitation"),
        ] = None,
    ) -> bool:
        request = pb.RemoveProjectMemberRequest(
            project_id=project_id, user_id=user_id or "", email=email or ""
        )
        return await done(info, info.context.clients.datasets.RemoveProjectMember, request)

    @strawberry.mutation(description="change a member's role (owners)")
    async def change_member_role(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        user_id: strawberry.ID,
        role: ProjectRole,
    ) -> ProjectMember:
        request = pb.ChangeMemberRoleRequest(
            project_id=project_id, user_id=user_id, role=role.value
        )
        rpc = info.context.clients.datasets.ChangeMemberRole
        return await fetched(info, rpc, request, "member", ProjectMember.from_proto)

    @strawberry.mutation(
        description="upload a table (multipart request); waits for ingestion and returns the "
        "dataset READY, or fails with the reason (INGESTING if it takes longer than the wait)"
    )
    async def upload_dataset(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        file: Upload,
        name: str = "",
        options: IngestOptionsInput | None = None,
    ) -> Dataset:
        return await _upload(info, file, options, project_id=project_id, name=name)

    @strawberry.mutation(
        description="upload a file as a new table of a dataset (editors; multipart request), "
        "ingested as a dataset's first file is; keys and links to the other tables are "
        "detected. At most 20 tables; a table name is a letter or underscore, then letters, "
        "digits or underscores (default: from the file name)"
    )
    async def add_dataset_table(
        self,
        info: Info[Context, None],
        dataset_id: strawberry.ID,
        file: Upload,
        table_name: str = "",
        options: IngestOptionsInput | None = None,
    ) -> Dataset:
        return await _upload(info, file, options, dataset_id=dataset_id, table_name=table_name)

    @strawberry.mutation(
        description="set how the tables relate (editors): the keys and sequences of the "
        "tables given, and, when foreignKeys is given, exactly those links; errors name the "
        "field (tables.<name>.primaryKey, foreignKeys[i], ...)"
    )
    async def update_dataset_relationships(
        self,
        info: Info[Context, None],
        dataset_id: strawberry.ID,
        tables: list[TableKeysInput] | None = None,
        foreign_keys: list[ForeignKeyInput] | None = None,
    ) -> Dataset:
        request = pb.UpdateDatasetRelationshipsRequest(
            dataset_id=dataset_id,
            tables=[t.to_proto() for t in tables or []],
            foreign_keys=[k.to_proto() for k in foreign_keys or []],
            replace_foreign_keys=foreign_keys is not None,
        )
        rpc = info.context.clients.datasets.UpdateDatasetRelationships
        return await fetched(info, rpc, request, "dataset", Dataset.from_proto)

    @strawberry.mutation(
        description="remove a table added to a dataset, READY or FAILED (editors): its "
        "files, statistics, links and sequence; the other tables are split again. Models "
        "trained before keep what they learned. The dataset's first table cannot be removed "
        "(delete the dataset), nor one still ingesting"
    )
    async def remove_dataset_table(
        self, info: Info[Context, None], dataset_id: strawberry.ID, table_name: str
    ) -> Dataset:
        request = pb.RemoveDatasetTableRequest(dataset_id=dataset_id, table_name=table_name)
        rpc = info.context.clients.datasets.RemoveDatasetTable
        return await fetched(info, rpc, request, "dataset", Dataset.from_proto)

    @strawberry.mutation(
        description="replace the rules the dataset's synthetic rows obey (editors; at most "
        "50; [] removes them): each is checked against the real rows, and Rule."
        "realViolationCount says how many break it; errors name the field (rules[2].high)"
    )
    async def update_dataset_rules(
        self, info: Info[Context, None], dataset_id: strawberry.ID, rules: list[RuleInput]
    ) -> Dataset:
        request = pb.UpdateDatasetRulesRequest(
            dataset_id=dataset_id, rules=[rule.to_proto() for rule in rules]
        )
        rpc = info.context.clients.datasets.UpdateDatasetRules
        return await fetched(info, rpc, request, "dataset", Dataset.from_proto)

    @strawberry.mutation(
        description="correct columns' sdtypes (and the primary key, and the target column "
        "reports predict) before training; errors name the column"
    )
    async def update_dataset_metadata(
        self,
        info: Info[Context, None],
        dataset_id: strawberry.ID,
        columns: list[ColumnMetadataInput] | None = None,
        primary_key: str | None = None,
        clear_primary_key: bool = False,
        target_column: str | None = None,
        clear_target_column: bool = False,
    ) -> Dataset:
        metadata = pb.DatasetMetadata(
            columns=[
                pb.ColumnMetadata(
                    name=c.name,
                    sdtype=c.sdtype,
                    datetime_format=c.datetime_format or "",
                    pii=bool(c.pii),
                )
                for c in columns or []
            ],
            primary_key=primary_key or "",
            target_column=target_column or "",
        )
        request = pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset_id,
            metadata=metadata,
            clear_primary_key=clear_primary_key,
            clear_target_column=clear_target_column,
        )
        rpc = info.context.clients.datasets.UpdateDatasetMetadata
        return await fetched(info, rpc, request, "dataset", Dataset.from_proto)

    @strawberry.mutation(description="delete a dataset and its files (editors)")
    async def delete_dataset(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = pb.DeleteDatasetRequest(dataset_id=id)
        return await done(info, info.context.clients.datasets.DeleteDataset, request)


async def _upload(
    info: Info[Context, None], file: Upload, options: IngestOptionsInput | None, **target: str
) -> Dataset:
    """Streams ``file`` to UploadDataset: a new dataset (``project_id``, ``name``) or a new
    table of one (``dataset_id``, ``table_name``)."""
    ctx = info.context
    header = pb.UploadHeader(
        file_name=getattr(file, "filename", "") or "",
        options=(options or IngestOptionsInput()).to_proto(),
        size_bytes=getattr(file, "size", None) or 0,
        wait_seconds=ctx.settings.upload_wait_seconds,
        **target,
    )
    with rpc_errors():
        dataset = await send_upload(
            ctx.clients.datasets,
            header,
            _file_pieces(file),
            metadata=ctx.user_metadata,
            timeout=ctx.settings.upload_timeout_seconds,
        )
    return Dataset.from_proto(dataset)
