"""Events the training API consumes: evaluation.completed fills in a batch's quality score."""

from __future__ import annotations

import logging
from datetime import UTC

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg

from common.db import Database
from common.jetstream import EVENTS_SUBJECT_PREFIX, Outcome
from services.training import service
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

EVALUATIONS_SUBJECT = EVENTS_SUBJECT_PREFIX + "evaluation.completed"
EVALUATIONS_CONSUMER = "training-evaluations"


class EvaluationListener:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def handle(self, msg: Msg) -> Outcome:
        """Idempotent: a redelivered or older event changes nothing."""
        try:
            event = events_pb2.Event.FromString(msg.data)
        except DecodeError:
            log.warning("dropping an undecodable event on %s", msg.subject)
            return Outcome.TERMINATE
        body = event.evaluation_completed
        await self.db.call(
            service.record_evaluation,
            batch_id=body.batch_id,
            quality_score=body.quality_score if body.HasField("quality_score") else None,
            privacy_verdict=body.privacy_verdict,
            evaluated_at=event.occurred_at.ToDatetime(tzinfo=UTC),
        )
        return Outcome.ACK
