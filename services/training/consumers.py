"""Events the training API consumes: evaluation.completed fills in a batch's quality score;
dataset.deleted deletes what was made from the dataset."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import UTC

from nats.aio.msg import Msg

from common.db import Database
from common.enums import verdict_from_proto
from common.events import EventType
from common.jetstream import EVENTS_SUBJECT_PREFIX, Outcome, handles
from common.storage import Storage
from services.training import reactions
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

EVALUATIONS_SUBJECT = EVENTS_SUBJECT_PREFIX + EventType.EVALUATION_COMPLETED
EVALUATIONS_CONSUMER = "training-evaluations"


@dataclass(eq=False)
class EvaluationListener:
    db: Database

    @handles(events_pb2.Event)
    async def handle(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        """Idempotent: a redelivered or older event changes nothing."""
        body = event.evaluation_completed
        await self.db.call(
            reactions.record_evaluation,
            batch_id=body.batch_id,
            quality_score=body.quality_score if body.HasField("quality_score") else None,
            # An older evaluation sends only the string (events.proto).
            privacy_verdict=verdict_from_proto(body.verdict) or body.privacy_verdict,
            evaluated_at=event.occurred_at.ToDatetime(tzinfo=UTC),
        )
        return Outcome.ACK


DATASETS_SUBJECT = EVENTS_SUBJECT_PREFIX + EventType.DATASET_DELETED
DATASETS_CONSUMER = "training-datasets"


@dataclass(eq=False)
class DatasetDeletedListener:
    """dataset.deleted: the dataset's models and their batches go too, files and rows.

    Running jobs on them are cancelled first (workers stop and keep nothing), then the files
    are deleted, then the rows. Idempotent: a redelivered event finds nothing left to stop or
    delete, and changes nothing; a failure part way is retried and finishes the work.
    Signed download links die with the batches: they name a batch that is no longer found.
    """

    db: Database
    storage: Storage
    _: KW_ONLY
    on_commit: Callable[[], None]

    @handles(events_pb2.Event)
    async def handle(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        dataset_id = event.dataset_deleted.dataset_id
        if not dataset_id:
            return Outcome.TERMINATE
        if await self.db.call(reactions.stop_dataset_jobs, dataset_id=dataset_id):
            self.on_commit()
        listed = await self.db.call(reactions.dataset_outputs, dataset_id=dataset_id)
        await asyncio.to_thread(self._delete, listed.folders)
        deleted = await self.db.call(reactions.delete_dataset_outputs, dataset_id=dataset_id)
        self.on_commit()
        # A batch committed between the listing and the deletion: its files too.
        await asyncio.to_thread(self._delete, sorted(set(deleted.folders) - set(listed.folders)))
        if deleted.model_ids or deleted.batch_ids:
            log.info(
                "deleted the outputs of a deleted dataset",
                extra={
                    "fields": {
                        "dataset_id": dataset_id,
                        "models": len(deleted.model_ids),
                        "batches": len(deleted.batch_ids),
                    }
                },
            )
        return Outcome.ACK

    def _delete(self, folders: list[str]) -> None:
        for folder in folders:
            self.storage.delete(folder)
