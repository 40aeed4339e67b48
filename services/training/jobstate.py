"""What both roles of the training service do to a job: lock it, settle its model and batch,
publish its state as job.updated and queue it on JOBS, all through the outbox in the caller's
transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from google.protobuf.message import Message
from sqlalchemy import update
from sqlalchemy.orm import Session

from common.enums import to_proto
from common.events import new_event
from common.ids import parse_id
from common.jetstream import JOBS_SUBJECT_PREFIX
from common.outbox import enqueue
from common.tracing import current_traceparent
from services.training import models as m
from services.training.enums import JobKind, JobStatus
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

TERMINAL = (m.SUCCEEDED, m.FAILED, m.CANCELLED)


def now() -> datetime:
    return datetime.now(UTC)


def publish(session: Session, job: m.Job, body: Message) -> None:
    enqueue(
        session,
        m.outbox,
        new_event(body, user_id=str(job.owner_id), project_id=str(job.project_id)),
    )


def job_progress(job: m.Job) -> training_pb2.JobProgress:
    """The job's progress as GetJob and job.updated both carry it."""
    return training_pb2.JobProgress(
        percent=job.percent,
        epoch=job.epoch,
        total_epochs=job.total_epochs,
        loss=job.loss,
        eta_seconds=job.eta_seconds,
        message=job.message,
    )


def job_updated(session: Session, job: m.Job) -> None:
    """Bumps the job's sequence and publishes its current state as job.updated."""
    job.sequence += 1
    progress = job_progress(job)
    publish(
        session,
        job,
        events_pb2.JobUpdated(
            job_id=str(job.id),
            job_kind=to_proto(JobKind(job.kind), training_pb2.JobKind),
            job_status=to_proto(JobStatus(job.status), training_pb2.JobStatus),
            progress=progress,
            model_id=str(job.model_id or ""),
            batch_id=str(job.batch_id or ""),
            error=job.error,
            sequence=job.sequence,
            rejected=job.approved is False,
            # The older spelling, for consumers built before the enums (events.proto).
            kind=job.kind,
            status=job.status,
            percent=progress.percent,
            epoch=progress.epoch,
            total_epochs=progress.total_epochs,
            loss=job.loss,
            eta_seconds=job.eta_seconds,
            message=progress.message,
        ),
    )


def enqueue_job(session: Session, job: m.Job) -> None:
    """Queues the job on JOBS through the outbox (Nats-Msg-Id = the outbox row id)."""
    payload = training_pb2.QueuedJob(
        job_id=str(job.id), kind=to_proto(JobKind(job.kind), training_pb2.JobKind)
    )
    # The worker's trace continues the request that queued the job.
    session.execute(
        m.outbox.insert().values(
            id=uuid.uuid4(),
            subject=JOBS_SUBJECT_PREFIX + job.kind,
            payload=payload.SerializeToString(),
            trace_parent=current_traceparent() or None,
        )
    )


def lock_job(session: Session, job_id: uuid.UUID | str) -> m.Job | None:
    key = job_id if isinstance(job_id, uuid.UUID) else parse_id(job_id, "job_id")
    return session.get(m.Job, key, with_for_update=True)


def settle_outputs(session: Session, job: m.Job, model_status: str, batch_status: str) -> None:
    if job.kind == m.TRAIN and job.model_id is not None:
        model = session.get(m.Model, job.model_id)
        if model is not None:
            model.status = model_status
            model.error = job.error
    stop_shards(session, job)
    if job.batch_id is not None:
        batch = session.get(m.Batch, job.batch_id)
        if batch is not None:
            batch.status = batch_status
            batch.error = job.error


def stop_shards(session: Session, job: m.Job) -> None:
    """The shards of a job that ended (cancelled, failed) that had not finished end with it:
    a running one stops at its next heartbeat or progress write, a queued one is never run."""
    if job.shards:
        session.execute(
            update(m.Shard)
            .where(m.Shard.job_id == job.id, m.Shard.status.in_((m.QUEUED, m.RUNNING)))
            .values(status=job.status)
        )
