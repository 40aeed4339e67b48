"""Domain logic of the training service's worker role: one attempt of a job, fenced.

A worker starts an attempt (or learns that the job is done or running elsewhere), beats its
heartbeat, records progress and finishes or fails it; every write checks that the attempt is
still the job's current one, so a stalled older attempt can overwrite nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from common.errors import (
    NotFound,
)
from services.training import models as m
from services.training.engines.capabilities import ProgressUpdate
from services.training.jobstate import TERMINAL, job_updated, lock_job, now, publish, settle_outputs
from synthetica.events.v1 import events_pb2


class Action(StrEnum):
    """What a worker does with a delivered job."""

    RUN = "run"
    # Already finished: ack without running it again.
    DONE = "done"
    # Running on another worker whose heartbeat is recent: watch it, do not start it again.
    WAIT = "wait"


class Ownership(StrEnum):
    """Where an attempt stands, as its fenced writes see it."""

    OWNED = "owned"  # still the job's current attempt, and the job runs
    SUPERSEDED = "superseded"  # a newer attempt took the job over
    ENDED = "ended"  # the job finished (or was cancelled) while this attempt ran


@dataclass(frozen=True)
class Attempt:
    """What a worker should do with a delivered job."""

    job_id: str
    kind: str
    action: Action
    owner_id: str = ""
    model_id: str = ""
    batch_id: str = ""
    dataset_id: str = ""
    engine: str = ""
    params: Mapping[str, Any] | None = None
    request: Mapping[str, Any] | None = None
    artifact_key: str = ""
    attempt: int = 0
    project_id: str = ""
    # A DONE generate or template job that failed or was cancelled: what its batch was
    # charged against the storage quota is to be given back.
    discard: bool = False


def start_attempt(
    *, session: Session, job_id: str, max_attempts: int, stale_after: timedelta
) -> Attempt:
    """Marks the job RUNNING for one more attempt, or says it is done or owned elsewhere.

    A job found RUNNING whose heartbeat is older than ``stale_after`` was left by a worker
    that died or froze: a new attempt starts from scratch (its outputs go to a folder of its
    own and are only committed at the end; the old attempt's writes are fenced off). With a
    recent heartbeat the job is not handed over. After ``max_attempts`` starts it fails.
    """
    job = lock_job(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    # A job waiting for approval is never queued; should a message for one turn up, it does
    # not run (approval queues it anew).
    # A job split into shards is run by its shards' own messages (services.training.shards).
    if job.status in TERMINAL or job.status == m.PENDING_APPROVAL or job.shards:
        return _done(job)
    if job.status == m.RUNNING and _beating(job, stale_after):
        return Attempt(job_id=str(job.id), kind=job.kind, action=Action.WAIT, attempt=job.attempts)
    if job.attempts >= max_attempts:
        fail_job(
            session,
            job,
            f"gave up after {job.attempts} attempts: the worker stopped before finishing each time",
        )
        return _done(job)
    job.attempts += 1
    job.status = m.RUNNING
    job.started_at = job.heartbeat_at = now()
    job.percent, job.epoch, job.loss, job.eta_seconds = 0.0, 0, None, None
    job.message = "starting" if job.attempts == 1 else f"restarting (attempt {job.attempts})"
    if job.model_id is not None and job.kind == m.TRAIN:
        model = session.get_one(m.Model, job.model_id)
        model.status = m.TRAINING
    job_updated(session, job)
    return running_attempt(session, job, job.attempts)


def _done(job: m.Job) -> Attempt:
    return Attempt(
        job_id=str(job.id),
        kind=job.kind,
        action=Action.DONE,
        batch_id=str(job.batch_id or ""),
        discard=job.status in (m.FAILED, m.CANCELLED),
    )


def running_attempt(session: Session, job: m.Job, number: int) -> Attempt:
    """What attempt ``number`` of the job (or of one of its shards) runs with."""
    attempt = Attempt(
        job_id=str(job.id),
        kind=job.kind,
        action=Action.RUN,
        owner_id=str(job.owner_id),
        model_id=str(job.model_id or ""),
        batch_id=str(job.batch_id or ""),
        request=dict(job.request or {}),
        attempt=number,
        project_id=str(job.project_id),
    )
    if job.model_id is None:
        return attempt
    model = session.get_one(m.Model, job.model_id)
    return with_model(attempt, model)


def _beating(job: m.Job, stale_after: timedelta) -> bool:
    return job.heartbeat_at is not None and now() - job.heartbeat_at < stale_after


def ownership_of(job: m.Job | None, attempt: int) -> Ownership:
    if job is None or job.status in TERMINAL:
        return Ownership.ENDED
    if job.attempts != attempt or job.status != m.RUNNING:
        return Ownership.SUPERSEDED
    return Ownership.OWNED


def owned_job(session: Session, job_id: str, attempt: int) -> tuple[m.Job | None, Ownership]:
    """The job, locked, while ``attempt`` owns it (None when it does not), and the attempt's
    ownership."""
    job = lock_job(session, job_id)
    ownership = ownership_of(job, attempt)
    return (job if ownership is Ownership.OWNED else None), ownership


def heartbeat(*, session: Session, job_id: str, attempt: int) -> Ownership:
    """The running attempt says it is alive (so the job is not handed over)."""
    job, ownership = owned_job(session, job_id, attempt)
    if job is not None:
        job.heartbeat_at = now()
    return ownership


def release_attempt(*, session: Session, job_id: str, attempt: int) -> Ownership:
    """The attempt stops without an outcome (its worker shuts down, or storage failed): the
    next delivery may start a new attempt at once instead of waiting for the heartbeat to
    go stale."""
    job, ownership = owned_job(session, job_id, attempt)
    if job is not None:
        job.heartbeat_at = None
    return ownership


def with_model(attempt: Attempt, model: m.Model) -> Attempt:
    return Attempt(
        **{
            **attempt.__dict__,
            "dataset_id": str(model.dataset_id),
            "engine": model.engine,
            "params": dict(model.params),
            "artifact_key": model.artifact_key or "",
        }
    )


def record_progress(
    *, session: Session, job_id: str, attempt: int, progress: ProgressUpdate
) -> Ownership:
    """Stores and publishes progress while the attempt owns the job (a heartbeat too); the
    worker learns on its next update that the job was cancelled or taken over."""
    job, ownership = owned_job(session, job_id, attempt)
    if job is None:
        return ownership
    job.heartbeat_at = now()
    job.percent = round(progress.percent, 2)
    job.message = progress.message
    if progress.epoch is not None:
        job.epoch = progress.epoch
    if progress.total_epochs is not None:
        job.total_epochs = progress.total_epochs
    job.loss = progress.loss if progress.loss is not None else job.loss
    job.eta_seconds = progress.eta_seconds
    job_updated(session, job)
    return ownership


def _succeed(session: Session, job: m.Job, message: str) -> None:
    job.status = m.SUCCEEDED
    job.percent = 100.0
    job.eta_seconds = 0.0
    job.message = message
    job.finished_at = now()
    job_updated(session, job)


def finish_training(
    *,
    session: Session,
    job_id: str,
    attempt: int,
    artifact_key: str,
    metrics: dict[str, Any],
    profile: dict[str, Any],
) -> bool:
    """Commits the trained model; False when the attempt no longer owns the job (cancelled
    or taken over), in which case the artifact is not referenced and the caller deletes it."""
    job, _ = owned_job(session, job_id, attempt)
    if job is None:
        return False
    model = session.get_one(m.Model, job.model_id)
    model.status = m.READY
    model.artifact_key = artifact_key
    model.metrics = metrics
    model.profile = profile
    note = metrics.get("note")
    _succeed(session, job, f"model trained; {note}" if note else "model trained")
    publish(
        session,
        job,
        events_pb2.ModelTrained(
            model_id=str(model.id),
            dataset_id=str(model.dataset_id),
            engine=model.engine,
            duration_seconds=float(metrics.get("duration_seconds") or 0.0),
        ),
    )
    return True


def finish_generation(
    *,
    session: Session,
    job_id: str,
    attempt: int,
    data_key: str,
    row_count: int,
    retention: timedelta,
    tables: Sequence[str] = (),
) -> bool:
    """Commits the batch if the attempt still owns the job; its files are kept for
    ``retention`` (see ``expiry``)."""
    job, _ = owned_job(session, job_id, attempt)
    if job is None:
        return False
    batch = session.get_one(m.Batch, job.batch_id)
    batch.status = m.READY
    batch.data_key = data_key
    batch.row_count = row_count
    batch.tables = list(tables)
    batch.expires_at = batch.created_at + retention
    _succeed(session, job, f"{row_count:,} rows generated")
    publish(
        session,
        job,
        events_pb2.BatchGenerated(
            batch_id=str(batch.id),
            model_id=str(batch.model_id or ""),
            template_id=batch.template_id,
            row_count=row_count,
            dataset_id=str(batch.dataset_id or ""),
        ),
    )
    return True


def fail_job(session: Session, job: m.Job, error: str) -> None:
    job.status = m.FAILED
    job.error = error
    job.message = "failed"
    job.eta_seconds = None
    job.finished_at = now()
    settle_outputs(session, job, m.FAILED, m.FAILED)
    job_updated(session, job)
    if job.kind == m.TRAIN and job.model_id is not None:
        model = session.get_one(m.Model, job.model_id)
        publish(
            session,
            job,
            events_pb2.ModelFailed(
                model_id=str(model.id),
                dataset_id=str(model.dataset_id),
                engine=model.engine,
                error=error,
            ),
        )


def fail_attempt(*, session: Session, job_id: str, attempt: int, error: str) -> Ownership:
    """Fails the job with its reason if the attempt still owns it: a superseded attempt
    cannot fail the job a newer attempt runs."""
    job, ownership = owned_job(session, job_id, attempt)
    if job is not None:
        fail_job(session, job, error)
    return ownership
