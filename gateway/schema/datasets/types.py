"""Datasets: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import (
    MAX_PAGE,
    Connection,
    call,
    dt,
    from_proto_enum,
    listed,
    optional,
    page,
)
from gateway.schema.datasets.rules import Rule
from gateway.schema.datasets.tables import ForeignKey, ReferentialProblems, SequenceSpec
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.enum
class ProjectRole(Enum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


ROLE_TO_PROTO = {
    ProjectRole.OWNER: pb.PROJECT_ROLE_OWNER,
    ProjectRole.EDITOR: pb.PROJECT_ROLE_EDITOR,
    ProjectRole.VIEWER: pb.PROJECT_ROLE_VIEWER,
}


_ROLE_FROM_PROTO = {value: role for role, value in ROLE_TO_PROTO.items()}


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
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


_STATUS_FROM_PROTO = {
    pb.DATASET_STATUS_INGESTING: DatasetStatus.INGESTING,
    pb.DATASET_STATUS_READY: DatasetStatus.READY,
    pb.DATASET_STATUS_FAILED: DatasetStatus.FAILED,
}


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

    @classmethod
    def from_proto(cls, member: pb.ProjectMember) -> ProjectMember:
        return cls(
            user_id=strawberry.ID(member.user_id) if member.user_id else None,
            email=member.email,
            role=_ROLE_FROM_PROTO[member.role],
            added_at=dt(member, "added_at"),
            pending=member.pending,
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
        DatasetColumn(
            name=c.name,
            data_type=c.data_type,
            sdtype=c.sdtype,
            pii=c.pii,
            datetime_format=c.datetime_format or None,
        )
        for c in metadata.columns
    ]


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
        if self.status is not DatasetStatus.READY:
            return None
        response = await call(
            info,
            info.context.clients.datasets.GetDatasetStats,
            pb.GetDatasetStatsRequest(dataset_id=self.dataset_id, table=self.name),
        )
        return json.loads(response.stats_json)

    @strawberry.field(description="the table's first rows (after `offset`), one JSON object each")
    async def preview_rows(
        self, info: Info[Context, None], n: int = 10, offset: int = 0
    ) -> list[JSON]:
        if self.status is not DatasetStatus.READY:
            return []
        response = await call(
            info,
            info.context.clients.datasets.PreviewRows,
            pb.PreviewRowsRequest(
                dataset_id=self.dataset_id, table=self.name, limit=n, offset=offset
            ),
        )
        columns = list(response.columns)
        return [dict(zip(columns, json.loads(row), strict=True)) for row in response.rows_json]

    @classmethod
    def from_proto(cls, dataset_id: str, table: pb.DatasetTable) -> DatasetTable:
        return cls(
            dataset_id=strawberry.ID(dataset_id),
            name=table.name,
            file_name=table.file_name,
            status=_STATUS_FROM_PROTO[table.status],
            error=table.error or None,
            error_code=table.error_code or None,
            row_count=table.row_count,
            train_row_count=table.train_row_count,
            holdout_row_count=table.holdout_row_count,
            size_bytes=table.size_bytes,
            columns=_columns(table.metadata),
            primary_key=table.metadata.primary_key or None,
            sequence=SequenceSpec.from_proto(table.sequence)
            if table.HasField("sequence")
            else None,
            suggested_sequence=SequenceSpec.from_proto(table.suggested_sequence)
            if table.HasField("suggested_sequence")
            else None,
            warnings=list(table.warnings),
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
        if self.status is not DatasetStatus.READY:
            return None
        ctx = info.context
        response = await call(
            info,
            ctx.clients.datasets.GetDatasetStats,
            pb.GetDatasetStatsRequest(dataset_id=self.id),
        )
        return json.loads(response.stats_json)

    @strawberry.field(description="the first rows (after `offset`), one JSON object per row")
    async def preview_rows(
        self, info: Info[Context, None], n: int = 10, offset: int = 0
    ) -> list[JSON]:
        if self.status is not DatasetStatus.READY:
            return []
        ctx = info.context
        response = await call(
            info,
            ctx.clients.datasets.PreviewRows,
            pb.PreviewRowsRequest(dataset_id=self.id, limit=n, offset=offset),
        )
        columns = list(response.columns)
        return [dict(zip(columns, json.loads(row), strict=True)) for row in response.rows_json]

    @strawberry.field(description="the project the dataset belongs to")
    async def project(self, info: Info[Context, None]) -> Project | None:
        return await load_project(info, self.project_id)

    @classmethod
    def from_proto(cls, dataset: pb.Dataset) -> Dataset:
        detected = dataset.detected
        return cls(
            id=strawberry.ID(dataset.id),
            project_id=strawberry.ID(dataset.project_id),
            name=dataset.name,
            file_name=dataset.file_name,
            status=_STATUS_FROM_PROTO[dataset.status],
            error=dataset.error or None,
            error_code=dataset.error_code or None,
            row_count=dataset.row_count,
            train_row_count=dataset.train_row_count,
            holdout_row_count=dataset.holdout_row_count,
            size_bytes=dataset.size_bytes,
            columns=_columns(dataset.metadata),
            primary_key=dataset.metadata.primary_key or None,
            target_column=dataset.metadata.target_column or None,
            warnings=list(dataset.warnings),
            detected=DetectedFormat(
                format=detected.format,
                delimiter=optional(detected, "delimiter"),
                encoding=optional(detected, "encoding"),
                has_header=optional(detected, "has_header"),
            ),
            created_at=dt(dataset, "created_at"),
            updated_at=dt(dataset, "updated_at"),
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
        return cls(
            id=strawberry.ID(project.id),
            name=project.name,
            description=project.description,
            owner_id=strawberry.ID(project.owner_id),
            # An admin who is not a member (changing the settings) sees the project as a viewer.
            my_role=_ROLE_FROM_PROTO.get(project.my_role, ProjectRole.VIEWER),
            created_at=dt(project, "created_at"),
            updated_at=dt(project, "updated_at"),
            privacy_gate=from_proto_enum(PrivacyGate, project.settings.privacy_gate)
            or PrivacyGate.OFF,
            approval_required=project.settings.approval_required,
        )
