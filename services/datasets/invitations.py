"""The durable ``datasets-invitations`` consumer of user.registered: invitations to an email
without an account become memberships when that email registers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nats.aio.msg import Msg

from common.db import Database
from common.events import EventType
from common.jetstream import EVENTS_SUBJECT_PREFIX, Outcome, handles
from services.datasets import members
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

SUBJECT = EVENTS_SUBJECT_PREFIX + EventType.USER_REGISTERED
CONSUMER = "datasets-invitations"


@dataclass(eq=False)
class RegisteredHandler:
    db: Database

    @handles(events_pb2.Event)
    async def handle(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        if event.WhichOneof("body") != "user_registered":
            return Outcome.ACK
        body = event.user_registered
        accepted = await self.db.call(
            members.accept_invitations, email=body.email, user_id=body.user_id
        )
        if accepted:
            log.info("invitations taken up", extra={"fields": {"count": accepted}})
        return Outcome.ACK
