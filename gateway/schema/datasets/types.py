"""Datasets: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import (
    MAX_PAGE,
    Connection,
    call,
    from_message,
    from_proto_enum,
    listed,
    page,
)
from gateway.schema.datasets.rules import Rule
from gateway.schema.datasets.tables import ForeignKey, ReferentialProblems, SequenceSpec
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.enum
class ProjectRole(Enum):
    OWNER = pb.PROJECT_ROLE_OWNER
    EDITOR = pb.PROJECT_ROLE_EDITOR
    VIEWER = pb.PROJECT_ROLE_VIEWER


@strawberry.enum(
    description="what a project does with a synthetic batch whose privacy verdict is FAIL"
)
class PrivacyGate(Enum):
    OFF = strawberry.enum_value(pb.PRIVACY_GATE_OFF, description="every ready batch downloads")
    BLOCK = strawberry.enum_value(
        pb.PRIVACY_GATE_BLOCK,
        description="a batch downloads only once its privacy verdict is known and not FAIL",
    )
    OWNER_OVERRIDE = strawberry.enum_value(
        pb.PRIVACY_GATE_OWNER_OVERRIDE,
        description="as BLOCK, but an owner (or an admin) may release a batch, giving a reason",
    )


@strawberry.enum
class DatasetStatus(Enum):
    INGESTING = pb.DATASET_STATUS_INGESTING
    READY = pb.DATASET_STATUS_READY
    FAILED = pb.DATASET_STATUS_FAILED


@strawberry.type(
    description="a member, or an invitation not taken up yet (pending): an email with no "
    "account, or an account that has not used the project yet, which look the same"
)
class ProjectMember:
    user_id: strawberry.ID | None = strawberry.field(description="null while pending")
    email: str
    role: ProjectRole
    added_at: datetime | None
    pending: bool
    invitation_token: str | None = strawberry.field(
        default=None,
        description="only in addProjectMember's answer, once: the secret the invitee joins "
        "with (acceptProjectInvitation); pass it on to them. Every answer has one, whether or "
        "not the email has an account (an account has access at once: its token joins nothing)",
    )

    @classmethod
    def from_proto(
        cls, member: pb.ProjectMember, invitation_token: str | None = None
    ) -> ProjectMember:
        return from_message(
            cls,
            member,
            user_id=member.user_id or None,
            role=ProjectRole(member.role),
            invitation_token=invitation_token,
        )


@strawberry.type
class DatasetColumn:
    name: str
    data_type: str = strawberry.field(description="Arrow type in the typed Parquet file")
    sdtype: str = strawberry.field(
        description="numerical, categorical, boolean, datetime, id, or a PII kind (email, ...)"
    )
    pii: bool
    datetime_format: str | None


@strawberry.type
class DetectedFormat:
    """What ingestion detected about the uploaded file."""

    format: str
    delimiter: str | None
    encoding: str | None
    has_header: bool | None


def _columns(metadata: pb.DatasetMetadata) -> list[DatasetColumn]:
    return [
        from_message(DatasetColumn, c, datetime_format=c.datetime_format or None)
        for c in metadata.columns
    ]


def _table_fields(table: pb.Dataset | pb.DatasetTable) -> dict[str, Any]:
    """What a dataset and each of its tables read alike beyond their same-named fields (a
    dataset's fields are its first table's)."""
    return {
        "status": DatasetStatus(table.status),
        "error": table.error or None,
        "error_code": table.error_code or None,
        "columns": _columns(table.metadata),
        "primary_key": table.metadata.primary_key or None,
    }


async def _stats(
    info: Info[Context, None], status: DatasetStatus, dataset_id: str, table: str = ""
) -> JSON | None:
    """A table's statistics (the first table's without ``table``); None until READY."""
    if status is not DatasetStatus.READY:
        return None
    request = pb.GetDatasetStatsRequest(dataset_id=dataset_id, table=table)
    response = await call(info, info.context.clients.datasets.GetDatasetStats, request)
    return json.loads(response.stats_json)


async def _preview_rows(
    info: Info[Context, None],
    status: DatasetStatus,
    dataset_id: str,
    n: int,
    offset: int,
    table: str = "",
) -> list[JSON]:
    """A table's first rows after ``offset`` as JSON objects; none until READY, and none for
    ``n: 0`` (the service reads a limit of 0 as its default)."""
    if status is not DatasetStatus.READY or n == 0:
        return []
    request = pb.PreviewRowsRequest(dataset_id=dataset_id, table=table, limit=n, offset=offset)
    response = await call(info, info.context.clients.datasets.PreviewRows, request)
    columns = list(response.columns)
    return [dict(zip(columns, json.loads(row), strict=True)) for row in response.rows_json]


@strawberry.type(description="one table of a dataset (the first is the dataset's upload)")
class DatasetTable:
    dataset_id: strawberry.ID
    name: str
    file_name: str
    status: DatasetStatus = strawberry.field(
        description="an added table ingests on its own; upload under a FAILED table's name "
        "to replace it"
    )
    error: str | None
    error_code: str | None
    row_count: int
    train_row_count: int
    holdout_row_count: int
    size_bytes: int
    columns: list[DatasetColumn]
    primary_key: str | None
    sequence: SequenceSpec | None = strawberry.field(description="set: the table is sequential")
    suggested_sequence: SequenceSpec | None = strawberry.field(
        description="an entity key and order column that look like a sequence; set it with "
        "updateDatasetRelationships (never set without you)"
    )
    warnings: list[str]

    @strawberry.field(description="the table's statistics (as Dataset.stats); null until READY")
    async def stats(self, info: Info[Context, None]) -> JSON | None:
        return await _stats(info, self.status, self.dataset_id, self.name)

    @strawberry.field(description="the table's first rows (after `offset`), one JSON object each")
    async def preview_rows(
        self, info: Info[Context, None], n: int = 10, offset: int = 0
    ) -> list[JSON]:
        return await _preview_rows(info, self.status, self.dataset_id, n, offset, self.name)

    @classmethod
    def from_proto(cls, dataset_id: str, table: pb.DatasetTable) -> DatasetTable:
        return from_message(
            cls,
            table,
            dataset_id=dataset_id,
            **_table_fields(table),
            sequence=SequenceSpec.from_proto(table.sequence)
            if table.HasField("sequence")
            else None,
            suggested_sequence=SequenceSpec.from_proto(table.suggested_sequence)
            if table.HasField("suggested_sequence")
            else None,
        )


@strawberry.type
class Dataset:
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    file_name: str
    status: DatasetStatus
    error: str | None = strawberry.field(description="why ingestion failed (FAILED only)")
    error_code: str | None
    row_count: int
    train_row_count: int
    holdout_row_count: int
    size_bytes: int
    columns: list[DatasetColumn]
    primary_key: str | None
    target_column: str | None = strawberry.field(
        description="the column every report predicts for ML utility (null: the report "
        "chooses one and says why)"
    )
    warnings: list[str] = strawberry.field(
        description="the first table's ingestion warnings, then each link's referential problems"
    )
    detected: DetectedFormat
    created_at: datetime | None
    updated_at: datetime | None
    tables: list[DatasetTable] = strawberry.field(
        description="every table, the first one too (whose fields the dataset's mirror)"
    )
    foreign_keys: list[ForeignKey] = strawberry.field(
        description="the links between the tables: detected (names and values), then yours"
    )
    referential_problems: list[ReferentialProblems] = strawberry.field(
        description="per link: orphans, duplicate parent keys, null keys"
    )
    rules: list[Rule] = strawberry.field(
        description="the rules its synthetic rows obey (updateDatasetRules)"
    )

    @strawberry.field(
        description="per-column count, nulls, distinct, min/max/mean/std/quantiles, histogram "
        "or top categories, and the correlation matrix; null until the dataset is READY"
    )
    async def stats(self, info: Info[Context, None]) -> JSON | None:
        return await _stats(info, self.status, self.id)

    @strawberry.field(description="the first rows (after `offset`), one JSON object per row")
    async def preview_rows(
        self, info: Info[Context, None], n: int = 10, offset: int = 0
    ) -> list[JSON]:
        return await _preview_rows(info, self.status, self.id, n, offset)

    @strawberry.field(description="the project the dataset belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @classmethod
    def from_proto(cls, dataset: pb.Dataset) -> Dataset:
        return from_message(
            cls,
            dataset,
            **_table_fields(dataset),
            target_column=dataset.metadata.target_column or None,
            detected=from_message(DetectedFormat, dataset.detected),
            tables=[DatasetTable.from_proto(dataset.id, t) for t in dataset.tables],
            foreign_keys=[ForeignKey.from_proto(k) for k in dataset.foreign_keys],
            referential_problems=[
                ReferentialProblems.from_proto(p) for p in dataset.referential_problems
            ],
            rules=[Rule.from_proto(r) for r in dataset.rules],
        )


async def load_project(info: Info[Context, None], project_id: str) -> Project | None:
    """Through the request's DataLoader: one batched call for all projects of a response."""
    found = await info.context.loaders.project.load(project_id)
    return Project.from_proto(found) if found is not None else None


