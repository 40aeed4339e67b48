"""The EVENTS stream consumer: each event becomes notifications and webhook deliveries.

The durable consumer may redeliver an event (a crash before the ack, a NATS restart); the
database's unique keys make the second time a no-op, so a user is told once. New notifications
are then pushed on core NATS to whoever streams them live (StreamNotifications): that push is
not a fact to keep, the stored row is, so a push lost while nobody listens loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from common.db import Database
from common.jetstream import Outcome, handles
from services.notify import messages, service, webhooks
from services.notify.convert import notification_to_proto
from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2

log = logging.getLogger(__name__)

LIVE_SUBJECT_PREFIX = "synthetica.notify.live."
# Who besides the owner hears about a project's fact: (project id, the event's owner id) ->
# the members' user ids, read on behalf of the owner.
MembersLookup = Callable[[str, str], Awaitable[list[str]]]


def live_subject(user_id: str) -> str:
    return LIVE_SUBJECT_PREFIX + user_id


@dataclass(eq=False)
class EventHandler:
    db: Database
    nc: NATS
    _: KW_ONLY
    members: MembersLookup
    on_deliveries: Callable[[], None]

    @handles(events_pb2.Event)
    async def __call__(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        if not event.id or not event.user_id:
            return Outcome.ACK  # system facts concern no user
        created, deliveries = await self.db.call(
            service.record_event,
            event=event,
            recipients=await self.audience(event),
            payload=webhooks.payload_of(event),
        )
        if deliveries:
            self.on_deliveries()
        for notification in created:
            await self._push(notification_to_proto(notification))
        return Outcome.ACK

    async def audience(self, event: events_pb2.Event) -> list[str]:
        recipients = [event.user_id, *messages.named_audience(event)]
        if event.project_id and event.type in messages.SHARED_WITH_PROJECT:
            recipients.extend(await self.members(event.project_id, event.user_id))
        return recipients

    async def _push(self, notification: notify_pb2.Notification) -> None:
        try:
            await self.nc.publish(
                live_subject(notification.user_id),
                notify_pb2.StreamNotificationsResponse(
                    notification=notification
                ).SerializeToString(),
            )
        except Exception as exc:  # the notification is stored; only the live push is lost
            log.warning("live push failed: %s", exc)
