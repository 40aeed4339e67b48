"""Evaluation queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import call
from gateway.schema.evaluation.types import Report, to_graphql
from synthetica.evaluation.v1 import evaluation_pb2


@strawberry.type
class EvaluationQuery:
    @strawberry.field(description="The batch's newest report (NOT_FOUND while it has none).")
    async def report(self, info: Info[Context, None], batch_id: strawberry.ID) -> Report:
        response = await call(
            info,
            info.context.clients.evaluation.GetReport,
            evaluation_pb2.GetReportRequest(batch_id=batch_id),
        )
        return await to_graphql(info, response.report)
