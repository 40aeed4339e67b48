"""user.registered reaches the EVENTS stream through the outbox."""

from __future__ import annotations

import asyncio

from tests.support import AuthCaller, stream_events, unique_email


async def test_user_registered_event_reaches_the_events_stream(
    auth_server, nats_url, service_token
):
    caller = AuthCaller(auth_server.address, service_token)
    email = unique_email()
    registered = await caller.register(email)
    await caller.close()
    for _ in range(50):
        events = [
            e
            for e in await stream_events(nats_url, "synthetica.events.user.registered")
            if e.user_registered.email == email
        ]
        if events:
            break
        await asyncio.sleep(0.1)
    assert len(events) == 1
    event = events[0]
    assert event.type == "user.registered"
    assert event.user_id == registered.user.id
    assert event.user_registered.user_id == registered.user.id
    assert event.occurred_at.seconds > 0
