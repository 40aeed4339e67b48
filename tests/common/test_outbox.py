"""The transactional outbox against real PostgreSQL and a real NATS that goes down and up."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from common import jetstream
from common.db import Database, make_metadata
from common.events import new_event
from common.outbox import OutboxRelay, enqueue, outbox_table
from synthetica.events.v1 import events_pb2
from tests.conftest import create_database
from tests.support import stream_events


@pytest.fixture
def outbox_db(postgres_server_url):
    url = create_database(postgres_server_url)
    metadata = make_metadata("outbox_test")
    table = outbox_table(metadata)
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA outbox_test"))
        metadata.create_all(conn)
    yield db, table
    db.dispose()


async def test_event_committed_while_nats_is_down_is_published_once_when_back(own_nats, outbox_db):
    db, table = outbox_db
    nc = await jetstream.connect(own_nats.url, name="outbox-test")
    js = nc.jetstream()
    await jetstream.ensure_streams(js)
    relay = OutboxRelay(db, table, js, poll_seconds=0.1)
    runner = asyncio.create_task(relay.run())

    own_nats.stop()
    event = new_event(
        events_pb2.UserRegistered(user_id="u-1", email="a@example.com"), user_id="u-1"
    )
    db.run(lambda *, session: enqueue(session, table, event))
    relay.wake()
    await asyncio.sleep(1.5)  # the relay tries and fails while NATS is away
    pending = db.run(
        lambda *, session: session.execute(
            sa.select(table.c.published_at).where(table.c.id == sa.literal(event.id).cast(sa.Uuid))
        ).scalar_one()
    )
    assert pending is None

    own_nats.start()
    for _ in range(100):
        published = db.run(
            lambda *, session: session.execute(
                sa.select(sa.func.count()).where(table.c.published_at.is_not(None))
            ).scalar_one()
        )
        if published:
            break
        await asyncio.sleep(0.1)
    assert published == 1
    # Publishing the same row again (a second relay, a crash before marking) adds nothing.
    await jetstream.publish(
        js, "synthetica.events.user.registered", event.SerializeToString(), msg_id=event.id
    )
    relay.stop()
    await runner
    await jetstream.close(nc)

    events = await stream_events(own_nats.url, "synthetica.events.user.registered")
    assert [e.id for e in events] == [event.id]
    assert events[0].user_registered.email == "a@example.com"
