"""Datasets' statuses and projects' privacy gates, defined once: stored as these lower-case
words, sent as the proto enums of the same names (common.enums maps them)."""

from __future__ import annotations

from enum import StrEnum


class DatasetStatus(StrEnum):
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


class PrivacyGate(StrEnum):
    """What a project does with a synthetic batch whose privacy verdict is FAIL."""

    # Every ready batch downloads.
    OFF = "off"
    # A batch downloads only once its verdict is known and is not FAIL.
    BLOCK = "block"
    # As BLOCK, but an owner (or an admin) may release a FAIL batch, giving a reason.
    OWNER_OVERRIDE = "owner_override"

    @property
    def on(self) -> bool:
        return self is not PrivacyGate.OFF


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
