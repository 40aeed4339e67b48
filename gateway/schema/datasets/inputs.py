"""Datasets: the GraphQL inputs of projects and datasets."""

from __future__ import annotations

import strawberry

from gateway.schema.datasets.types import PrivacyGate
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.input
class CreateProjectInput:
    name: str
    description: str = ""


@strawberry.input
class UpdateProjectInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    privacy_gate: PrivacyGate | None = strawberry.field(
        default=None, description="owners (and admins) only"
    )
    approval_required: bool | None = strawberry.field(
        default=None, description="owners (and admins) only"
    )


@strawberry.input
class IngestOptionsInput:
    """Everything is detected when left out."""

    format: str = strawberry.field(
        default="auto", description="auto, csv, tsv, parquet, json, jsonl"
    )
    delimiter: str | None = None
    has_header: bool | None = None
    encoding: str | None = strawberry.field(
        default=None, description="utf-8, utf-8-sig, latin-1, cp1252, ..."
    )
    column_names: list[str] | None = None
    missing_values: list[str] | None = strawberry.field(
        default=None, description="tokens read as null, besides ?, NA, N/A, null and empty"
    )
    holdout_fraction: float | None = strawberry.field(
        default=None, description="share of rows kept aside for evaluation (default 0.2)"
    )
    seed: int | None = None

    def to_proto(self) -> pb.IngestOptions:
        options = pb.IngestOptions(
            format=self.format,
            column_names=self.column_names or [],
            missing_values=self.missing_values or [],
        )
        for name in ("delimiter", "has_header", "encoding", "holdout_fraction", "seed"):
            value = getattr(self, name)
            if value is not None:
                setattr(options, name, value)
        return options


@strawberry.input
class ColumnMetadataInput:
    name: str
    sdtype: str
    datetime_format: str | None = None
    pii: bool | None = strawberry.field(
        default=None, description="true marks the column as personal data; else by sdtype"
    )
