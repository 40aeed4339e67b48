"""Domain logic of the training service: plain functions taking a session.

The API role creates models, jobs and batches and enqueues jobs; the worker role moves a
job through its states. Every state change writes its events (and queued jobs) to the
outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from common.enums import to_proto
from common.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from common.events import new_event
from common.ids import parse_id
from common.jetstream import JOBS_SUBJECT_PREFIX
from common.outbox import enqueue
from common.pagination import paginate
from common.tracing import current_traceparent
from services.training import models as m
from services.training.engines.base import (
    EngineSpec,
    InvalidConditionError,
    InvalidParamsError,
    TrainParams,
)
from services.training.engines.profile import TableProfile
from services.training.engines.sampling import validate_conditions
from services.training.enums import JobKind, JobStatus
from services.training.exports import FORMATS
from services.training.payloads import GeneratePayload, TemplatePayload
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

_TERMINAL = (m.SUCCEEDED, m.FAILED, m.CANCELLED)


def _now() -> datetime:
    return datetime.now(UTC)


# --- events and queued jobs -------------------------------------------------------------


def _publish(session: Session, job: m.Job, body: Message) -> None:
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


def _job_updated(session: Session, job: m.Job) -> None:
    """Bumps the job's sequence and publishes its current state as job.updated."""
    job.sequence += 1
    progress = job_progress(job)
    _publish(
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


def _enqueue_job(session: Session, job: m.Job) -> None:
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


def _check_job_quota(session: Session, owner_id: uuid.UUID, limit: int) -> None:
    # Serialises job creation per user, so two concurrent requests cannot both pass the check.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": str(owner_id)})
    active = session.scalar(
        select(func.count())
        .select_from(m.Job)
        .where(m.Job.owner_id == owner_id, m.Job.status.in_(m.ACTIVE_JOB_STATUSES))
    )
    if active is not None and active >= limit:
        raise ResourceExhausted(
            f"you already have {active} jobs queued or running (limit {limit}); "
            "wait for one to finish or cancel one",
            reason="TOO_MANY_JOBS",
        )


# --- API role ---------------------------------------------------------------------------


def build_train_params(
    spec: EngineSpec,
    *,
    epochs: int | None,
    batch_size: int | None,
    time_budget_seconds: float | None,
    seed: int | None,
    options: Mapping[str, Any],
) -> TrainParams:
    """Validated parameters with defaults filled in; a missing seed is drawn at random and
    recorded, so every model can be retrained to the same rows (below 2**31, so GraphQL's
    Int carries it)."""
    if seed is None:
        seed = uuid.uuid4().int % 2**31
    try:
        return TrainParams.build(
            spec,
            epochs=epochs,
            batch_size=batch_size,
            time_budget_seconds=time_budget_seconds,
            seed=seed,
            options=options,
        )
    except InvalidParamsError as exc:
        raise InvalidArgument(exc.message, field=f"params.{exc.field}") from exc


def create_train_job(
    *,
    session: Session,
    owner_id: str,
    project_id: str,
    dataset_id: str,
    engine: str,
    params: TrainParams,
    name: str,
    max_active_jobs: int,
) -> tuple[m.Model, m.Job]:
    owner = parse_id(owner_id, "owner_id")
    _check_job_quota(session, owner, max_active_jobs)
    job = m.Job(
        id=uuid.uuid4(),
        kind=m.TRAIN,
        status=m.QUEUED,
        project_id=parse_id(project_id, "project_id"),
        owner_id=owner,
        message="waiting for a worker",
        request={},
        percent=0.0,
        epoch=0,
        total_epochs=params.epochs or 0,
        error="",
        attempts=0,
        sequence=0,
    )
    model = m.Model(
        id=uuid.uuid4(),
        project_id=job.project_id,
        dataset_id=parse_id(dataset_id, "dataset_id"),
        owner_id=owner,
        name=name or f"{engine} model",
        engine=engine,
        params=params.to_dict(),
        status=m.QUEUED,
        error="",
        metrics={},
        job_id=job.id,
    )
    job.model_id = model.id
    session.add_all([model, job])
    session.flush()
    _job_updated(session, job)
    _enqueue_job(session, job)
    return model, job


@dataclass(frozen=True)
class GenerateOptions:
    count: int
    seed: int | None
    conditions: Mapping[str, Any]
    anomaly_ratio: float
    mark_column: str
    enforce_bounds: bool
    format: str


def _validate_generate(model: m.Model, options: GenerateOptions, max_rows: int) -> dict[str, Any]:
    violations = []
    if options.count <= 0:
        violations.append(FieldViolation("count", "must be a positive number of rows"))
    elif options.count > max_rows:
        violations.append(FieldViolation("count", f"must be at most {max_rows:,} rows"))
    if options.seed is not None and not 0 <= options.seed < 2**32:
        violations.append(FieldViolation("seed", "must be an integer in [0, 2**32)"))
    if not 0.0 <= options.anomaly_ratio <= 1.0:
        violations.append(FieldViolation("anomalies.ratio", "must be between 0 and 1"))
    if options.format not in FORMATS:
        violations.append(FieldViolation("format", f"must be one of {', '.join(FORMATS)}"))
    profile = TableProfile.from_dict(model.profile or {"columns": []})
    if options.mark_column and options.mark_column in profile.names:
        violations.append(
            FieldViolation("anomalies.mark_column", "is already a column of the model's data")
        )
    conditions: dict[str, Any] = {}
    try:
        conditions = validate_conditions(profile, options.conditions)
    except InvalidConditionError as exc:
        violations.append(FieldViolation(f"conditions.{exc.column}", exc.message))
    if violations:
        raise InvalidArgument(violations[0].description, violations=violations)
    return conditions


def create_generate_job(
    *,
    session: Session,
    owner_id: str,
    model_id: str,
    options: GenerateOptions,
    max_active_jobs: int,
    max_rows: int,
) -> tuple[m.Batch, m.Job]:
    model = get_model(session=session, model_id=model_id)
    if model.status != m.READY:
        raise FailedPrecondition(
            f"model {model.id} is {model.status}, only a ready model can generate rows",
            reason="MODEL_NOT_READY",
        )
    conditions = _validate_generate(model, options, max_rows)
    owner = parse_id(owner_id, "owner_id")
    _check_job_quota(session, owner, max_active_jobs)
    seed = options.seed if options.seed is not None else uuid.uuid4().int % 2**31
    job = m.Job(
        id=uuid.uuid4(),
        kind=m.GENERATE,
        status=m.QUEUED,
        project_id=model.project_id,
        owner_id=owner,
        model_id=model.id,
        message="waiting for a worker",
        request=GeneratePayload(
            count=options.count,
            seed=seed,
            conditions=dict(conditions),
            anomaly_ratio=options.anomaly_ratio,
            mark_column=options.mark_column,
            enforce_bounds=options.enforce_bounds,
        ).to_json(),
        percent=0.0,
        epoch=0,
        total_epochs=0,
        error="",
        attempts=0,
        sequence=0,
    )
    batch = m.Batch(
        id=uuid.uuid4(),
        project_id=model.project_id,
        owner_id=owner,
        model_id=model.id,
        dataset_id=model.dataset_id,
        template_id="",
        status=m.GENERATING,
        row_count=0,
        format=options.format,
        privacy_verdict="",
        error="",
        job_id=job.id,
    )
    job.batch_id = batch.id
    session.add_all([batch, job])
    session.flush()
    _job_updated(session, job)
    _enqueue_job(session, job)
    return batch, job


@dataclass(frozen=True)
class TemplateRequest:
    """A validated template job: everything the worker needs to generate the same bytes.

    ``source`` is ``{"builtin": name, "options": {...}}`` or ``{"schema": {...}}`` (a saved
    template's schema is copied in, so deleting the template later does not break the job);
    ``template_id`` labels the batch (a built-in's name, a saved template's id, or "").
    """

    template_id: str
    source: Mapping[str, Any]
    count: int
    seed: int
    locale: str
    chunk_rows: int
    format: str


def create_template_job(
    *,
    session: Session,
    owner_id: str,
    project_id: str,
    request: TemplateRequest,
    max_active_jobs: int,
) -> tuple[m.Batch, m.Job]:
    owner = parse_id(owner_id, "owner_id")
    _check_job_quota(session, owner, max_active_jobs)
    job = m.Job(
        id=uuid.uuid4(),
        kind=m.TEMPLATE,
        status=m.QUEUED,
        project_id=parse_id(project_id, "project_id"),
        owner_id=owner,
        message="waiting for a worker",
        request=TemplatePayload.model_validate(
            {
                **request.source,
                "count": request.count,
                "seed": request.seed,
                "locale": request.locale,
                "chunk_rows": request.chunk_rows,
            }
        ).to_json(),
        percent=0.0,
        epoch=0,
        total_epochs=0,
        error="",
        attempts=0,
        sequence=0,
    )
    batch = m.Batch(
        id=uuid.uuid4(),
        project_id=job.project_id,
        owner_id=owner,
        template_id=request.template_id,
        status=m.GENERATING,
        row_count=0,
        format=request.format,
        privacy_verdict="",
        error="",
        tables=[],
        job_id=job.id,
    )
    job.batch_id = batch.id
    session.add_all([batch, job])
    session.flush()
    _job_updated(session, job)
    _enqueue_job(session, job)
    return batch, job


def get_job(*, session: Session, job_id: str) -> m.Job:
    job = session.get(m.Job, parse_id(job_id, "job_id"))
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def get_model(*, session: Session, model_id: str) -> m.Model:
    model = session.get(m.Model, parse_id(model_id, "model_id"))
    if model is None:
        raise NotFound(f"model {model_id} not found")
    return model


def get_batch(*, session: Session, batch_id: str) -> m.Batch:
    batch = session.get(m.Batch, parse_id(batch_id, "batch_id"))
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    return batch


def _list_newest_first(
    session: Session,
    table: type[m.Base],
    *,
    ids: dict[str, str],
    values: dict[str, str],
    page_size: int,
    page_token: str,
) -> tuple[list[Any], str]:
    """One page of ``table``, newest first, filtered on every non-empty id or value."""
    query = select(table)
    for column, value in ids.items():
        if value:
            query = query.where(getattr(table, column) == parse_id(value, column))
    for column, value in values.items():
        if value:
            query = query.where(getattr(table, column) == value)
    return paginate(
        session,
        query,
        created_at=table.created_at,
        row_id=table.id,
        page_size=page_size,
        page_token=page_token,
        newest_first=True,
    )


def list_jobs(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    status: str = "",
    kind: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Job], str]:
    """Newest first. Scoped to a project, or to an owner's jobs across projects."""
    return _list_newest_first(
        session,
        m.Job,
        ids={"project_id": project_id, "owner_id": owner_id},
        values={"status": status, "kind": kind},
        page_size=page_size,
        page_token=page_token,
    )


