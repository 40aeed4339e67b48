"""Domain errors. Services raise these; one interceptor turns them into gRPC statuses.

Each error carries a machine-readable ``reason`` (google.rpc.ErrorInfo) and, for invalid
arguments, the offending fields (google.rpc.BadRequest), so clients can point at the field.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc


class DomainError(Exception):
    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN
    default_reason = "ERROR"

    def __init_subclass__(cls, **kwargs: object) -> None:
        # An error class that names its status code gives that code's name as its reason,
        # unless it says otherwise.
        super().__init_subclass__(**kwargs)
        if "code" in vars(cls) and "default_reason" not in vars(cls):
            cls.default_reason = cls.code.name

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata = metadata or {}


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Unavailable(DomainError):
    """A dependency (the database, a peer) cannot answer now; trying again later may work."""

    code = grpc.StatusCode.UNAVAILABLE


class ResourceExhausted(DomainError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(self, message: str, *, retry_after_seconds: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after_seconds = retry_after_seconds


class FieldViolation:
    __slots__ = ("description", "field")

    def __init__(self, field: str, description: str) -> None:
        self.field = field
        self.description = description

    def __repr__(self) -> str:
        return f"FieldViolation({self.field!r}, {self.description!r})"


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        violations: Iterable[FieldViolation] = (),
        **kw,
    ) -> None:
        super().__init__(message, **kw)
        self.violations = list(violations)
        if field is not None:
            self.violations.insert(0, FieldViolation(field, message))
