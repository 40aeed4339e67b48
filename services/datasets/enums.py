"""Datasets' statuses, defined once: stored as these lower-case words, sent as the proto enums of
the same names (common.enums maps them). Projects' privacy gates are a shared contract
(common.contracts.privacy_gate)."""

from __future__ import annotations

from enum import StrEnum


class DatasetStatus(StrEnum):
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


class ConnectionErrorCode(StrEnum):
    """Why connecting to a database failed (the proto's ConnectionErrorCode)."""

    AUTH_FAILED = "AUTH_FAILED"
    UNREACHABLE = "UNREACHABLE"
    TIMEOUT = "TIMEOUT"
    ADDRESS_REFUSED = "ADDRESS_REFUSED"
    DATABASE_NOT_FOUND = "DATABASE_NOT_FOUND"
    CONNECT_FAILED = "CONNECT_FAILED"


class ExportMode(StrEnum):
    CREATE = "CREATE"
    APPEND = "APPEND"
