"""How many files one account may have ingesting at once.

An upload's call may answer before its file is ingested (``waitSeconds``: 202 INGESTING), and
ingestion runs in a small pool of processes, first come first served. Without a count, one
account posting files without waiting queued any number of ingestions, and every other
account's uploads waited behind all of them. New datasets, imports and added tables count
alike (their rows are INGESTING until the worker reports, READY or FAILED); the count is
taken before a byte is stored, and again, under a lock per account, when the row is created,
so uploads that finish streaming together cannot all take the last place. The count is in
PostgreSQL, so it holds across replicas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from common.errors import ResourceExhausted
from common.ids import parse_id
from services.datasets.models import INGESTING, Dataset, DatasetTable

T = TypeVar("T")


def check_ingesting(*, session: Session, user_id: str, limit: int) -> None:
    """ResourceExhausted (``TOO_MANY_UPLOADS``, the gateway's reason for uploads at once)
    when ``user_id`` has ``limit`` files ingesting; the lock is held to the transaction's end."""
    user = parse_id(user_id, "user_id")
    key = f"datasets.ingesting:{user}"
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    ingesting = sum(
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.created_by == user, model.status == INGESTING)
        )
        or 0
        for model in (Dataset, DatasetTable)
    )
    if ingesting >= limit:
        raise ResourceExhausted(
            f"you have {ingesting} files still ingesting (at most {limit} at once): wait for"
            " one to be ready, then try again",
            reason="TOO_MANY_UPLOADS",
        )


def counted(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` (a service function taking ``session`` and ``user_id``) after check_ingesting
    in the same transaction, with the limit as the ``max_ingesting`` keyword."""

    def run(*, session: Session, user_id: str, max_ingesting: int, **kwargs: Any) -> T:
        check_ingesting(session=session, user_id=user_id, limit=max_ingesting)
        return fn(session=session, user_id=user_id, **kwargs)

    return run
