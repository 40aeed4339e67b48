"""Subscription events executed once for all the subscribers that asked the same thing.

graphql-core maps every event of every subscription through that subscription's selection
set: a job update followed by a thousand subscribers is executed a thousand times, though
most of them sent the same operation text (the parser cache then hands them one document
object) with the same variables, and the result is the same for each — as long as the
event's fields are plain data, resolved without the caller's context or credentials.

Payload types that promise that derive from ``SharedEvent``, and one instance is made per
event and shared by all its subscribers. ``SharedEventExecution`` keeps each result on the
event itself, keyed by (operation document, variables): the first subscriber executes, the
others reuse it. Results with errors are not shared. Who may see the event at all is decided
before, when the subscription starts (``jobUpdates`` asks the training service with the
subscriber's own credentials), so sharing a result never widens access.
"""

from __future__ import annotations

from typing import Any

from graphql import ExecutionResult, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Attribute of a SharedEvent holding its results: {id(operation): [(operation, variables,
# result), ...]}. Lives and dies with the event. Keyed by id, checked by identity: AST nodes
# compare and hash by content, too slow for once per subscriber and event.
_RESULTS = "_shared_results"


class SharedEvent:
    """Base of subscription payload types whose fields are plain data (no resolver reads the
    context), so that every subscriber with the same operation gets the same result."""


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, executing a SharedEvent once per operation and variables."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        event = self.root_value
        if (
            not isinstance(event, SharedEvent)
            or self.operation.operation is not OperationType.SUBSCRIPTION
        ):
            return super().execute_operation(serially)
        variables = self.variable_values.coerced
        shared: dict[int, list[tuple[Any, Any, ExecutionResult]]] = event.__dict__.setdefault(
            _RESULTS, {}
        )
        candidates = shared.setdefault(id(self.operation), [])
        for operation, given, result in candidates:
            if operation is self.operation and given == variables:
                return result
        result = super().execute_operation(serially)
        # An awaitable (a field with an async resolver) or a result with errors: not shared.
        if isinstance(result, ExecutionResult) and not result.errors:
            candidates.append((self.operation, variables, result))
        return result
