"""gRPC statuses become typed GraphQL errors: ``extensions.code`` says what kind, ``reason``
says exactly what, ``fields`` points at the offending inputs. Anything else is masked."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator

import grpc
from google.rpc import error_details_pb2
from graphql import GraphQLError, VariableDefinitionNode
from grpc_status import rpc_status
from strawberry.extensions import MaskErrors, SchemaExtension

from services.datasets.client import QUOTA_REASON

log = logging.getLogger(__name__)

CODES = {
    grpc.StatusCode.UNAUTHENTICATED: "UNAUTHENTICATED",
    grpc.StatusCode.PERMISSION_DENIED: "FORBIDDEN",
    grpc.StatusCode.NOT_FOUND: "NOT_FOUND",
    grpc.StatusCode.INVALID_ARGUMENT: "BAD_USER_INPUT",
    grpc.StatusCode.ALREADY_EXISTS: "CONFLICT",
    grpc.StatusCode.FAILED_PRECONDITION: "FAILED_PRECONDITION",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "RATE_LIMITED",
    grpc.StatusCode.UNAVAILABLE: "SERVICE_UNAVAILABLE",
    grpc.StatusCode.DEADLINE_EXCEEDED: "SERVICE_UNAVAILABLE",
}

# RESOURCE_EXHAUSTED reasons that are a quota, not a rate: shown as QUOTA_EXCEEDED.
QUOTA_REASONS = frozenset({QUOTA_REASON})


class ApiError(GraphQLError):
    """An expected failure, shown to the client as it is (never masked)."""

    def __init__(self, message: str, *, code: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


# What the client is told when a service cannot be reached: gRPC's own words for it name the
# service's internal address, port or socket path ("ipv4:10.0.3.17:25052: Connection refused").
TRANSPORT_MESSAGES = {
    grpc.StatusCode.UNAVAILABLE: "the service is not answering; try again shortly",
    grpc.StatusCode.DEADLINE_EXCEEDED: "the service did not answer in time; try again shortly",
}


def from_rpc_error(error: grpc.aio.AioRpcError) -> GraphQLError:
    code = CODES.get(error.code())
    if code is None:
        return GraphQLError("internal error")  # masked below as unexpected
    extensions: dict[str, object] = {}
    status = rpc_status.from_call(error)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            extensions["reason"] = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            extensions["fields"] = [
                {"field": v.field, "message": v.description} for v in bad.field_violations
            ]
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            extensions["retryAfterSeconds"] = retry.retry_delay.seconds
    if extensions.get("reason") in QUOTA_REASONS:
        # RESOURCE_EXHAUSTED as well, but waiting does not help: something must be deleted.
        code = "QUOTA_EXCEEDED"
    # Every error a service raises carries its ErrorInfo (common.interceptors.to_status); one
    # without it came from the transport, and its words stay in the log.
    transport = TRANSPORT_MESSAGES.get(error.code()) if "reason" not in extensions else None
    if transport is not None:
        log.warning("service call failed: %s: %s", error.code().name, error.details())
        return ApiError(transport, code=code, **extensions)
    return ApiError(error.details() or code.lower(), code=code, **extensions)


@contextlib.contextmanager
def rpc_errors() -> Iterator[None]:
    try:
        yield
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc) from exc


SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def bad_variable(error: GraphQLError) -> bool:
    """A variable whose value its type refuses (``count: 10**12`` for an Int, which GraphQL
    holds to 32 bits; ``1.5`` for an Int; ``"XLSX"`` for an enum): graphql-core's own words,
    which name the variable, where in it and the value, with no exception of ours behind
    them (a scalar's own exception stays masked)."""
    inner = error.original_error
    return (
        error.path is None
        and isinstance(inner, GraphQLError)
        and inner.original_error is None
        and any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ())
    )


def as_bad_input(error: GraphQLError) -> GraphQLError:
    """A refused variable as the client's error (BAD_USER_INPUT), not "internal error"; without
    a "Did you mean" hint, which would name the schema's values to a gateway that hides it."""
    return GraphQLError(
        SUGGESTION.sub("", error.message),
        error.nodes,
        error.source,
        error.positions,
        extensions={"code": "BAD_USER_INPUT", "reason": "INVALID_VARIABLE"},
    )


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if isinstance(original, ApiError) or isinstance(error, ApiError):
        return False
    # Validation errors (bad query syntax, unknown field, depth limit) carry no original error.
    return original is not None


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's MaskErrors with ``should_mask`` (unexpected errors become "internal
    error"), looking for errors with a plain attribute read: the library's check, an
    ``isinstance`` against a runtime Protocol, cost about 5 % of the gateway's time when it
    streams one job's updates to a thousand subscribers (bench/bench_subscriptions.py)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message="internal error")

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            errors = [as_bad_input(e) if bad_variable(e) else e for e in errors]
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


class NoSuggestions(SchemaExtension):
    """Validation errors without their "Did you mean ...?" hints, for a gateway with
    introspection off: the hints name the schema's fields, arguments and types, so a client
    could otherwise collect the schema one guess at a time (as tools like Clairvoyance do),
    which is what switching introspection off is meant to stop."""

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors
        if errors:  # in place: the answer already holds this list
            errors[:] = [_without_hint(e) for e in errors]


def _without_hint(error: GraphQLError) -> GraphQLError:
    if not SUGGESTION.search(error.message):
        return error
    return GraphQLError(
        SUGGESTION.sub("", error.message),
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        error.extensions,
    )
