"""Templates mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import call, done, fetched
from gateway.schema.templates.requests import generate_request, schema_text
from gateway.schema.templates.types import CreateTemplateInput, GenerateFromTemplateInput, Template
from gateway.schema.training.types import GeneratePayload
from synthetica.training.v1 import training_pb2


@strawberry.type
class TemplatesMutation:
    @strawberry.mutation(description="save a custom schema, checked field by field")
    async def create_template(
        self, info: Info[Context, None], input: CreateTemplateInput
    ) -> Template:
        request = training_pb2.CreateTemplateRequest(
            name=input.name,
            description=input.description,
            schema_json=schema_text(input.schema, input.schema_json) or "",
            project_id=input.project_id or "",
        )
        rpc = info.context.clients.training.CreateTemplate
        return await fetched(info, rpc, request, "template", Template.from_proto)

    @strawberry.mutation(description="delete a template you saved")
    async def delete_template(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = training_pb2.DeleteTemplateRequest(template_id=id)
        return await done(info, info.context.clients.training.DeleteTemplate, request)

    @strawberry.mutation(
        description="queue a job that generates a batch from a template or a schema; the "
        "batch has the previews and downloads of model batches, one table per schema table"
    )
    async def generate_from_template(
        self, info: Info[Context, None], input: GenerateFromTemplateInput
    ) -> GeneratePayload:
        rpc = info.context.clients.training.GenerateFromTemplate
        return GeneratePayload.from_proto(await call(info, rpc, generate_request(input)))
