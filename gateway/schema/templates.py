"""Templates and custom schemas (the training service): list, save, share, generate."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from google.protobuf import json_format, struct_pb2
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import ApiError, rpc_errors
from gateway.schema.common import Connection, connection, dt
from gateway.schema.training import Batch, ExportFormat, GeneratePayload, Job
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
        return cls(
            id=strawberry.ID(template.id),
            name=template.name,
            description=template.description,
            builtin=template.builtin,
            project_id=strawberry.ID(template.project_id) if template.project_id else None,
            owner_id=strawberry.ID(template.owner_id) if template.owner_id else None,
            schema=json.loads(template.schema_json or "{}"),
            options=json_format.MessageToDict(template.options),
            created_at=dt(template, "created_at"),
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
class GenerateFromTemplateInput:
    project_id: strawberry.ID
    count: int = strawberry.field(description="rows of each table without its own count")
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
    seed: int | None = strawberry.field(default=None, description="same seed, same bytes")
    locale: str = strawberry.field(default="en_US", description="en_US, de_DE, fr_FR, ja_JP")
    format: ExportFormat = ExportFormat.PARQUET
    options: JSON | None = strawberry.field(
        default=None, description='a built-in\'s options, e.g. {"fraud_rate": 0.05}'
    )


def _bad_input(field: str, message: str) -> ApiError:
    return ApiError(
        f"{field}: {message}",
        code="BAD_USER_INPUT",
        fields=[{"field": field, "message": message}],
    )


def _schema_text(schema: object, schema_json: str | None) -> str | None:
    """One schema from either input field, as JSON text."""
    if schema is not None and schema_json is not None:
        raise _bad_input("schema", "give schema or schemaJson, not both")
    if schema is not None:
        if not isinstance(schema, dict):
            raise _bad_input("schema", "must be a JSON object")
        return json.dumps(schema)
    return schema_json


def _options(value: object) -> struct_pb2.Struct | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad_input("options", "must be a JSON object")
    options = struct_pb2.Struct()
    options.update(value)
    return options


def _generate_request(input: GenerateFromTemplateInput) -> training_pb2.GenerateFromTemplateRequest:
    schema = _schema_text(input.schema, input.schema_json)
    given = [
        name
        for name, value in (
            ("templateId", input.template_id),
            ("builtin", input.builtin),
            ("schema", schema),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise _bad_input("source", "give exactly one of templateId, builtin or schema")
    request = training_pb2.GenerateFromTemplateRequest(
        project_id=input.project_id,
        count=input.count,
        seed=input.seed,
        locale=input.locale,
        format=input.format.value,
        options=_options(input.options),
    )
    if input.template_id is not None:
        request.template_id = input.template_id
    elif input.builtin is not None:
        request.builtin = input.builtin
    else:
        request.schema_json = schema or ""
    return request


@strawberry.type
class TemplatesQuery:
    @strawberry.field(
        description="the built-in templates (on the first page), then saved ones: a project's "
        "shared templates, or without projectId your own"
    )
    async def templates(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Template]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.ListTemplates(
                training_pb2.ListTemplatesRequest(
                    project_id=project_id or "", page_size=first, page_token=after or ""
                ),
                metadata=ctx.user_metadata,
            )
        return connection(
            [Template.from_proto(t) for t in response.templates], response.next_page_token
        )

    @strawberry.field(description="a built-in template by name, or a saved one by id")
    async def template(self, info: Info[Context, None], id: strawberry.ID) -> Template:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.training.GetTemplate(
                training_pb2.GetTemplateRequest(template_id=id), metadata=ctx.user_metadata
            )
        return Template.from_proto(response.template)


@strawberry.type
class TemplatesMutation:
    @strawberry.mutation(description="save a custom schema, checked field by field")
    async def create_template(
        self, info: Info[Context, None], input: CreateTemplateInput
    ) -> Template:
        ctx = info.context
        schema = _schema_text(input.schema, input.schema_json)
        with rpc_errors():
            response = await ctx.clients.training.CreateTemplate(
                training_pb2.CreateTemplateRequest(
                    name=input.name,
                    description=input.description,
                    schema_json=schema or "",
                    project_id=input.project_id or "",
                ),
                metadata=ctx.user_metadata,
            )
        return Template.from_proto(response.template)

    @strawberry.mutation(description="delete a template you saved")
    async def delete_template(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        ctx = info.context
        with rpc_errors():
            await ctx.clients.training.DeleteTemplate(
                training_pb2.DeleteTemplateRequest(template_id=id), metadata=ctx.user_metadata
            )
        return True

    @strawberry.mutation(
        description="queue a job that generates a batch from a template or a schema; the "
        "batch has the previews and downloads of model batches, one table per schema table"
    )
    async def generate_from_template(
        self, info: Info[Context, None], input: GenerateFromTemplateInput
    ) -> GeneratePayload:
        ctx = info.context
        request = _generate_request(input)
        with rpc_errors():
            response = await ctx.clients.training.GenerateFromTemplate(
                request, metadata=ctx.user_metadata
            )
        return GeneratePayload(
            batch=Batch.from_proto(response.batch), job=Job.from_proto(response.job)
        )
