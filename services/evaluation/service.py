"""Report rows: create (idempotent per batch.generated event), run, complete, fail, read.

Plain synchronous functions taking a session; `Database.call` runs each in one transaction.
A completed report's evaluation.completed event is written to the outbox in the same
transaction as the row, so it can never be lost or sent for a report that was not saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from common.enums import verdict_to_proto
from common.errors import NotFound, ResourceExhausted
from common.events import new_event
from common.ids import parse_id
from common.outbox import enqueue
from services.evaluation import models as m
from synthetica.events.v1 import events_pb2


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewReport:
    """What a report is about and how to build it."""

    batch_id: str
    owner_id: str
    project_id: str
    kind: str
    trigger: str
    options: dict[str, Any]
    # The dataset a model batch was generated from ("" for template batches).
    dataset_id: str = ""
    # Who asked with Evaluate ("" for reports made from batch.generated).
    requested_by: str = ""


def _values(new: NewReport) -> dict[str, Any]:
    return {
        "batch_id": parse_id(new.batch_id, "batch_id"),
        "owner_id": parse_id(new.owner_id, "owner_id"),
        "project_id": uuid.UUID(new.project_id) if new.project_id else None,
        "dataset_id": uuid.UUID(new.dataset_id) if new.dataset_id else None,
        "requested_by": uuid.UUID(new.requested_by) if new.requested_by else None,
        "kind": new.kind,
        "trigger": new.trigger,
        "options": new.options,
        "status": m.PENDING,
        "privacy_verdict": "",
        "error": "",
    }


def create_request(
    *, session: Session, new: NewReport, max_per_user: int, max_queued: int
) -> m.Report:
    """A new pending report for an Evaluate call (every call is a new run), within the
    caller's quota and the length of the queue; ResourceExhausted otherwise."""
    # Serialises requests, so that two concurrent calls cannot both pass the checks.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('evaluation.requests'))"))
    requests = (
        select(func.count()).select_from(m.Report).where(m.Report.trigger == m.REQUEST_TRIGGER)
    )
    mine = session.scalar(
        requests.where(
            m.Report.requested_by == parse_id(new.requested_by, "requested_by"),
            m.Report.status.in_((m.PENDING, m.RUNNING)),
        )
    )
    if mine is not None and mine >= max_per_user:
        raise ResourceExhausted(
            f"you already have {mine} evaluations pending or running (limit {max_per_user}); "
            "wait for one to finish",
            reason="TOO_MANY_EVALUATIONS",
        )
    waiting = session.scalar(requests.where(m.Report.status == m.PENDING))
    if waiting is not None and waiting >= max_queued:
        raise ResourceExhausted(
            f"{waiting} evaluations are waiting already; try again in a few minutes",
            reason="EVALUATION_QUEUE_FULL",
            retry_after_seconds=60,
        )
    report = m.Report(id=uuid.uuid4(), **_values(new))
    session.add(report)
    session.flush()
    return report


def report_for_event(*, session: Session, event_id: str, new: NewReport) -> m.Report:
    """The report of a batch.generated event, created on its first delivery only, so a
    redelivered event finds the report it already started instead of making a second."""
    statement = (
        insert(m.Report)
        .values(id=uuid.uuid4(), event_id=event_id, **_values(new))
        .on_conflict_do_nothing(index_elements=[m.Report.event_id])
    )
    session.execute(statement)
    return session.execute(select(m.Report).where(m.Report.event_id == event_id)).scalar_one()


def start(*, session: Session, report_id: uuid.UUID) -> m.Report:
    report = _locked(session, report_id)
    report.status = m.RUNNING
    report.started_at = _now()
    return report


def complete(
    *,
    session: Session,
    report_id: uuid.UUID,
    quality_score: float | None,
    privacy_verdict: str,
    json_key: str,
    html_key: str | None,
) -> m.Report:
    """Marks the report ready and enqueues evaluation.completed, in one transaction."""
    report = _locked(session, report_id)
    report.status = m.READY
    report.quality_score = quality_score
    report.privacy_verdict = privacy_verdict
    report.json_key = json_key
    report.html_key = html_key
    report.error = ""
    report.completed_at = _now()
    body = events_pb2.EvaluationCompleted(
        report_id=str(report.id),
        batch_id=str(report.batch_id),
        verdict=verdict_to_proto(privacy_verdict),
        # The older spelling, for consumers built before the enum (events.proto).
        privacy_verdict=privacy_verdict,
    )
    if quality_score is not None:
        body.quality_score = quality_score
    enqueue(
        session,
        m.outbox,
        new_event(body, user_id=str(report.owner_id), project_id=str(report.project_id or "")),
    )
    return report


def fail(*, session: Session, report_id: uuid.UUID, error: str) -> m.Report:
    report = _locked(session, report_id)
    report.status = m.FAILED
    report.error = error
    report.completed_at = _now()
    return report


def _locked(session: Session, report_id: uuid.UUID) -> m.Report:
    report = session.get(m.Report, report_id, with_for_update=True)
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report


def latest_report(*, session: Session, batch_id: str, ready_only: bool = False) -> m.Report:
    """The batch's newest report (newest ready one with `ready_only`)."""
    query = select(m.Report).where(m.Report.batch_id == parse_id(batch_id, "batch_id"))
    if ready_only:
        query = query.where(m.Report.status == m.READY)
    report = session.execute(
        query.order_by(m.Report.created_at.desc(), m.Report.id.desc()).limit(1)
    ).scalar_one_or_none()
    if report is None:
        what = "ready report" if ready_only else "report"
        raise NotFound(f"batch {batch_id} has no {what} yet", reason="REPORT_NOT_FOUND")
    return report


def unfinished_requests(*, session: Session) -> list[uuid.UUID]:
    """Reports asked for with Evaluate that a stopped process left unfinished. Event-made
    reports are not listed: JetStream redelivers their event."""
    query = select(m.Report.id).where(
        m.Report.trigger == m.REQUEST_TRIGGER, m.Report.status.in_((m.PENDING, m.RUNNING))
    )
    return list(session.execute(query.order_by(m.Report.created_at)).scalars())


# --- a deleted dataset ------------------------------------------------------------------


def forget_dataset(*, session: Session, dataset_id: str) -> list[uuid.UUID]:
    """Records the dataset as deleted and deletes its reports' rows; returns their ids (whose
    files the caller deletes). A second call finds nothing and returns []."""
    key = parse_id(dataset_id, "dataset_id")
    session.execute(insert(m.DeletedDataset).values(dataset_id=key).on_conflict_do_nothing())
    ids = list(session.scalars(select(m.Report.id).where(m.Report.dataset_id == key)))
    if ids:
        session.execute(delete(m.Report).where(m.Report.id.in_(ids)))
    return ids


def reports_of_dataset(*, session: Session, dataset_id: str) -> list[uuid.UUID]:
    key = parse_id(dataset_id, "dataset_id")
    return list(session.scalars(select(m.Report.id).where(m.Report.dataset_id == key)))


def dataset_deleted(*, session: Session, dataset_id: str) -> bool:
    try:
        key = uuid.UUID(dataset_id)
    except ValueError:
        return False
    return session.get(m.DeletedDataset, key) is not None
