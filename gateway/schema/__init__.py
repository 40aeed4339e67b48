"""One GraphQL schema merged from the per-domain packages (``<domain>/types.py``,
``queries.py``, ``mutations.py``, ``subscriptions.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.cost import cost_limit_rule
from gateway.errors import ApiError, MaskUnexpectedErrors, NoSuggestions, bad_variable
from gateway.fanout import SharedEventExecution
from gateway.field_repeats import guarded_validation_cache
from gateway.observability import GraphQLObservability
from gateway.read_cache import ClearAfterMutations
from gateway.schema.auth.mutations import AuthMutation
from gateway.schema.auth.queries import AuthQuery
from gateway.schema.connectors.mutations import ConnectorsMutation
from gateway.schema.connectors.queries import ConnectorsQuery
from gateway.schema.datasets.mutations import DatasetsMutation
from gateway.schema.datasets.queries import DatasetsQuery
from gateway.schema.evaluation.mutations import EvaluationMutation
from gateway.schema.evaluation.queries import EvaluationQuery
from gateway.schema.notifications.mutations import NotificationsMutation
from gateway.schema.notifications.queries import NotificationsQuery
from gateway.schema.notifications.subscriptions import NotificationsSubscription
from gateway.schema.templates.mutations import TemplatesMutation
from gateway.schema.templates.queries import TemplatesQuery
from gateway.schema.training.mutations import TrainingMutation
from gateway.schema.training.queries import TrainingQuery
from gateway.settings import GatewaySettings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"

Query = merge_types(
    "Query",
    (
        AuthQuery,
        DatasetsQuery,
        ConnectorsQuery,
        EvaluationQuery,
        TrainingQuery,
        TemplatesQuery,
        NotificationsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutation,
        DatasetsMutation,
        ConnectorsMutation,
        EvaluationMutation,
        TrainingMutation,
        TemplatesMutation,
        NotificationsMutation,
    ),
)
Subscription = merge_types("Subscription", (NotificationsSubscription,))


# What a subscription sent as a plain HTTP request is told: the gateway streams only over
# websockets (no multipart or SSE transport is configured on the router).
SUBSCRIPTION_NEEDS_WEBSOCKET = (
    "subscriptions run over a WebSocket: connect to /graphql with the graphql-transport-ws "
    "protocol; a plain HTTP request (GET or POST) answers queries and mutations only"
)


class Schema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Plain HTTP requests (GET and POST) come here; websockets subscribe through
        ``subscribe``. Strawberry lets both methods carry a subscription (for its multipart
        transport, which is off here), and graphql-core then resolved the subscription's
        generator as if it were a value: "internal error" and a logged traceback. Refused
        after parsing (under the token limit), before anything runs."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        try:
            return await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed - {OperationType.SUBSCRIPTION},
                operation_extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is not OperationType.SUBSCRIPTION:
                raise
            error = ApiError(SUBSCRIPTION_NEEDS_WEBSOCKET, code="SUBSCRIPTION_NEEDS_WEBSOCKET")
            return ExecutionResult(data=None, errors=[error])

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected failures (bad input, missing rights) are answers, not incidents: only
        the others are logged, with their traceback."""
        unexpected = [
            e for e in errors if not isinstance(e.original_error, ApiError) and not bad_variable(e)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


# Distinct query texts whose parsed document and validation result are kept. Clients send
# the same few operations over and over; an unknown text is parsed and validated as usual.
QUERY_CACHE_SIZE = 512


def build_schema(settings: GatewaySettings | None = None) -> strawberry.Schema:
    """The schema with its limits (depth, tokens, aliases, cost), error masking and
    observability. The limit rules are built once, so that a query text seen before skips
    parsing and validation (the validation cache is keyed by the rules)."""
    settings = settings or GatewaySettings.model_construct()
    tokens = settings.max_query_tokens
    rules = [
        query_depth_limiter.create_validator(settings.max_query_depth, None, None),
        max_aliases.create_validator(settings.max_aliases),
        cost_limit_rule(settings.max_query_cost),
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=SharedEventExecution,
        extensions=[
            # The token limit is a parse option, part of the parser cache's key: a cached
            # document was parsed under the same limit.
            lambda: MaxTokensLimiter(max_token_count=tokens),
            lambda: ParserCache(maxsize=QUERY_CACHE_SIZE),
            lambda: AddValidationRules(rules),
            # Refuses fields repeated under one name past a budget before validating:
            # validation compares them in pairs (gateway/field_repeats.py).
            guarded_validation_cache(settings.max_repeated_field_pairs, QUERY_CACHE_SIZE),
            MaskUnexpectedErrors,
            GraphQLObservability,
            ClearAfterMutations,
            *([] if settings.introspection else [NoSuggestions]),
        ],
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
