"""Templates queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, listed, page
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
        ctx = info.context
        return await listed(
            info,
            ctx.clients.training.ListTemplates,
            training_pb2.ListTemplatesRequest(project_id=project_id or "", **page(first, after)),
            "templates",
            Template.from_proto,
        )

    @strawberry.field(description="a built-in template by name, or a saved one by id")
    async def template(self, info: Info[Context, None], id: strawberry.ID) -> Template:
        ctx = info.context
        response = await call(
            info, ctx.clients.training.GetTemplate, training_pb2.GetTemplateRequest(template_id=id)
        )
        return Template.from_proto(response.template)

    @strawberry.field(
        description="a few rows of every table a template makes, at once and without a job, "
        "made as generateFromTemplate makes them; the same seed gives the same rows"
    )
    async def template_preview(
        self, info: Info[Context, None], input: TemplatePreviewInput
    ) -> list[TemplatePreviewTable]:
        ctx = info.context
        request = preview_request(input)
        response = await call(info, ctx.clients.training.PreviewTemplate, request)
        return [TemplatePreviewTable.from_proto(t) for t in response.tables]
