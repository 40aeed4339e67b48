"""Datasets' statuses, defined once: stored as these lower-case words, sent as the proto enum
of the same name (common.enums maps them)."""

from __future__ import annotations

from enum import StrEnum


class DatasetStatus(StrEnum):
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"
