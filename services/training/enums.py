"""Training's statuses and kinds, defined once: stored as these lower-case words, sent as the
proto enums of the same names (common.enums maps them)."""

from __future__ import annotations

from enum import StrEnum


class JobKind(StrEnum):
    TRAIN = "train"
    GENERATE = "generate"
    TEMPLATE = "template"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # An editor's request in a project that requires approval: not queued until an owner
    # (or an admin) approves it; a rejection cancels it.
    PENDING_APPROVAL = "pending_approval"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class ModelStatus(StrEnum):
    QUEUED = "queued"
    TRAINING = "training"
    READY = "ready"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BatchStatus(StrEnum):
    GENERATING = "generating"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class BatchGateState(StrEnum):
    """Where a batch stands with its project's privacy gate (computed, never stored: the
    project's setting may change at any time)."""

    OPEN = "open"
    AWAITING_VERDICT = "awaiting_verdict"
    BLOCKED = "blocked"
    RELEASED = "released"
