"""Server interceptors: tracing and metrics, request context and access log, domain error
mapping, authentication.

Each interceptor wraps the behaviour of the method handler in an async context manager, so
contextvars it sets are visible to the handler and exceptions the handler raises reach it,
for unary and streaming RPCs alike.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol
from urllib.parse import unquote

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from opentelemetry.trace import SpanKind, Status, StatusCode

from common.context import Principal, new_request_id, principal_var, request_id_var
from common.db import DatabaseUnavailable
from common.errors import (
    DomainError,
    InvalidArgument,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)
from common.metrics import grpc_server_handled_total, grpc_server_handling_seconds
from common.tracing import extract, tracer

log = logging.getLogger(__name__)

ERROR_DOMAIN = "synthetica.dev"
# Methods callable without credentials: probes and schema discovery only.
OPEN_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

Scope = Callable[[grpc.aio.ServicerContext], contextlib.AbstractAsyncContextManager[Any]]


def _scoped_call(inner: Callable, scope: Scope) -> Callable:
    """A handler with one response (unary or client-streaming) run inside ``scope``."""

    async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
        async with scope(context):
            return await inner(request, context)

    return call


def _call_over(exc: Exception) -> bool:
    """Whether a write failed in grpc's core (``ExecuteBatchError`` and its kin, absent from
    grpc's type stubs): the call is over, its client gone or its deadline passed, and grpc
    itself drops such a failure. A response that cannot be serialised fails in Python and
    is not one of them: that stays an error, so a live client never gets a cut stream as OK."""
    return type(exc).__module__ == "grpc._cython.cygrpc"


def _scoped_stream(inner: Callable, scope: Scope) -> Callable:
    """A handler that streams its responses run inside ``scope``.

    It writes each response itself (``context.write``) rather than being a generator: a
    client that goes away cancels the call while a write waits, and the scope and the inner
    generator then end in the call's own task. A generator left suspended there would be
    closed later by the event loop's finalizer, in another context, where resetting the
    scope's context variables raises errors that nobody retrieves."""

    async def stream(request: Any, context: grpc.aio.ServicerContext) -> None:
        async with scope(context):
            responses = inner(request, context)
            if not inspect.isasyncgen(responses):  # an inner scope's stream, which writes
                await responses
                return
            async with contextlib.aclosing(responses):
                async for item in responses:
                    try:
                        await context.write(item)
                    except Exception as exc:
                        if _call_over(exc):  # the client went away: nobody to answer
                            return
                        raise

    return stream


def rewrap(
    handler: grpc.RpcMethodHandler, wrap: Callable[[Callable, bool, bool], Callable]
) -> grpc.RpcMethodHandler:
    """The same handler of the same kind, its behaviour replaced by ``wrap(behaviour,
    streams_requests, streams_responses)``."""
    kw = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(wrap(handler.unary_unary, False, False), **kw)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(wrap(handler.unary_stream, False, True), **kw)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(wrap(handler.stream_unary, True, False), **kw)
    return grpc.stream_stream_rpc_method_handler(wrap(handler.stream_stream, True, True), **kw)


def wrap_handler(handler: grpc.RpcMethodHandler, scope: Scope) -> grpc.RpcMethodHandler:
    """Returns a handler that runs the original behaviour inside ``scope(context)``."""
    return rewrap(
        handler,
        lambda inner, _, streams: (_scoped_stream if streams else _scoped_call)(inner, scope),
    )


class HandlerInterceptor(grpc.aio.ServerInterceptor):
    """An interceptor that replaces each method handler's behaviour (``wrap``), the same for
    unary and streaming RPCs; probes and reflection pass untouched."""

    async def intercept_service(
        self, continuation: Callable, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(OPEN_METHOD_PREFIXES):
            return handler
        return self.wrap(handler, handler_call_details.method)

    @abstractmethod
    def wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler: ...


class _ScopeInterceptor(HandlerInterceptor):
    def wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        return wrap_handler(handler, lambda context: self.scope(method, context))

    def scope(
        self, method: str, context: grpc.aio.ServicerContext
    ) -> contextlib.AbstractAsyncContextManager[Any]:
        raise NotImplementedError


def metadata_dict(context: grpc.aio.ServicerContext) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def peer_address(context: grpc.aio.ServicerContext) -> str:
    """The caller's address without its port: ``ipv4:10.1.2.3:5123`` -> ``10.1.2.3``,
    ``ipv6:[::1]:5123`` (or ``ipv6:%5B::1%5D:5123``) -> ``::1``. A new connection has a new
    port, never a new address."""
    peer = unquote(context.peer() or "")
    kind, _, rest = peer.partition(":")
    if kind not in ("ipv4", "ipv6"):
        return peer
    host = rest.rpartition(":")[0] or rest
    return host.strip("[]").split("%")[0]


# Codes that mean the server failed (OpenTelemetry's gRPC conventions); the others are the
# caller's mistake and leave the server span's status unset.
SERVER_FAULTS = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)


def final_code(context: grpc.aio.ServicerContext, raised: BaseException | None) -> grpc.StatusCode:
    """The status the caller gets: the one set on the context (errors are aborts), else OK,
    or CANCELLED when the call was torn down under the handler."""
    code = context.code() if hasattr(context, "code") else None
    if isinstance(code, grpc.StatusCode):
        return code
    if raised is None:
        return grpc.StatusCode.OK
    if not isinstance(raised, Exception):
        return grpc.StatusCode.CANCELLED
    return grpc.StatusCode.UNKNOWN


