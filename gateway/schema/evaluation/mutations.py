"""Evaluation mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import call
from gateway.schema.evaluation.types import EvaluateOptionsInput, Report, to_graphql
from synthetica.evaluation.v1 import evaluation_pb2


@strawberry.type
class EvaluationMutation:
    @strawberry.mutation(
        description="Evaluates the batch again (with a target column or sample size); the "
        "new report starts PENDING and becomes the batch's report."
    )
    async def evaluate(
        self,
        info: Info[Context, None],
        batch_id: strawberry.ID,
        options: EvaluateOptionsInput | None = None,
    ) -> Report:
        given = options or EvaluateOptionsInput()
        request = evaluation_pb2.EvaluateRequest(
            batch_id=batch_id,
            options=evaluation_pb2.EvaluateOptions(
                target_column=given.target_column or "",
                sample_rows=given.sample_rows,
                seed=given.seed,
            ),
        )
        response = await call(info, info.context.clients.evaluation.Evaluate, request)
        return await to_graphql(info, response.report)
