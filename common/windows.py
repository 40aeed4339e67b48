"""Limits counted over a sliding window of rows in PostgreSQL, so every replica agrees."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.errors import ResourceExhausted


def refuse_past_limit(
    session: Session,
    created_at: InstrumentedAttribute[datetime],
    *where: ColumnElement[bool],
    limit: int,
    window_seconds: float,
    now: datetime,
    message: str,
    reason: str,
) -> None:
    """ResourceExhausted, saying when the oldest counted row leaves the window, when ``limit``
    rows matching ``where`` were created in the ``window_seconds`` before ``now``."""
    since = now - timedelta(seconds=window_seconds)
    count, oldest = session.execute(
        select(func.count(), func.min(created_at)).where(*where, created_at > since)
    ).one()
    if count >= limit:
        wait = window_seconds - (now - oldest).total_seconds()
        raise ResourceExhausted(message, reason=reason, retry_after_seconds=max(1.0, wait))
