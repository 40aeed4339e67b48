"""The one error the report core raises for input it cannot evaluate."""

from __future__ import annotations

from common.errors import InvalidArgument


class ReportError(InvalidArgument):
    """Bad report input (a missing or constant target, an empty table, ...).

    `field` names the offending input ("target_column", "synthetic", "metadata", ...) so the
    gRPC interceptor can return INVALID_ARGUMENT with a field violation.
    """

    default_reason = "INVALID_REPORT_INPUT"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)
        self.field = field