class ObservabilityInterceptor(_ScopeInterceptor):
    """Outermost: a server span that continues the caller's trace (W3C ``traceparent`` in the
    metadata), so the access log and everything the handler logs carry its trace id; and the
    ``grpc_server_*`` metrics by final status code."""

    @contextlib.asynccontextmanager
    async def scope(self, method: str, context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
        service, _, name = method.lstrip("/").partition("/")
        started = time.perf_counter()
        raised: BaseException | None = None
        with tracer().start_as_current_span(
            method.lstrip("/"),
            context=extract(metadata_dict(context)),
            kind=SpanKind.SERVER,
            attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield
            except BaseException as exc:
                raised = exc
                raise
            finally:
                code = final_code(context, raised)
                span.set_attribute("rpc.grpc.status_code", code.value[0])
                if code in SERVER_FAULTS:
                    span.set_status(Status(StatusCode.ERROR, code.name))
                grpc_server_handled_total.labels(service, name, code.name).inc()
                grpc_server_handling_seconds.labels(service, name).observe(
                    time.perf_counter() - started
                )


class RequestContextInterceptor(_ScopeInterceptor):
    """Takes the caller's x-request-id (or makes one), echoes it, and logs each call."""

    @contextlib.asynccontextmanager
    async def scope(self, method: str, context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
        request_id = metadata_dict(context).get("x-request-id") or new_request_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        outcome = "OK"
        try:
            context.set_trailing_metadata((("x-request-id", request_id),))
            yield
        except BaseException as exc:
            outcome = type(exc).__name__
            raise
        finally:
            code = context.code() if hasattr(context, "code") else None
            log.info(
                "rpc",
                extra={
                    "fields": {
                        "method": method,
                        "code": getattr(code, "name", None) or outcome,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                },
            )
            request_id_var.reset(token)


# Messages often quote what the caller sent ("no table 'xxx…'"). Unbounded, a long input
# made the status larger than gRPC's metadata limit: the caller got RESOURCE_EXHAUSTED
# instead of the error.
MAX_MESSAGE_CHARS = 1000


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def to_status(error: DomainError) -> grpc.Status:
    """Builds a rich status (google.rpc.Status with ErrorInfo and field details), its
    message and field descriptions cut at MAX_MESSAGE_CHARS."""
    details: list[any_pb2.Any] = []
    info = error_details_pb2.ErrorInfo(
        reason=error.reason, domain=ERROR_DOMAIN, metadata=error.metadata
    )
    details.append(_pack(info))
    if isinstance(error, InvalidArgument) and error.violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=_bounded(v.field), description=_bounded(v.description)
                )
                for v in error.violations
            ]
        )
        details.append(_pack(bad_request))
    if isinstance(error, ResourceExhausted) and error.retry_after_seconds is not None:
        delay = duration_pb2.Duration(seconds=max(1, int(error.retry_after_seconds)))
        details.append(_pack(error_details_pb2.RetryInfo(retry_delay=delay)))
    status = status_pb2.Status(
        code=getattr(code_pb2, error.code.name), message=_bounded(error.message), details=details
    )
    return rpc_status.to_status(status)


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


class ErrorInterceptor(_ScopeInterceptor):
    """Maps DomainError to its status, a database that does not answer to UNAVAILABLE;
    masks anything unexpected as INTERNAL."""

    @contextlib.asynccontextmanager
    async def scope(self, method: str, context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
        try:
            yield
        except grpc.aio.AbortError:
            raise
        except DomainError as error:
            status = to_status(error)
            await context.abort(status.code, status.details, status.trailing_metadata)
        except DatabaseUnavailable as exc:
            log.warning("database unavailable in %s: %s", method, exc)
            error = Unavailable(
                "the database is not answering; try again shortly", reason="DATABASE_UNAVAILABLE"
            )
            status = to_status(error)
            await context.abort(status.code, status.details, status.trailing_metadata)
        except Exception:
            log.exception("unhandled error in %s", method)
            await context.abort(
                grpc.StatusCode.INTERNAL,
                f"internal error (request id {request_id_var.get()})",
            )


class Authenticator(Protocol):
    async def authenticate(self, metadata: dict[str, str], peer: str) -> Principal:
        """Returns the caller or raises Unauthenticated."""
        ...


class AuthInterceptor(_ScopeInterceptor):
    """Every RPC except probes and reflection needs a caller the authenticator accepts."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    @contextlib.asynccontextmanager
    async def scope(self, method: str, context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
        principal = await self.authenticator.authenticate(metadata_dict(context), context.peer())
        token = principal_var.set(principal)
        try:
            yield
        finally:
            principal_var.reset(token)


def require_principal() -> Principal:
    principal = principal_var.get()
    if principal is None:
        raise Unauthenticated("credentials required")
    return principal


def require_user(message: str = "this call needs a user's credentials") -> Principal:
    """The caller when it is a user (or a service acting for one); PERMISSION_DENIED saying
    ``message`` otherwise."""
    principal = require_principal()
    if not principal.is_user:
        raise PermissionDenied(message)
    return principal


def require_service(message: str, *, reason: str | None = None) -> Principal:
    """The caller when it is one of the platform's services; PERMISSION_DENIED saying
    ``message`` (with ``reason``) otherwise."""
    principal = require_principal()
    if not principal.is_service:
        raise PermissionDenied(message, reason=reason)
    return principal