def list_models(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    dataset_id: str = "",
    status: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Model], str]:
    return _list_newest_first(
        session,
        m.Model,
        ids={"project_id": project_id, "owner_id": owner_id, "dataset_id": dataset_id},
        values={"status": status},
        page_size=page_size,
        page_token=page_token,
    )


def list_batches(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    model_id: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Batch], str]:
    return _list_newest_first(
        session,
        m.Batch,
        ids={"project_id": project_id, "owner_id": owner_id, "model_id": model_id},
        values={},
        page_size=page_size,
        page_token=page_token,
    )


def _lock_job(session: Session, job_id: uuid.UUID | str) -> m.Job | None:
    key = job_id if isinstance(job_id, uuid.UUID) else parse_id(job_id, "job_id")
    return session.get(m.Job, key, with_for_update=True)


def _settle_outputs(session: Session, job: m.Job, model_status: str, batch_status: str) -> None:
    if job.kind == m.TRAIN and job.model_id is not None:
        model = session.get(m.Model, job.model_id)
        if model is not None:
            model.status = model_status
            model.error = job.error
    if job.batch_id is not None:
        batch = session.get(m.Batch, job.batch_id)
        if batch is not None:
            batch.status = batch_status
            batch.error = job.error


def cancel_job(*, session: Session, job_id: str) -> m.Job:
    """Cancels a queued or running job at once; a worker running it sees the status and
    stops its engine process within seconds."""
    job = _lock_job(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.status in _TERMINAL:
        raise FailedPrecondition(f"job {job_id} is already {job.status}", reason="JOB_FINISHED")
    job.status = m.CANCELLED
    job.message = "cancelled"
    job.eta_seconds = None
    job.finished_at = _now()
    _settle_outputs(session, job, m.CANCELLED, m.CANCELLED)
    _job_updated(session, job)
    return job


# --- worker role ------------------------------------------------------------------------


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


def start_attempt(
    *, session: Session, job_id: str, max_attempts: int, stale_after: timedelta
) -> Attempt:
    """Marks the job RUNNING for one more attempt, or says it is done or owned elsewhere.

    A job found RUNNING whose heartbeat is older than ``stale_after`` was left by a worker
    that died or froze: a new attempt starts from scratch (its outputs go to a folder of its
    own and are only committed at the end; the old attempt's writes are fenced off). With a
    recent heartbeat the job is not handed over. After ``max_attempts`` starts it fails.
    """
    job = _lock_job(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.status in _TERMINAL:
        return Attempt(job_id=str(job.id), kind=job.kind, action=Action.DONE)
    if job.status == m.RUNNING and _beating(job, stale_after):
        return Attempt(job_id=str(job.id), kind=job.kind, action=Action.WAIT, attempt=job.attempts)
    if job.attempts >= max_attempts:
        _fail(
            session,
            job,
            f"gave up after {job.attempts} attempts: the worker stopped before finishing each time",
        )
        return Attempt(job_id=str(job.id), kind=job.kind, action=Action.DONE)
    job.attempts += 1
    job.status = m.RUNNING
    job.started_at = job.heartbeat_at = _now()
    job.percent, job.epoch, job.loss, job.eta_seconds = 0.0, 0, None, None
    job.message = "starting" if job.attempts == 1 else f"restarting (attempt {job.attempts})"
    attempt = Attempt(
        job_id=str(job.id),
        kind=job.kind,
        action=Action.RUN,
        owner_id=str(job.owner_id),
        model_id=str(job.model_id or ""),
        batch_id=str(job.batch_id or ""),
        request=dict(job.request or {}),
        attempt=job.attempts,
    )
    if job.model_id is not None:
        model = session.get(m.Model, job.model_id)
        assert model is not None
        if job.kind == m.TRAIN:
            model.status = m.TRAINING
        attempt = _with_model(attempt, model)
    _job_updated(session, job)
    return attempt


def _beating(job: m.Job, stale_after: timedelta) -> bool:
    return job.heartbeat_at is not None and _now() - job.heartbeat_at < stale_after


def _ownership(job: m.Job | None, attempt: int) -> Ownership:
    if job is None or job.status in _TERMINAL:
        return Ownership.ENDED
    if job.attempts != attempt or job.status != m.RUNNING:
        return Ownership.SUPERSEDED
    return Ownership.OWNED


def heartbeat(*, session: Session, job_id: str, attempt: int) -> Ownership:
    """The running attempt says it is alive (so the job is not handed over)."""
    job = _lock_job(session, job_id)
    ownership = _ownership(job, attempt)
    if job is not None and ownership is Ownership.OWNED:
        job.heartbeat_at = _now()
    return ownership


def release_attempt(*, session: Session, job_id: str, attempt: int) -> Ownership:
    """The attempt stops without an outcome (its worker shuts down, or storage failed): the
    next delivery may start a new attempt at once instead of waiting for the heartbeat to
    go stale."""
    job = _lock_job(session, job_id)
    ownership = _ownership(job, attempt)
    if job is not None and ownership is Ownership.OWNED:
        job.heartbeat_at = None
    return ownership


def _with_model(attempt: Attempt, model: m.Model) -> Attempt:
    return Attempt(
        **{
            **attempt.__dict__,
            "dataset_id": str(model.dataset_id),
            "engine": model.engine,
            "params": dict(model.params),
            "artifact_key": model.artifact_key or "",
        }
    )


@dataclass(frozen=True)
class Progress:
    percent: float
    message: str
    epoch: int | None = None
    total_epochs: int | None = None
    loss: float | None = None
    eta_seconds: float | None = None


def record_progress(
    *, session: Session, job_id: str, attempt: int, progress: Progress
) -> Ownership:
    """Stores and publishes progress while the attempt owns the job (a heartbeat too); the
    worker learns on its next update that the job was cancelled or taken over."""
    job = _lock_job(session, job_id)
    ownership = _ownership(job, attempt)
    if job is None or ownership is not Ownership.OWNED:
        return ownership
    job.heartbeat_at = _now()
    job.percent = round(progress.percent, 2)
    job.message = progress.message
    if progress.epoch is not None:
        job.epoch = progress.epoch
    if progress.total_epochs is not None:
        job.total_epochs = progress.total_epochs
    job.loss = progress.loss if progress.loss is not None else job.loss
    job.eta_seconds = progress.eta_seconds
    _job_updated(session, job)
    return ownership


def _succeed(session: Session, job: m.Job, message: str) -> None:
    job.status = m.SUCCEEDED
    job.percent = 100.0
    job.eta_seconds = 0.0
    job.message = message
    job.finished_at = _now()
    _job_updated(session, job)


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
    job = _lock_job(session, job_id)
    if job is None or _ownership(job, attempt) is not Ownership.OWNED:
        return False
    model = session.get(m.Model, job.model_id)
    assert model is not None
    model.status = m.READY
    model.artifact_key = artifact_key
    model.metrics = metrics
    model.profile = profile
    note = metrics.get("note")
    _succeed(session, job, f"model trained; {note}" if note else "model trained")
    _publish(
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
    job = _lock_job(session, job_id)
    if job is None or _ownership(job, attempt) is not Ownership.OWNED:
        return False
    batch = session.get(m.Batch, job.batch_id)
    assert batch is not None
    batch.status = m.READY
    batch.data_key = data_key
    batch.row_count = row_count
    batch.tables = list(tables)
    batch.expires_at = batch.created_at + retention
    _succeed(session, job, f"{row_count:,} rows generated")
    _publish(
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


def _fail(session: Session, job: m.Job, error: str) -> None:
    job.status = m.FAILED
    job.error = error
    job.message = "failed"
    job.eta_seconds = None
    job.finished_at = _now()
    _settle_outputs(session, job, m.FAILED, m.FAILED)
    _job_updated(session, job)
    if job.kind == m.TRAIN and job.model_id is not None:
        model = session.get(m.Model, job.model_id)
        assert model is not None
        _publish(
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
    job = _lock_job(session, job_id)
    ownership = _ownership(job, attempt)
    if job is not None and ownership is Ownership.OWNED:
        _fail(session, job, error)
    return ownership


def record_evaluation(
    *,
    session: Session,
    batch_id: str,
    quality_score: float | None,
    privacy_verdict: str,
    evaluated_at: datetime,
) -> bool:
    """Fills in a batch's quality score from evaluation.completed, unless a newer report
    already did (events of re-runs may arrive in any order); False when nothing changed,
    e.g. for an unknown or deleted batch."""
    try:
        key = uuid.UUID(batch_id)
    except ValueError:
        return False
    batch = session.get(m.Batch, key, with_for_update=True)
    if batch is None or (batch.evaluated_at is not None and batch.evaluated_at >= evaluated_at):
        return False
    batch.quality_score = quality_score
    batch.privacy_verdict = privacy_verdict
    batch.evaluated_at = evaluated_at
    return True


# --- a deleted dataset ------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetOutputs:
    """What was made from one dataset: its models and their batches (ids), and the storage
    folders holding their files (``models/<id>``, ``batches/<id>``)."""

    model_ids: list[str]
    batch_ids: list[str]

    @property
    def folders(self) -> list[str]:
        return [f"models/{i}" for i in self.model_ids] + [f"batches/{i}" for i in self.batch_ids]


def _dataset_key(dataset_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(dataset_id)
    except (ValueError, TypeError, AttributeError):
        return None


def stop_dataset_jobs(*, session: Session, dataset_id: str) -> int:
    """Cancels every queued or running job of the dataset's models (training them or
    generating from them), as CancelJob does: a worker running one stops its engine and
    commits nothing. Returns how many were stopped; a second call stops none."""
    key = _dataset_key(dataset_id)
    if key is None:
        return 0
    models = select(m.Model.id).where(m.Model.dataset_id == key)
    jobs = session.scalars(
        select(m.Job)
        .where(m.Job.model_id.in_(models), m.Job.status.in_(m.ACTIVE_JOB_STATUSES))
        .with_for_update()
    ).all()
    for job in jobs:
        job.status = m.CANCELLED
        job.error = f"dataset {dataset_id} was deleted"
        job.message = "cancelled: its dataset was deleted"
        job.eta_seconds = None
        job.finished_at = _now()
        _job_updated(session, job)
    return len(jobs)


def dataset_outputs(*, session: Session, dataset_id: str) -> DatasetOutputs:
    key = _dataset_key(dataset_id)
    if key is None:
        return DatasetOutputs([], [])
    model_ids = list(session.scalars(select(m.Model.id).where(m.Model.dataset_id == key)))
    batch_ids = session.scalars(
        select(m.Batch.id).where(
            (m.Batch.dataset_id == key) | m.Batch.model_id.in_(model_ids or [uuid.uuid4()])
        )
    )
    return DatasetOutputs([str(i) for i in model_ids], [str(i) for i in batch_ids])


def delete_dataset_outputs(*, session: Session, dataset_id: str) -> DatasetOutputs:
    """Deletes the rows of the dataset's models and their batches (jobs stay, as the record
    of what ran; their model or batch is then not found). Any job started since
    :func:`stop_dataset_jobs` is stopped first, in the same transaction. Returns what was
    deleted; a second call deletes nothing."""
    stop_dataset_jobs(session=session, dataset_id=dataset_id)
    outputs = dataset_outputs(session=session, dataset_id=dataset_id)
    if outputs.batch_ids:
        session.execute(
            delete(m.Batch).where(m.Batch.id.in_([uuid.UUID(i) for i in outputs.batch_ids]))
        )
    if outputs.model_ids:
        session.execute(
            delete(m.Model).where(m.Model.id.in_([uuid.UUID(i) for i in outputs.model_ids]))
        )
    return outputs
