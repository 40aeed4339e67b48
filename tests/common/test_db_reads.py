"""``Database.read``: one-statement reads on autocommit connections of their own behave as
``Database.run`` does for the caller, through a PostgreSQL restart too."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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
