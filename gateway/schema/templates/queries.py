"""Templates queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, fetched, listed, page
from gateway.schema.templates.requests import preview_request
from gateway.schema.templates.types import Template, TemplatePreviewInput, TemplatePreviewTable
from synthetica.training.v1 import training_pb2


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
        request = training_pb2.ListTemplatesRequest(
            project_id=project_id or "", **page(first, after)
        )
        rpc = info.context.clients.training.ListTemplates
        return await listed(info, rpc, request, "templates", Template.from_proto)

    @strawberry.field(description="a built-in template by name, or a saved one by id")
    async def template(self, info: Info[Context, None], id: strawberry.ID) -> Template:
        request = training_pb2.GetTemplateRequest(template_id=id)
        rpc = info.context.clients.training.GetTemplate
        return await fetched(info, rpc, request, "template", Template.from_proto)

    @strawberry.field(
        description="a few rows of every table a template makes, at once and without a job, "
        "made as generateFromTemplate makes them; the same seed gives the same rows"
    )
    async def template_preview(
        self, info: Info[Context, None], input: TemplatePreviewInput
    ) -> list[TemplatePreviewTable]:
        rpc = info.context.clients.training.PreviewTemplate
        response = await call(info, rpc, preview_request(input))
        return [TemplatePreviewTable.from_proto(t) for t in response.tables]