async def load_dataset(info: Info[Context, None], dataset_id: str | None) -> Dataset | None:
    if not dataset_id:
        return None
    found = await info.context.loaders.dataset.load(dataset_id)
    return Dataset.from_proto(found) if found is not None else None


async def list_datasets(
    info: Info[Context, None], project_id: str, first: int, after: str | None
) -> Connection[Dataset]:
    ctx = info.context
    return await listed(
        info,
        ctx.clients.datasets.ListDatasets,
        pb.ListDatasetsRequest(project_id=project_id, **page(first, after)),
        "datasets",
        Dataset.from_proto,
    )


@strawberry.type
class Project:
    id: strawberry.ID
    name: str
    description: str
    owner_id: strawberry.ID
    my_role: ProjectRole
    created_at: datetime | None
    updated_at: datetime | None
    privacy_gate: PrivacyGate = strawberry.field(
        description="the privacy gate on downloads of the project's synthetic batches"
    )
    approval_required: bool = strawberry.field(
        description="editors' training and generation requests wait as PENDING_APPROVAL until "
        "an owner (or an admin) approves them"
    )

    @strawberry.field(description="everyone in the project with their role")
    async def members(self, info: Info[Context, None]) -> list[ProjectMember]:
        ctx = info.context
        response = await call(
            info,
            ctx.clients.datasets.ListProjectMembers,
            pb.ListProjectMembersRequest(project_id=self.id, page_size=MAX_PAGE),
        )
        return [ProjectMember.from_proto(m) for m in response.members]

    @strawberry.field(description="the project's datasets, newest first")
    async def datasets(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Dataset]:
        return await list_datasets(info, self.id, first, after)

    @classmethod
    def from_proto(cls, project: pb.Project) -> Project:
        return from_message(
            cls,
            project,
            # An admin who is not a member (changing the settings) sees the project as a viewer.
            my_role=from_proto_enum(ProjectRole, project.my_role) or ProjectRole.VIEWER,
            privacy_gate=from_proto_enum(PrivacyGate, project.settings.privacy_gate)
            or PrivacyGate.OFF,
            approval_required=project.settings.approval_required,
        )
