"""Templates mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

import json

import strawberry
from google.protobuf import struct_pb2
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import ApiError, rpc_errors
from gateway.schema.templates.types import CreateTemplateInput, GenerateFromTemplateInput, Template
from gateway.schema.training.types import Batch, GeneratePayload, Job
from synthetica.training.v1 import training_pb2


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
