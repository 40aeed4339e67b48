"""The gateway's share of observability: metrics and an access log line per HTTP request,
and a span and metrics per GraphQL operation.

The HTTP server span is FastAPI's own (native OpenTelemetry support, on once a TracerProvider
is configured): it continues a trace the client started (``traceparent`` header) or starts
one. The GraphQL operation span is its descendant and the parent of every gRPC call the
resolvers make, whose metadata carries it on (``common.clients``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

from graphql import FieldNode, OperationDefinitionNode
from graphql.utilities import get_operation_ast
from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension

from common.context import new_request_id, request_id_var
from common.metrics import RPC_BUCKETS
from common.tracing import tracer

log = logging.getLogger("gateway.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Probes and scrapes every few seconds would drown the access log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

# Paths that end in a secret: an invitation link of the old form, /invitations/<token> (links
# carry it in the fragment now, which never reaches a server). Logged without it.
SECRET_PATHS = re.compile(r"^(/invitations/)[^/]+/?$")

http_requests_total = Counter(
    "http_requests_total",
    "HTTP requests the gateway answered, by route template and status.",
    ["method", "route", "status"],
)
http_request_duration_seconds = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response body.",
    ["method", "route"],
    buckets=RPC_BUCKETS,
)
graphql_operations_total = Counter(
    "graphql_operations_total",
    "GraphQL operations, once per root field (`me`, `register`, ...), by outcome: ok, error "
    "(executed with errors), rejected (unparsable, invalid, or over a depth/cost limit).",
    ["type", "field", "outcome"],
)
graphql_operation_duration_seconds = Histogram(
    "graphql_operation_duration_seconds",
    "Time to parse, validate and execute one GraphQL operation.",
    ["type"],
    buckets=RPC_BUCKETS,
)


class ObservabilityMiddleware:
    """Pure ASGI (streamed responses and WebSockets pass untouched): the ``http_*`` metrics
    by route template, the request id, and one access log line, written inside FastAPI's
    request span so it carries the trace id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        method, path = scope["method"], scope["path"]
        status = 500
        started = time.perf_counter()

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = request_id_var.set(given.decode("latin-1") or new_request_id())
        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            seconds = time.perf_counter() - started
            self._record(method, path, _route_template(scope), status, seconds)
            request_id_var.reset(token)

    @staticmethod
    def _record(method: str, path: str, route: str, status: int, seconds: float) -> None:
        http_requests_total.labels(method, route, str(status)).inc()
        http_request_duration_seconds.labels(method, route).observe(seconds)
        if path not in QUIET_PATHS:
            fields = {
                "method": method,
                "path": SECRET_PATHS.sub(r"\1<redacted>", path),
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            }
            log.info("http", extra={"fields": fields})


def _route_template(scope: Scope) -> str:
    """The matched route as a template (``/batches/{batch_id}``), never the raw path: raw
    paths would make one time series per URL anyone tries. Rebuilt from the path parameters
    because a route of an included router only knows its path relative to the prefix."""
    if scope.get("route") is None:
        return "unmatched"
    path = scope["path"]
    for name, value in scope.get("path_params", {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


def _outcome(*, executed: bool, failed: bool) -> str:
    if not executed:
        return "rejected"
    return "error" if failed else "ok"


class GraphQLObservability(SchemaExtension):
    """A span per operation, current while its resolvers run, and the ``graphql_*`` metrics.
    The query text is not recorded: it may hold passwords given inline."""

    def on_operation(self) -> Iterator[None]:
        self.executed = False
        started = time.perf_counter()
        with tracer().start_as_current_span("graphql operation") as span:
            yield
            kind, fields = self._describe()
            result = self.execution_context.result
            errors = (result.errors if result is not None else None) or []
            outcome = _outcome(executed=self.executed, failed=bool(errors))
            span.update_name(f"graphql {kind} {','.join(fields)}".rstrip())
            span.set_attributes(
                {
                    "graphql.operation.type": kind,
                    "graphql.operation.outcome": outcome,
                    "graphql.errors": len(errors),
                }
            )
            for field in fields or [""]:
                graphql_operations_total.labels(kind, field, outcome).inc()
            graphql_operation_duration_seconds.labels(kind).observe(time.perf_counter() - started)

    def on_execute(self) -> Iterator[None]:
        # Only a parsed and validated operation gets here: its root fields are schema fields.
        self.executed = True
        yield

    def _describe(self) -> tuple[str, list[str]]:
        """(operation type, root field names); ("unknown", []) for what never parsed, and no
        field names for what failed validation (they could be anything)."""
        document = self.execution_context.graphql_document
        if document is None:
            return "unknown", []
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if not isinstance(operation, OperationDefinitionNode):
            return "unknown", []
        kind = operation.operation.value
        if not self.executed:
            return kind, []
        names = {
            s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)
        }
        return kind, sorted(names)
