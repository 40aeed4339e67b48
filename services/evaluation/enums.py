"""Evaluation's report statuses and kinds, defined once: stored as these lower-case words, sent
as the proto enums of the same names (common.enums maps them)."""

from __future__ import annotations

from enum import StrEnum


class ReportStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (ReportStatus.READY, ReportStatus.FAILED)


class ReportKind(StrEnum):
    # A model batch: compared with the real data it was trained on.
    FULL = "full"
    # A template batch: checked against its own schema, there being no real data.
    CONFORMANCE = "conformance"
