"""Types shared by every domain of the schema."""

from __future__ import annotations

from datetime import UTC, datetime
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
