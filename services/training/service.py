"""Domain logic of the training service's API role: plain functions taking a session.

It creates models, jobs and batches, enqueues jobs and cancels them (reading them back is in
``queries``). The
worker role's state changes are in ``attempts``; what training does when a batch is evaluated
or a dataset deleted is in ``reactions``. Every state change writes its events (and queued
jobs) to the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from common.contracts.relational import RelationalSchema
from common.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from common.ids import parse_id
from services.training import models as m
from services.training.approvals import Approval, open_job
from services.training.engines.base import (
    ENGINES,
    EngineSpec,
    InvalidConditionError,
    InvalidParamsError,
    TrainParams,
)
from services.training.engines.capabilities import EngineCapability, needed_capabilities
from services.training.engines.profile import TableProfile
from services.training.engines.sampling import validate_conditions
from services.training.exports import FORMATS
from services.training.jobstate import (
    TERMINAL,
    job_updated,
    lock_job,
    now,
    settle_outputs,
)
from services.training.payloads import GeneratePayload, TemplatePayload
from services.training.queries import get_model


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


def _new_job(
    session: Session,
    *,
    kind: str,
    owner_id: str,
    max_active_jobs: int,
    project_id: uuid.UUID,
    request: dict[str, Any],
    model_id: uuid.UUID | None = None,
    total_epochs: int = 0,
) -> m.Job:
    """A queued job row, not yet added to the session, once the owner's quota allows it."""
    owner = parse_id(owner_id, "owner_id")
    _check_job_quota(session, owner, max_active_jobs)
    return m.Job(
        id=uuid.uuid4(),
        kind=kind,
        status=m.QUEUED,
        project_id=project_id,
        owner_id=owner,
        model_id=model_id,
        message="waiting for a worker",
        request=request,
        percent=0.0,
        epoch=0,
        total_epochs=total_epochs,
        error="",
        attempts=0,
        sequence=0,
    )


def _new_batch(
    job: m.Job, *, format: str, model: m.Model | None = None, template_id: str = ""
) -> m.Batch:
    """The empty batch ``job`` generates into: from ``model``, or from a template."""
    return m.Batch(
        id=uuid.uuid4(),
        project_id=job.project_id,
        owner_id=job.owner_id,
        model_id=model.id if model is not None else None,
        dataset_id=model.dataset_id if model is not None else None,
        template_id=template_id,
        status=m.GENERATING,
        row_count=0,
        format=format,
        privacy_verdict="",
        error="",
        tables=[],
        job_id=job.id,
        job=job,
    )


def _queue_batch_job(
    session: Session, batch: m.Batch, job: m.Job, approval: Approval | None
) -> tuple[m.Batch, m.Job]:
    job.batch_id = batch.id
    session.add_all([batch, job])
    session.flush()
    open_job(session, job, approval)
    return batch, job


def build_train_params(
    spec: EngineSpec,
    *,
    epochs: int | None,
    batch_size: int | None,
    time_budget_seconds: float | None,
    seed: int | None,
    options: Mapping[str, Any],
    max_time_budget_seconds: float,
    differential_privacy: Mapping[str, Any] | None = None,
) -> TrainParams:
    """Validated parameters with defaults filled in; a missing seed is drawn at random and
    recorded, so every model can be retrained to the same rows (below 2**31, so GraphQL's
    Int carries it). Every job trains within ``max_time_budget_seconds`` (a missing budget is
    that): epochs alone are not bounded, and a job of a billion epochs held a worker for
    ever."""
    if seed is None:
        seed = uuid.uuid4().int % 2**31
    if time_budget_seconds is not None and time_budget_seconds > max_time_budget_seconds:
        raise InvalidArgument(
            f"must be at most {max_time_budget_seconds:g} seconds (the most a job may train)",
            field="params.time_budget_seconds",
        )
    if time_budget_seconds is None:
        time_budget_seconds = max_time_budget_seconds
    try:
        return TrainParams.build(
            spec,
            epochs=epochs,
            batch_size=batch_size,
            time_budget_seconds=time_budget_seconds,
            seed=seed,
            options=options,
            differential_privacy=differential_privacy,
        )
    except InvalidParamsError as exc:
        raise InvalidArgument(exc.message, field=f"params.{exc.field}") from exc


def check_dp_learns(params: TrainParams, schema: RelationalSchema) -> None:
    """InvalidArgument when differential privacy is asked for on linked tables or sequences:
    DP-SGD is for one table for now (several tables would each spend a share of the budget)."""
    if params.differential_privacy is not None and needed_capabilities(schema) != {
        EngineCapability.SINGLE_TABLE
    }:
        raise InvalidArgument(
            "differential privacy is available for single-table datasets only",
            field="params.differential_privacy",
        )


