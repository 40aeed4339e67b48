"""Exceptions, one per ``extensions.code`` the gateway sends, with the server's reason as the
message. Catch :class:`SyntheticaError` for all of them."""

from __future__ import annotations

from typing import Any


class SyntheticaError(Exception):
    """Base of every error the client raises. ``code`` is the gateway's ``extensions.code``,
    ``reason`` its precise ``extensions.reason`` (may be empty)."""

    code = "INTERNAL"

    def __init__(self, message: str, *, reason: str = "", extensions: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.extensions = dict(extensions or {})

    def __str__(self) -> str:
        return self.message


class Unauthenticated(SyntheticaError):
    """No credentials, or they were refused (wrong, expired, revoked)."""

    code = "UNAUTHENTICATED"


class Forbidden(SyntheticaError):
    """Signed in, but your role does not allow this (e.g. a viewer training)."""

    code = "FORBIDDEN"


class NotFound(SyntheticaError):
    """It does not exist, or it is not yours to see."""

    code = "NOT_FOUND"


class BadUserInput(SyntheticaError):
    """The request was refused as invalid; ``fields`` lists ``{"field", "message"}`` pairs
    naming the offending inputs."""

    code = "BAD_USER_INPUT"

    @property
    def fields(self) -> list[dict[str, str]]:
        return list(self.extensions.get("fields") or [])

    def __str__(self) -> str:
        # A field whose message the error's own already says is named only (`... never occur
        # together ... (conditions.dest)`), not its message said twice.
        named = [
            str(f.get("field"))
            if str(f.get("message") or "") in self.message
            else f"{f.get('field')}: {f.get('message')}"
            for f in self.fields
        ]
        details = "; ".join(named)
        return (
            f"{self.message} ({details})"
            if details and details not in self.message
            else self.message
        )


class Conflict(SyntheticaError):
    code = "CONFLICT"


class FailedPrecondition(SyntheticaError):
    """Not now: e.g. the dataset is still ingesting, or the model is not ready."""

    code = "FAILED_PRECONDITION"


class RateLimited(SyntheticaError):
    """Too many attempts or jobs; ``retry_after`` seconds when the server says."""

    code = "RATE_LIMITED"

    @property
    def retry_after(self) -> float | None:
        value = self.extensions.get("retryAfterSeconds")
        return float(value) if value is not None else None


class ServiceUnavailable(SyntheticaError):
    """The platform (or the network to it) is down or overloaded; try again later."""

    code = "SERVICE_UNAVAILABLE"


class PayloadTooLarge(SyntheticaError):
    code = "PAYLOAD_TOO_LARGE"


class QuotaExceeded(SyntheticaError):
    """Over the account's storage quota (reason ``STORAGE_QUOTA_EXCEEDED``): delete datasets
    or batches to make room; waiting does not help."""

    code = "QUOTA_EXCEEDED"


class InternalError(SyntheticaError):
    """The server failed unexpectedly (its details are masked)."""

    code = "INTERNAL"


class JobFailed(SyntheticaError):
    """A job ended FAILED; ``job`` is its last state, ``message`` its error."""

    code = "JOB_FAILED"

    def __init__(self, message: str, *, job: Any = None) -> None:
        super().__init__(message)
        self.job = job


class JobCancelled(SyntheticaError):
    """A job ended CANCELLED while it was awaited; ``interrupted`` when the one waiting
    cancelled it (Ctrl-C in a terminal, then yes)."""

    code = "JOB_CANCELLED"

    def __init__(self, message: str, *, job: Any = None, interrupted: bool = False) -> None:
        super().__init__(message)
        self.job = job
        self.interrupted = interrupted


_BY_CODE: dict[str, type[SyntheticaError]] = {
    cls.code: cls
    for cls in (
        Unauthenticated,
        Forbidden,
        NotFound,
        BadUserInput,
        Conflict,
        FailedPrecondition,
        RateLimited,
        ServiceUnavailable,
        PayloadTooLarge,
        QuotaExceeded,
    )
}


def from_error(
    code: str, message: str, extensions: dict[str, Any] | None = None
) -> SyntheticaError:
    """The exception for a GraphQL error's ``extensions.code`` (or an HTTP route's
    ``error.code``); unknown codes become :class:`InternalError`."""
    cls = _BY_CODE.get(code, InternalError)
    extensions = dict(extensions or {})
    return cls(
        message or code.lower(), reason=str(extensions.get("reason") or ""), extensions=extensions
    )


def from_graphql_errors(errors: list[dict[str, Any]]) -> SyntheticaError:
    """The first error of a GraphQL response, typed. Validation errors (a query the server
    does not accept) have no code: they mean the client and the server disagree."""
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    extensions = dict(first.get("extensions") or {})
    code = str(extensions.pop("code", "") or "")
    message = str(first.get("message") or "unknown error")
    if not code and message == "internal error":
        return InternalError("the server failed unexpectedly (internal error)")
    if not code:
        return InternalError(
            f"the server refused the request: {message} (is the client older than the server?)"
        )
    return from_error(code, message, extensions)


def from_http_error(status: int, body: Any) -> SyntheticaError:
    """The error of a plain-HTTP route (uploads, downloads, reports): ``{"error": {code,
    message, ...}}``, or GraphQL's ``{"errors": [...]}``."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = dict(body["error"])
        code = str(error.pop("code", "INTERNAL"))
        message = str(error.pop("message", ""))
        return from_error(code, message, error)
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return from_graphql_errors(body["errors"])
    by_status = {
        401: "UNAUTHENTICATED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        413: "PAYLOAD_TOO_LARGE",
        429: "RATE_LIMITED",
        502: "SERVICE_UNAVAILABLE",
        503: "SERVICE_UNAVAILABLE",
        504: "SERVICE_UNAVAILABLE",
    }
    return from_error(by_status.get(status, "INTERNAL"), f"HTTP {status}")
