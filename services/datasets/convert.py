"""Rows and domain values to protobuf messages and back, for DatasetsService."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from common.contracts.privacy_gate import PrivacyGate
from common.contracts.relational import ForeignKey, SequenceSpec
from common.contracts.rule_protos import rule_to_proto
from common.contracts.rules import Rule
from common.enums import from_proto, to_proto
from common.errors import FieldViolation, InvalidArgument
from common.protos import timestamp
from services.datasets import members, models
from services.datasets.enums import DatasetStatus
from services.datasets.ingest import (
    IngestError,
    IngestOptions,
    MetadataUpdate,
)
from services.datasets.ingest.stream import text_encoding
from services.datasets.relations import LinkProblems, Relations
from services.datasets.service import resolve_table
from services.datasets.tables import first_table_name
from synthetica.datasets.v1 import datasets_pb2

ROLES = {
    models.VIEWER: datasets_pb2.PROJECT_ROLE_VIEWER,
    models.EDITOR: datasets_pb2.PROJECT_ROLE_EDITOR,
    models.OWNER: datasets_pb2.PROJECT_ROLE_OWNER,
}
ROLE_NAMES = {value: name for name, value in ROLES.items()}
STATUSES = {s.value: to_proto(s, datasets_pb2.DatasetStatus) for s in DatasetStatus}
SPLITS = {
    datasets_pb2.DATASET_SPLIT_TRAIN: "train",
    datasets_pb2.DATASET_SPLIT_HOLDOUT: "holdout",
    datasets_pb2.DATASET_SPLIT_ALL: "all",
}


def settings_to_proto(project: models.Project) -> datasets_pb2.ProjectSettings:
    return datasets_pb2.ProjectSettings(
        privacy_gate=to_proto(PrivacyGate(project.privacy_gate), datasets_pb2.PrivacyGate),
        approval_required=project.approval_required,
    )


def privacy_gate_from_proto(number: int) -> PrivacyGate:
    gate = from_proto(PrivacyGate, datasets_pb2.PrivacyGate, number)
    if gate is None:
        raise InvalidArgument(
            "privacy_gate must be OFF, BLOCK or OWNER_OVERRIDE", field="privacy_gate"
        )
    return gate


def project_to_proto(project: models.Project, role: str | None) -> datasets_pb2.Project:
    """``role`` None: an admin who is not a member (changing the settings)."""
    return datasets_pb2.Project(
        id=str(project.id),
        name=project.name,
        description=project.description,
        owner_id=str(project.owner_id),
        my_role=ROLES[role] if role else datasets_pb2.PROJECT_ROLE_UNSPECIFIED,
        created_at=timestamp(project.created_at),
        updated_at=timestamp(project.updated_at),
        settings=settings_to_proto(project),
    )


def member_to_proto(member: members.Invited) -> datasets_pb2.ProjectMember:
    return datasets_pb2.ProjectMember(
        project_id=str(member.project_id),
        user_id=member.user_id,
        email=member.email,
        role=ROLES[member.role],
        added_at=timestamp(member.added_at),
        pending=member.pending,
    )


def metadata_to_proto(
    columns: list[dict[str, Any]], metadata: dict[str, Any]
) -> datasets_pb2.DatasetMetadata:
    """A table's stored columns (file order) and metadata (ingest.DatasetMetadata as JSON)."""
    described = metadata.get("columns", {})
    return datasets_pb2.DatasetMetadata(
        columns=[
            datasets_pb2.ColumnMetadata(
                name=c["name"],
                data_type=c["type"],
                sdtype=described.get(c["name"], {}).get("sdtype", ""),
                pii=described.get(c["name"], {}).get("pii", False),
                datetime_format=described.get(c["name"], {}).get("datetime_format") or "",
                decimals=c.get("decimals") or 0,
                least_decimals=c.get("least_decimals") or 0,
            )
            for c in columns
        ],
        primary_key=metadata.get("primary_key") or "",
        target_column=metadata.get("target_column") or "",
        missing_value=metadata.get("missing_value") or "",
    )


