"""Ids in requests: every service's resources are keyed by UUIDs."""

from __future__ import annotations

import uuid

from common.errors import InvalidArgument


def parse_id(value: str, field: str) -> uuid.UUID:
    """The id as a UUID; InvalidArgument naming ``field`` when it is not one."""
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise InvalidArgument(f"{field} is not a valid id", field=field) from None
