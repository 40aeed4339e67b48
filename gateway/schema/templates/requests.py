"""Templates inputs as training requests: one source (a saved template, a built-in or a
schema) checked the same way for a job and for a preview."""

from __future__ import annotations

import json

from gateway.errors import ApiError
from gateway.schema.json_struct import struct_of
from gateway.schema.templates.types import (
    GenerateFromTemplateInput,
    TemplatePreviewInput,
    TemplateSource,
)
from synthetica.training.v1 import training_pb2


def _bad_input(field: str, message: str) -> ApiError:
    return ApiError(
        f"{field}: {message}",
        code="BAD_USER_INPUT",
        fields=[{"field": field, "message": message}],
    )


def schema_text(schema: object, schema_json: str | None) -> str | None:
    """One schema from either input field, as JSON text."""
    if schema is not None and schema_json is not None:
        raise _bad_input("schema", "give schema or schemaJson, not both")
    if schema is not None:
        if not isinstance(schema, dict):
            raise _bad_input("schema", "must be a JSON object")
        return json.dumps(schema)
    return schema_json


def _set_source(
    request: training_pb2.GenerateFromTemplateRequest | training_pb2.PreviewTemplateRequest,
    input: TemplateSource,
) -> None:
    schema = schema_text(input.schema, input.schema_json)
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
    if input.template_id is not None:
        request.template_id = input.template_id
    elif input.builtin is not None:
        request.builtin = input.builtin
    else:
        request.schema_json = schema or ""


def generate_request(input: GenerateFromTemplateInput) -> training_pb2.GenerateFromTemplateRequest:
    request = training_pb2.GenerateFromTemplateRequest(
        project_id=input.project_id,
        count=input.count,
        seed=input.seed,
        locale=input.locale,
        format=input.format.value,
        options=struct_of(input.options, "options"),
    )
    _set_source(request, input)
    return request


def preview_request(input: TemplatePreviewInput) -> training_pb2.PreviewTemplateRequest:
    request = training_pb2.PreviewTemplateRequest(
        rows=input.rows,
        seed=input.seed,
        locale=input.locale,
        options=struct_of(input.options, "options"),
    )
    _set_source(request, input)
    return request
