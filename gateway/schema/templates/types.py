"""Templates: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from google.protobuf import json_format
from strawberry.scalars import JSON

from gateway.schema.common import from_message
from gateway.schema.training.types import ExportFormat
from synthetica.training.v1 import training_pb2


@strawberry.type
class Template:
    id: strawberry.ID = strawberry.field(description="a built-in's name, or a saved one's id")
    name: str
    description: str
    builtin: bool
    project_id: strawberry.ID | None = strawberry.field(
        description="the project it is shared with (null: private to its owner)"
    )
    owner_id: strawberry.ID | None
    schema: JSON = strawberry.field(description="the schema: {tables: [{name, fields: [...]}]}")
    options: JSON = strawberry.field(description="a built-in's options with their defaults")
    created_at: datetime | None

    @classmethod
    def from_proto(cls, template: training_pb2.Template) -> Template:
        return from_message(
            cls,
            template,
            project_id=template.project_id or None,
            owner_id=template.owner_id or None,
            schema=json.loads(template.schema_json or "{}"),
            options=json_format.MessageToDict(template.options),
        )


@strawberry.input
class CreateTemplateInput:
    name: str
    description: str = ""
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="share it with the members of this project"
    )
    schema: JSON | None = strawberry.field(default=None, description="the schema as JSON")
    schema_json: str | None = strawberry.field(
        default=None, description="or the schema as a JSON string"
    )


@strawberry.input
class TemplateSource:
    """What a job or a preview generates from: exactly one of a saved template, a built-in
    or an unsaved schema (checked by `requests.py`)."""

    template_id: strawberry.ID | None = strawberry.field(
        default=None, description="a saved template (yours or shared with you)"
    )
    builtin: str | None = strawberry.field(
        default=None, description="a built-in template: user, ecommerce_transaction, ..."
    )
    schema: JSON | None = strawberry.field(default=None, description="an unsaved schema")
    schema_json: str | None = strawberry.field(
        default=None, description="an unsaved schema as a JSON string"
    )


@strawberry.input
class GenerateFromTemplateInput(TemplateSource):
    project_id: strawberry.ID
    count: int = strawberry.field(description="rows of each table without its own count")
    seed: int | None = strawberry.field(default=None, description="same seed, same bytes")
    locale: str = strawberry.field(default="en_US", description="en_US, de_DE, fr_FR, ja_JP")
    format: ExportFormat = ExportFormat.PARQUET
    options: JSON | None = strawberry.field(
        default=None, description='a built-in\'s options, e.g. {"fraud_rate": 0.05}'
    )


@strawberry.input
class TemplatePreviewInput(TemplateSource):
    rows: int = strawberry.field(default=10, description="rows of each table, 1..50")
    seed: int | None = strawberry.field(default=None, description="same seed, same rows")
    locale: str = strawberry.field(default="en_US", description="en_US, de_DE, fr_FR, ja_JP")
    options: JSON | None = strawberry.field(
        default=None, description='a built-in\'s options, e.g. {"fraud_rate": 0.05}'
    )


@strawberry.type(description="the first rows of one table of a template")
class TemplatePreviewTable:
    name: str
    columns: list[str]
    rows: list[JSON] = strawberry.field(description="one JSON object per row")
    truncated: bool = strawberry.field(
        description="rows were left out to keep the answer small (very wide rows)"
    )

    @classmethod
    def from_proto(cls, table: training_pb2.TemplatePreviewTable) -> TemplatePreviewTable:
        return from_message(cls, table, rows=[json.loads(row) for row in table.rows_json])