def check_engine_learns(spec: EngineSpec, schema: RelationalSchema) -> None:
    """InvalidArgument (field ``engine``) unless ``spec`` learns a dataset shaped as ``schema``:
    hma learns linked tables only (at most 5, 2 levels deep), par one sequential table, the
    others one table."""
    needed = needed_capabilities(schema)
    if not _learns(spec, schema):
        capable = [name for name, other in ENGINES.items() if _learns(other, schema)]
        what = ", ".join(sorted(c.value for c in needed))
        if needed <= spec.capabilities:
            what = f"{len(schema.tables)} tables, {schema.depth()} levels of links"
        raise InvalidArgument(
            f"{spec.name} cannot learn this dataset ({what}); engines that can: "
            + ", ".join(capable),
            field="engine",
        )


def _learns(spec: EngineSpec, schema: RelationalSchema) -> bool:
    return (
        needed_capabilities(schema) <= spec.capabilities
        and (spec.max_tables is None or len(schema.tables) <= spec.max_tables)
        and (spec.max_depth is None or schema.depth() <= spec.max_depth)
    )


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
    approval: Approval | None = None,
) -> tuple[m.Model, m.Job]:
    job = _new_job(
        session,
        kind=m.TRAIN,
        owner_id=owner_id,
        max_active_jobs=max_active_jobs,
        project_id=parse_id(project_id, "project_id"),
        request={},
        total_epochs=params.epochs or 0,
    )
    model = m.Model(
        id=uuid.uuid4(),
        project_id=job.project_id,
        dataset_id=parse_id(dataset_id, "dataset_id"),
        owner_id=job.owner_id,
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
    open_job(session, job, approval)
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
    approval: Approval | None = None,
) -> tuple[m.Batch, m.Job]:
    model = get_model(session=session, model_id=model_id)
    if model.status != m.READY:
        raise FailedPrecondition(
            f"model {model.id} is {model.status}, only a ready model can generate rows",
            reason="MODEL_NOT_READY",
        )
    conditions = _validate_generate(model, options, max_rows)
    seed = options.seed if options.seed is not None else uuid.uuid4().int % 2**31
    job = _new_job(
        session,
        kind=m.GENERATE,
        owner_id=owner_id,
        max_active_jobs=max_active_jobs,
        project_id=model.project_id,
        model_id=model.id,
        request=GeneratePayload(
            count=options.count,
            seed=seed,
            conditions=dict(conditions),
            anomaly_ratio=options.anomaly_ratio,
            mark_column=options.mark_column,
            enforce_bounds=options.enforce_bounds,
        ).to_json(),
    )
    batch = _new_batch(job, format=options.format, model=model)
    return _queue_batch_job(session, batch, job, approval)


@dataclass(frozen=True)
class TemplateRequest:
    """A validated template job: everything the worker needs to generate the same bytes.

    ``source`` is ``{"builtin": name, "options": {...}}`` or ``{"schema": {...}}`` (a saved
    template's schema is copied in, so deleting the template later does not break the job);
    ``template_id`` labels the batch (a built-in's name, a saved template's id, or "");
    ``name`` names the job (a built-in's or saved template's name, or "custom schema").
    """

    template_id: str
    name: str
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
    approval: Approval | None = None,
) -> tuple[m.Batch, m.Job]:
    job = _new_job(
        session,
        kind=m.TEMPLATE,
        owner_id=owner_id,
        max_active_jobs=max_active_jobs,
        project_id=parse_id(project_id, "project_id"),
        request=TemplatePayload.model_validate(
            {
                **request.source,
                "count": request.count,
                "seed": request.seed,
                "locale": request.locale,
                "chunk_rows": request.chunk_rows,
                "name": request.name,
            }
        ).to_json(),
    )
    batch = _new_batch(job, format=request.format, template_id=request.template_id)
    return _queue_batch_job(session, batch, job, approval)


def cancel_job(*, session: Session, job_id: str) -> m.Job:
    """Cancels a queued, running or pending job at once; a worker running it sees the status
    and stops its engine process within seconds."""
    job = lock_job(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.status in TERMINAL:
        raise FailedPrecondition(f"job {job_id} is already {job.status}", reason="JOB_FINISHED")
    job.status = m.CANCELLED
    job.message = "cancelled"
    job.eta_seconds = None
    job.finished_at = now()
    settle_outputs(session, job, m.CANCELLED, m.CANCELLED)
    job_updated(session, job)
    return job