def table_to_proto(
    table: models.Dataset | models.DatasetTable, name: str, relations: Relations
) -> datasets_pb2.DatasetTable:
    """A table: the dataset's first (the dataset row) or one added later."""
    return datasets_pb2.DatasetTable(
        name=name,
        row_count=table.row_count,
        train_row_count=table.train_row_count,
        holdout_row_count=table.holdout_row_count,
        metadata=metadata_to_proto(table.columns, table.table_metadata or {}),
        sequence=_sequence(relations.sequences.get(name)),
        suggested_sequence=_sequence(relations.suggested_sequences.get(name)),
        file_name=table.file_name,
        size_bytes=table.size_bytes,
        warnings=table.warnings,
        status=STATUSES[table.status],
        error=table.error,
        error_code=table.error_code,
    )


def _sequence(spec: SequenceSpec | None) -> datasets_pb2.SequenceSpec | None:
    return datasets_pb2.SequenceSpec(**spec.model_dump()) if spec is not None else None


def problems_to_proto(problems: LinkProblems) -> datasets_pb2.ReferentialProblems:
    fields = problems.model_dump()
    fields["foreign_key"] = datasets_pb2.ForeignKey(**fields["foreign_key"])
    return datasets_pb2.ReferentialProblems(**fields)


def dataset_to_proto(dataset: models.Dataset) -> datasets_pb2.Dataset:
    relations = Relations.model_validate(dataset.relations or {})
    first = table_to_proto(dataset, first_table_name(dataset), relations)
    tables = [first] + [
        table_to_proto(table, table.name, relations) for table in dataset.added_tables
    ]
    warnings = [*dataset.warnings, *(w for p in relations.problems for w in p.warnings())]
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
        metadata=first.metadata,
        detected=datasets_pb2.IngestOptions(
            format=detected.get("format") or "",
            delimiter=detected.get("delimiter"),
            has_header=detected.get("has_header"),
            encoding=detected.get("encoding"),
        ),
        created_by=str(dataset.created_by),
        created_at=timestamp(dataset.created_at),
        updated_at=timestamp(dataset.updated_at),
        warnings=warnings,
        file_name=dataset.file_name,
        tables=tables,
        foreign_keys=[datasets_pb2.ForeignKey(**k.model_dump()) for k in relations.foreign_keys],
        referential_problems=[problems_to_proto(p) for p in relations.problems],
        rules=[rule_to_proto(Rule.model_validate(r)) for r in dataset.rules or []],
    )


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


def relationships_from_proto(
    request: datasets_pb2.UpdateDatasetRelationshipsRequest,
    dataset: models.Dataset,
    current: Relations,
) -> tuple[dict[str, str | None], Relations]:
    """The primary keys the request sets (by table) and the relations it asks for; NotFound
    or FailedPrecondition for a table that is not there or not ready."""
    keys: dict[str, str | None] = {}
    sequences = dict(current.sequences)
    for given in request.tables:
        name = given.table or first_table_name(dataset)
        resolve_table(dataset, name)
        keys[name] = given.primary_key or None
        if given.HasField("sequence"):
            sequences[name] = SequenceSpec(
                entity_key=given.sequence.entity_key, order_column=given.sequence.order_column
            )
        else:
            sequences.pop(name, None)
    foreign_keys = current.foreign_keys
    if request.replace_foreign_keys:
        foreign_keys = [
            ForeignKey(
                parent_table=k.parent_table,
                parent_column=k.parent_column,
                child_table=k.child_table,
                child_column=k.child_column,
            )
            for k in request.foreign_keys
        ]
    return keys, current.model_copy(update={"foreign_keys": foreign_keys, "sequences": sequences})


def connection_to_proto(connection: models.Connection) -> datasets_pb2.Connection:
    return datasets_pb2.Connection(
        id=str(connection.id),
        project_id=str(connection.project_id),
        name=connection.name,
        masked_url=connection.masked_url,
        dialect=connection.dialect,
        created_by=str(connection.created_by),
        created_at=timestamp(connection.created_at),
    )
