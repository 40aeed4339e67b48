"""One GraphQL schema merged from the per-domain modules."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.cost import query_cost_limiter
from gateway.errors import ApiError, should_mask
from gateway.observability import GraphQLObservability
from gateway.schema.auth import AuthMutation, AuthQuery
from gateway.schema.datasets import DatasetsMutation, DatasetsQuery
from gateway.schema.evaluation import EvaluationMutation, EvaluationQuery
from gateway.schema.notifications import (
    NotificationsMutation,
    NotificationsQuery,
    NotificationsSubscription,
)
from gateway.schema.templates import TemplatesMutation, TemplatesQuery
from gateway.schema.training import TrainingMutation, TrainingQuery
from gateway.settings import GatewaySettings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"

Query = merge_types(
    "Query",
    (AuthQuery, DatasetsQuery, EvaluationQuery, TrainingQuery, TemplatesQuery, NotificationsQuery),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutation,
        DatasetsMutation,
        EvaluationMutation,
        TrainingMutation,
        TemplatesMutation,
        NotificationsMutation,
    ),
)
Subscription = merge_types("Subscription", (NotificationsSubscription,))


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected failures (bad input, missing rights) are answers, not incidents: only
        the others are logged, with their traceback."""
        unexpected = [e for e in errors if not isinstance(e.original_error, ApiError)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(settings: GatewaySettings | None = None) -> strawberry.Schema:
    settings = settings or GatewaySettings.model_construct()
    depth, tokens = settings.max_query_depth, settings.max_query_tokens
    aliases, cost = settings.max_aliases, settings.max_query_cost
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=depth),
            lambda: MaxTokensLimiter(max_token_count=tokens),
            lambda: MaxAliasesLimiter(max_alias_count=aliases),
            lambda: query_cost_limiter(cost),
            lambda: MaskErrors(should_mask_error=should_mask, error_message="internal error"),
            GraphQLObservability,
        ],
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
