"""The durable `evaluation` consumer of batch.generated: every new batch gets its report.

Idempotent: the report row is keyed by the event id, so a redelivered event finds the
report it started (and acks at once if it is finished) instead of making a second one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import KW_ONLY, dataclass

from nats.aio.msg import Msg

from common.db import Database
from common.errors import DomainError
from common.events import EventType
from common.jetstream import EVENTS_SUBJECT_PREFIX, Outcome, handles
from common.storage import Storage
from services.evaluation import models as m
from services.evaluation import service
from services.evaluation.enums import ReportStatus
from services.evaluation.evaluator import Evaluator, report_folder
from services.evaluation.inputs import kind_of
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

SUBJECT = EVENTS_SUBJECT_PREFIX + EventType.BATCH_GENERATED


@dataclass(eq=False)
class BatchGeneratedHandler:
    db: Database
    evaluator: Evaluator
    _: KW_ONLY
    max_deliver: int

    @handles(events_pb2.Event)
    async def __call__(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        if event.WhichOneof("body") != "batch_generated" or not event.user_id:
            return Outcome.TERMINATE
        body = event.batch_generated
        if body.dataset_id and await self.db.call(
            service.dataset_deleted, dataset_id=body.dataset_id
        ):
            return Outcome.ACK  # its dataset, and the batch with it, are gone
        new = service.NewReport(
            batch_id=body.batch_id,
            owner_id=event.user_id,
            project_id=event.project_id,
            kind=kind_of(body),
            trigger=m.EVENT_TRIGGER,
            options={},
            dataset_id=body.dataset_id,
        )
        report = await self.db.call(service.report_for_event, event_id=event.id, new=new)
        if ReportStatus(report.status).terminal:
            return Outcome.ACK
        try:
            await self.evaluator.run(report.id)
        except Exception as exc:
            if msg.metadata.num_delivered < self.max_deliver:
                log.warning("report %s will be retried: %s", report.id, exc)
                return Outcome.RETRY
            log.exception("report %s failed on its last delivery", report.id)
            await self.db.call(
                service.fail, report_id=report.id, error=f"could not be evaluated: {exc}"
            )
        return Outcome.ACK


DATASETS_SUBJECT = EVENTS_SUBJECT_PREFIX + EventType.DATASET_DELETED


@dataclass(eq=False)
class DatasetDeletedHandler:
    """dataset.deleted: the reports of the dataset's batches go too, files and rows, and so
    do their signed links (they name a batch whose report is no longer found).

    Idempotent: the dataset is recorded as deleted in the same transaction that deletes the
    rows, so a redelivered event deletes nothing twice, and a late batch.generated of one of
    its batches makes no report.
    """

    db: Database
    storage: Storage

    @handles(events_pb2.Event)
    async def __call__(self, event: events_pb2.Event, msg: Msg) -> Outcome:
        dataset_id = event.dataset_deleted.dataset_id
        try:
            service.parse_id(dataset_id, "dataset_id")
        except DomainError:
            return Outcome.TERMINATE
        # Files first: if deleting them fails, the rows still say what to delete next time.
        listed = await self.db.call(service.reports_of_dataset, dataset_id=dataset_id)
        await asyncio.to_thread(self._delete, listed)
        deleted = await self.db.call(service.forget_dataset, dataset_id=dataset_id)
        await asyncio.to_thread(self._delete, sorted(set(deleted) - set(listed)))
        if deleted:
            log.info("deleted %d reports of deleted dataset %s", len(deleted), dataset_id)
        return Outcome.ACK

    def _delete(self, report_ids: list[uuid.UUID]) -> None:
        for report_id in report_ids:
            self.storage.delete(report_folder(report_id))
