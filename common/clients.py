"""Outbound gRPC: channels that carry the request id, the trace context (W3C ``traceparent``)
and a default deadline, the metadata a service sends to authenticate as itself (optionally on
behalf of a user), and the one translation of a peer's error statuses into domain errors."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from typing import Any

import grpc

from common.context import request_id_var
from common.errors import (
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from common.tracing import inject

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# gRPC call metadata as the stubs take it: (key, value) pairs.
Metadata = tuple[tuple[str, str], ...]
# A peer's statuses that are answers about the request (not there, not allowed, ...), as the
# domain errors a service raises itself; anything else (UNAVAILABLE, DEADLINE_EXCEEDED, ...)
# is a fault, left as it is so that the caller retries or fails.
PEER_ANSWERS: dict[grpc.StatusCode, type[DomainError]] = {
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
}


def outbound_metadata(metadata: Any) -> Metadata:
    """A call's metadata with the current request id and trace context added, unless the
    caller gave them."""
    items = tuple(metadata or ())
    keys = {key for key, _ in items}
    request_id = request_id_var.get()
    if request_id and "x-request-id" not in keys:
        items += (("x-request-id", request_id),)
    if "traceparent" not in keys:
        items += tuple(inject({}).items())
    return items


def _with_context(details: grpc.aio.ClientCallDetails, default_timeout: float) -> Any:
    return grpc.aio.ClientCallDetails(
        method=details.method,
        timeout=details.timeout if details.timeout is not None else default_timeout,
        metadata=grpc.aio.Metadata(*outbound_metadata(details.metadata)),
        credentials=details.credentials,
        wait_for_ready=details.wait_for_ready,
    )


class _UnaryUnary(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[override]
        return await continuation(_with_context(client_call_details, self.timeout), request)


class _UnaryStream(grpc.aio.UnaryStreamClientInterceptor):
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[override]
        return await continuation(_with_context(client_call_details, self.timeout), request)


class _StreamUnary(grpc.aio.StreamUnaryClientInterceptor):
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[override]
        return await continuation(
            _with_context(client_call_details, self.timeout), request_iterator
        )


_CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]


def make_channel(address: str, *, default_timeout: float = 30.0) -> grpc.aio.Channel:
    """An insecure channel (mTLS belongs to the mesh in a cluster) with every call given
    the current request id and a deadline unless the caller set one."""
    return grpc.aio.insecure_channel(
        address,
        interceptors=[
            _UnaryUnary(default_timeout),
            _UnaryStream(default_timeout),
            _StreamUnary(default_timeout),
        ],
        options=_CHANNEL_OPTIONS,
    )


class _WithContext:
    """One method's callable, giving each call what ``make_channel``'s interceptors give it."""

    __slots__ = ("_callable", "_timeout")

    def __init__(self, multicallable: Any, timeout: float) -> None:
        self._callable = multicallable
        self._timeout = timeout

    def __call__(
        self, *args: Any, timeout: float | None = None, metadata: Any = None, **kw: Any
    ) -> Any:
        return self._callable(
            *args,
            timeout=self._timeout if timeout is None else timeout,
            metadata=outbound_metadata(metadata),
            **kw,
        )


class ContextChannel:
    """``make_channel`` for a hot path: the same deadline, request id and trace context on
    every call, added by wrapping each method's callable rather than by grpc.aio's
    interceptors, which cost an extra task and call object per call. Stubs take it as they
    take a channel."""

    def __init__(self, address: str, *, default_timeout: float = 30.0) -> None:
        self.channel = grpc.aio.insecure_channel(address, options=_CHANNEL_OPTIONS)
        self._timeout = default_timeout

    def unary_unary(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return _WithContext(self.channel.unary_unary(method, *args, **kwargs), self._timeout)

    def unary_stream(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return _WithContext(self.channel.unary_stream(method, *args, **kwargs), self._timeout)

    def stream_unary(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return _WithContext(self.channel.stream_unary(method, *args, **kwargs), self._timeout)

    def stream_stream(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return _WithContext(self.channel.stream_stream(method, *args, **kwargs), self._timeout)

    async def close(self) -> None:
        await self.channel.close()


def service_metadata(
    service_token: str,
    *,
    service_name: str,
    on_behalf_of: str = "",
    role: str = "",
    extra: dict[str, str] | None = None,
) -> tuple[tuple[str, str], ...]:
    items = [("x-service-token", service_token), ("x-service-name", service_name)]
    if on_behalf_of:
        items.append(("x-on-behalf-of", on_behalf_of))
        items.append(("x-on-behalf-of-role", role or "member"))
    items.extend((extra or {}).items())
    return tuple(items)


@contextlib.contextmanager
def peer_errors(
    what: str = "",
    *,
    codes: Collection[grpc.StatusCode] = tuple(PEER_ANSWERS),
    field: str | None = None,
) -> Iterator[None]:
    """Re-raises a peer's status among ``codes`` as our own domain error (its reason is the
    status name; ``what`` prefixes the message; ``field`` names the argument an
    INVALID_ARGUMENT is about), so our interceptor answers our caller with the same status."""
    try:
        yield
    except grpc.aio.AioRpcError as exc:
        if exc.code() not in codes:
            raise
        details = exc.details() or ""
        message = f"{what}: {details}" if what else details
        reason = exc.code().name
        error = PEER_ANSWERS[exc.code()]
        if error is InvalidArgument:
            raise InvalidArgument(message, field=field, reason=reason) from exc
        raise error(message, reason=reason) from exc
