"""``Database.read``: one-statement reads on autocommit connections of their own behave as
``Database.run`` does for the caller, through a PostgreSQL restart too."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from common.db import Database, DatabaseUnavailable, Timeouts
from tools.embedded import EmbeddedPostgres, free_port


@pytest.fixture
def restartable_postgres() -> Iterator[EmbeddedPostgres]:
    data_dir = Path(tempfile.mkdtemp(prefix="synthetica-test-pg-reads-"))
    server = EmbeddedPostgres(data_dir, free_port(), throwaway=True)
    server.start()
    server.create_database("reads")
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


def _add(*, session: Session, name: str) -> None:
    session.execute(sa.text("INSERT INTO items (name) VALUES (:name)"), {"name": name})


def _names(*, session: Session) -> list[str]:
    return list(session.execute(sa.text("SELECT name FROM items ORDER BY name")).scalars())


def test_a_read_sees_what_was_committed_and_survives_a_postgres_restart(restartable_postgres):
    db = Database(restartable_postgres.url("reads"), timeouts=Timeouts(connect=2, pool=2))
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE items (name text PRIMARY KEY)"))
        db.run(_add, name="a")
        assert db.read(_names) == ["a"]
        db.run(_add, name="b")
        assert db.read(_names) == ["a", "b"]  # no snapshot kept between reads

        restartable_postgres.stop()
        with pytest.raises(DatabaseUnavailable):
            db.read(_names)
        restartable_postgres.start()
        assert db.read(_names) == ["a", "b"]  # pooled connections were re-established
    finally:
        db.dispose()


@pytest.mark.parametrize("way", ["read", "rows"])
def test_a_read_after_a_postgres_restart_gets_its_answer_at_once(restartable_postgres, way):
    """Reads do not ping a pooled connection before using it: the first read after a restart
    finds its connection dropped and runs again on a new one, so the caller never sees it
    (``read`` with a session, ``rows`` with a Core statement alike)."""
    db = Database(restartable_postgres.url("reads"), timeouts=Timeouts(connect=2, pool=2))

    def names() -> list[str]:
        if way == "read":
            return db.read(_names)
        return [row.name for row in db.rows(sa.text("SELECT name FROM items ORDER BY name"), {})]

    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE items (name text PRIMARY KEY)"))
        db.run(_add, name="a")
        assert names() == ["a"]  # a pooled read connection now exists

        restartable_postgres.stop()
        restartable_postgres.start()
        assert names() == ["a"]
        db.run(_add, name="b")
        assert names() == ["a", "b"]
    finally:
        db.dispose()


def test_a_read_that_fails_is_not_retried(restartable_postgres):
    """A statement that fails on a live connection (here: no such table) is the caller's
    error, raised once, not a dropped connection to ask again."""
    db = Database(restartable_postgres.url("reads"), timeouts=Timeouts(connect=2, pool=2))
    calls = []

    def missing(*, session: Session) -> None:
        calls.append(1)
        session.execute(sa.text("SELECT * FROM nowhere"))

    try:
        with pytest.raises(sa.exc.ProgrammingError):
            db.read(missing)
        assert len(calls) == 1
    finally:
        db.dispose()


def test_a_read_from_a_frozen_postgres_is_unavailable_and_not_asked_twice(restartable_postgres):
    """A server that accepts and answers nothing (SIGSTOP) is DatabaseUnavailable after one
    statement's wait: the read that waited is not run again (that would double the wait)."""
    db = Database(
        restartable_postgres.url("reads"), timeouts=Timeouts(connect=1, statement=1, pool=1)
    )
    calls = []

    def counted(*, session: Session) -> list[str]:
        calls.append(1)
        return _names(session=session)

    postmaster = psutil.Process(
        int((restartable_postgres.data_dir / "postmaster.pid").read_text().split()[0])
    )
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE items (name text PRIMARY KEY)"))
        assert db.read(counted) == []  # a pooled read connection now exists
        frozen = [postmaster, *postmaster.children(recursive=True)]
        for process in frozen:
            process.suspend()
        try:
            with pytest.raises(DatabaseUnavailable, match="did not answer"):
                db.read(counted)
        finally:
            for process in frozen:
                process.resume()
        assert len(calls) == 2
        assert db.read(counted) == []
    finally:
        db.dispose()
