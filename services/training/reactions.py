"""What the training service does when other services' facts arrive: an evaluation report
scores a batch; a deleted dataset stops the jobs of its models and takes their files away."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.training import models as m
from services.training.jobstate import job_updated, now, stop_shards


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
        job.finished_at = now()
        stop_shards(session, job)
        job_updated(session, job)
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
