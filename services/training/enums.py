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
