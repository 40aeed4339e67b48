"""Types shared by every domain of the schema."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Generic, TypeVar

import strawberry
from google.protobuf.message import Message

T = TypeVar("T")

MAX_PAGE = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Connection(Generic[T]):
    """A page of a list. Pass ``pageInfo.endCursor`` as ``after`` to get the next page."""

    nodes: list[T]
    page_info: PageInfo


def connection(nodes: list[T], next_token: str) -> Connection[T]:
    return Connection(
        nodes=nodes,
        page_info=PageInfo(has_next_page=bool(next_token), end_cursor=next_token or None),
    )


def dt(message: Message, field: str) -> datetime | None:
    """The timestamp field of a proto message as an aware datetime, None when unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


E = TypeVar("E", bound=Enum)


def from_proto_enum(enum: type[E], value: int) -> E | None:
    """The GraphQL enum member of a proto enum value. Every GraphQL enum here has the proto's
    numbers as its values (``JobStatus.RUNNING = training_pb2.JOB_STATUS_RUNNING``), so this is
    the one mapping; None for UNSPECIFIED or a value a newer service added."""
    try:
        return enum(value)
    except ValueError:
        return None
