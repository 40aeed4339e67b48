"""The ``world`` fixture of the training tests (the API and worker fixtures are session-wide,
in tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from common.migrations import MIGRATIONS, upgrade
from tests.services.training.training_world import TrainingWorld
from tests.support import AuthCaller


@pytest.fixture
async def world(
    training_api, datasets_server, auth_server, service_token
) -> AsyncIterator[TrainingWorld]:
    auth = AuthCaller(auth_server.address, service_token)
    world = TrainingWorld(training_api.address, datasets_server.address, auth)
    yield world
    await world.close()
    await auth.close()


@pytest.fixture
def own_database_url(postgres_server_url: str) -> str:
    """A database of the test's own with the training schema. A training API started on a
    NATS of the test's own needs it: its outbox relay publishes every pending row of its
    database, and would otherwise carry the session's jobs and events to that NATS."""
    name = "training_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = sa.make_url(postgres_server_url).set(database=name)
    rendered = url.render_as_string(hide_password=False)
    upgrade(rendered, "training", MIGRATIONS["training"])
    return rendered
