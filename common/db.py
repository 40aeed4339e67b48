"""PostgreSQL access: one schema per service, synchronous SQLAlchemy sessions run in threads.

Service functions are plain synchronous functions taking ``session`` as a keyword; async code
calls them through ``Database.call``, which runs them in a worker thread inside a transaction.

Every wait on the server is bounded. ``statement_timeout`` makes the server cancel a slow
statement, but a server that does not answer at all (frozen, a dead network path: the kernel
still accepts connections and acknowledges bytes) is only noticed by the client: psycopg2 runs
in "green" mode with a wait callback that gives each connect and each statement a limit,
then closes the connection. Waiting for a pooled connection is bounded too. Whatever the
cause, the caller gets ``DatabaseUnavailable`` within seconds (the gRPC interceptor answers
UNAVAILABLE), the worker thread is free again, and the pool reconnects once the server is
back: no restart needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import psycopg2
import psycopg2.extensions
from sqlalchemy import DateTime, Executable, MetaData, Row, create_engine, func
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, mapped_column, sessionmaker

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


# The columns most tables share, as ``Mapped[...]`` types (SQLAlchemy takes the column from
# the Annotated): ``id: Mapped[UuidPk]``, ``created_at: Mapped[CreatedAt]``.
UuidPk = Annotated[
    uuid.UUID, mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
]
CreatedAt = Annotated[datetime, mapped_column(DateTime(timezone=True), server_default=func.now())]
UpdatedAt = Annotated[
    datetime,
    mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now()),
]


@dataclass(frozen=True)
class Timeouts:
    """Seconds: to connect, for one statement, and to get a connection from the pool."""

    connect: float = 3.0
    statement: float = 5.0
    pool: float = 3.0


class DatabaseUnavailable(Exception):
    """PostgreSQL did not answer in time, refused the connection, or dropped it."""


# How a wait that ran out begins (``_bounded_wait``): such a server is not asked again.
NO_ANSWER = "PostgreSQL did not"


def _bounded_wait(conn: Any) -> None:
    """psycopg2's wait callback: select() with the connection class's limits (connections
    made elsewhere, e.g. by migrations, have none and wait as long as it takes)."""
    connecting = conn.status == psycopg2.extensions.STATUS_SETUP
    limit = getattr(conn, "connect_wait" if connecting else "statement_wait", None)
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        if state == psycopg2.extensions.POLL_READ:
            ready = select.select([conn.fileno()], [], [], limit)[0]
        elif state == psycopg2.extensions.POLL_WRITE:
            ready = select.select([], [conn.fileno()], [], limit)[1]
        else:
            raise psycopg2.OperationalError(f"bad state from poll: {state}")
        if not ready:
            # psycopg2 closes a connection whose wait failed: the pool replaces it.
            what = "connect" if connecting else "answer"
            raise psycopg2.OperationalError(f"{NO_ANSWER} {what} within {limit:g} s")


def _connection_class(timeouts: Timeouts) -> type[psycopg2.extensions.connection]:
    # Class attributes: the wait callback reads them while the connection is being made,
    # before an instance attribute could be set.
    return type(
        "BoundedConnection",
        (psycopg2.extensions.connection,),
        # The client gives the server a second more, so a slow statement gets the server's
        # own error (statement_timeout) rather than a closed connection.
        {"connect_wait": timeouts.connect, "statement_wait": timeouts.statement + 1.0},
    )


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    timeouts: Timeouts | None = None,
    autocommit: bool = False,
    pre_ping: bool = True,
) -> Engine:
    """``autocommit``: every statement its own transaction, no BEGIN or COMMIT sent;
    ``pre_ping``: a pooled connection is checked (a round trip) before each use."""
    isolation = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if timeouts is None:
        return create_engine(
            url, pool_size=pool_size, max_overflow=10, pool_pre_ping=pre_ping, **isolation
        )
    psycopg2.extensions.set_wait_callback(_bounded_wait)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=pre_ping,
        **isolation,
        pool_timeout=timeouts.pool,
        connect_args={
            "connection_factory": _connection_class(timeouts),
            "connect_timeout": max(1, round(timeouts.connect)),
            "options": f"-c statement_timeout={round(timeouts.statement * 1000)}",
        },
    )


class Database:
    def __init__(
        self, url: str, *, pool_size: int = 5, timeouts: Timeouts | None = Timeouts()
    ) -> None:
        self.engine = make_engine(url, pool_size=pool_size, timeouts=timeouts)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Connections of their own, always in autocommit mode: switching a pooled connection
        # there and back would cost a round trip of its own. Opened on first use; not pinged
        # before each read (``read`` asks again on a dropped connection instead).
        self.read_engine = make_engine(
            url, pool_size=pool_size, timeouts=timeouts, autocommit=True, pre_ping=False
        )
        self._statements = sessionmaker(self.read_engine, expire_on_commit=False)

    def run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Runs ``fn(session=..., **kwargs)`` in one transaction (commit on success);
        DatabaseUnavailable when the server does not answer in time or is gone."""
        with _unavailable_errors(), self.sessions.begin() as session:
            return fn(session=session, **kwargs)

    def read(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """``run`` for a function that only reads, in ONE statement: that statement is
        atomic by itself, so it runs without the BEGIN and COMMIT around it, two round trips
        that cost a simple read about as much as the read itself. A function that writes,
        or reads twice, must use ``run``: here each statement would stand alone.

        Nor is the pooled connection pinged first (one more round trip): a read that finds
        it dropped (PostgreSQL restarted, or ended the session) runs once more, on a new
        connection, which is safe for one statement that only reads. A server that did not
        answer in time is not asked a second time."""

        def once() -> T:
            with self._statements() as session:
                return fn(session=session, **kwargs)

        return _again_if_dropped(once)

    def rows(self, statement: Executable, params: dict[str, Any]) -> Sequence[Row[Any]]:
        """One Core statement's rows, read as ``read`` reads (and asked again as it asks),
        without a session around it: for a hot read whose rows need no ORM objects."""

        def once() -> Sequence[Row[Any]]:
            with self.read_engine.connect() as connection:
                return connection.execute(statement, params).all()

        return _again_if_dropped(once)

    async def call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await asyncio.to_thread(self.run, fn, **kwargs)

    async def call_rows(self, statement: Executable, params: dict[str, Any]) -> Sequence[Row[Any]]:
        """``rows`` in a worker thread."""
        return await asyncio.to_thread(self.rows, statement, params)

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


@contextlib.contextmanager
def _unavailable_errors() -> Iterator[None]:
    """A server that does not answer in time, or is gone, as DatabaseUnavailable."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as exc:
        raise DatabaseUnavailable(_first_line(exc)) from exc
    except sa_exc.DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailable(_first_line(exc)) from exc
        raise


def _again_if_dropped(once: Callable[[], T]) -> T:
    """``once()``, and once more when it found its pooled connection dropped (SQLAlchemy has
    then invalidated the pool's older connections, so the second gets a new one)."""
    try:
        with _unavailable_errors():
            return once()
    except DatabaseUnavailable as exc:
        if not _dropped(exc.__cause__):
            raise
    with _unavailable_errors():
        return once()


def _dropped(exc: BaseException | None) -> bool:
    """Whether the error is a connection found closed, not a server that did not answer."""
    return (
        isinstance(exc, sa_exc.DBAPIError)
        and exc.connection_invalidated
        and not _first_line(exc).startswith(NO_ANSWER)
    )


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
