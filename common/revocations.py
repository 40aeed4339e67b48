"""Revoked API keys and disabled users stop working in every process at once.

Processes remember API keys auth has accepted for a few seconds (SYNTHETICA_API_KEY_CACHE_SECONDS),
so that a call made with a key costs no round trip to auth. Auth publishes ``api_key.revoked``
when a key is revoked and ``user.disabled`` when an admin disables a user (through its outbox:
never lost); each process follows both subjects with an ordered consumer of its own, started
before it serves, and forgets the key (or all the user's keys) as the event arrives. While
NATS is unreachable the cache's lifetime still bounds how long a revoked key could work.
"""

from __future__ import annotations

import logging

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy

from common.events import EventType
from common.jetstream import EVENTS_SUBJECT_PREFIX, decode
from common.security import TokenAuthenticator
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

API_KEY_REVOKED = EventType.API_KEY_REVOKED
USER_DISABLED = EventType.USER_DISABLED


def forget(authenticator: TokenAuthenticator, event: events_pb2.Event) -> int:
    """Applies one event to the authenticator's memory; returns how many keys it forgot."""
    body = event.WhichOneof("body")
    if body == "api_key_revoked" and event.api_key_revoked.prefix:
        return authenticator.forget_api_keys(prefix=event.api_key_revoked.prefix)
    if body == "user_disabled" and event.user_disabled.user_id:
        return authenticator.forget_api_keys(user_id=event.user_disabled.user_id)
    return 0


async def follow_revocations(nc: NATS, authenticator: TokenAuthenticator) -> None:
    """Subscribes ``authenticator`` to revocations; returns once the consumers exist, so any
    revocation published from then on reaches it. The subscriptions end with ``nc``."""

    async def on_event(msg: Msg) -> None:
        event = decode(msg, events_pb2.Event)
        if event is None:
            return
        forgotten = forget(authenticator, event)
        log.info("revocation applied", extra={"fields": {"type": event.type, "keys": forgotten}})

    js = nc.jetstream()
    for subject in (API_KEY_REVOKED, USER_DISABLED):
        await js.subscribe(
            EVENTS_SUBJECT_PREFIX + subject,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
            cb=on_event,
        )
