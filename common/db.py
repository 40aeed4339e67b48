"""PostgreSQL access: one schema per service, synchronous SQLAlchemy sessions run in threads.

Service functions are plain synchronous functions taking ``session`` as a keyword; async code
calls them through ``Database.call``, which runs them in a worker thread inside a transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)


class Database:
    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.engine = make_engine(url, pool_size=pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Runs ``fn(session=..., **kwargs)`` in one transaction (commit on success)."""
        with self.sessions.begin() as session:
            return fn(session=session, **kwargs)

    async def call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await asyncio.to_thread(self.run, fn, **kwargs)

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
