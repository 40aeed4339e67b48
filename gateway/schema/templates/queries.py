"""Templates queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import rpc_errors
from gateway.schema.common import Connection, connection
from gateway.schema.templates.types import Template
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
