"""Keyset pagination over (created_at, id) with opaque page tokens."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size_of(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument("page_size must not be negative", field="page_size")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def page_of(request: Any) -> dict[str, Any]:
    """A list request's paging fields, as the service's list functions take them."""
    return {"page_size": request.page_size, "page_token": request.page_token}


def encode_token(created_at: datetime, row_id: Any) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> tuple[datetime, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        created_at, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(created_at), str(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument("invalid page token", field="page_token") from exc


def paginate(
    session: Session,
    query: Select,
    *,
    page_size: int,
    page_token: str,
    newest_first: bool = False,
    created_at: InstrumentedAttribute | None = None,
    row_id: InstrumentedAttribute | None = None,
) -> tuple[list[Any], str]:
    """Returns one page of ORM rows and the token of the next page ('' at the end), ordered by
    ``created_at`` then ``row_id`` (by default the ``created_at`` and ``id`` columns of the
    table the query selects)."""
    table = query.column_descriptions[0]["entity"]
    created_at = table.created_at if created_at is None else created_at
    row_id = table.id if row_id is None else row_id
    size = page_size_of(page_size)
    if page_token:
        after_created, after_id = decode_token(page_token)
        after_id = _key(row_id, after_id)
        if newest_first:
            query = query.where(
                or_(
                    created_at < after_created, and_(created_at == after_created, row_id < after_id)
                )
            )
        else:
            query = query.where(
                or_(
                    created_at > after_created, and_(created_at == after_created, row_id > after_id)
                )
            )
    order = (created_at.desc(), row_id.desc()) if newest_first else (created_at, row_id)
    rows = list(session.scalars(query.order_by(*order).limit(size + 1)))
    if len(rows) <= size:
        return rows, ""
    rows = rows[:size]
    last = rows[-1]
    return rows, encode_token(getattr(last, created_at.key), getattr(last, row_id.key))


def _key(row_id: InstrumentedAttribute, value: str) -> Any:
    """A token's row id as its column's type (a UUID): a forged token's id that is none is a
    bad token, not a query the database refuses (an internal error)."""
    try:
        kind = row_id.type.python_type
    except NotImplementedError:
        return value
    try:
        return kind(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument("invalid page token", field="page_token") from exc
