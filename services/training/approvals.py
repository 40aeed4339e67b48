"""Approval of requests: in a project that requires it (datasets' ``approval_required``), an
editor's training or generation request waits as PENDING_APPROVAL, counted towards the user's
job limit but not queued, until a project owner (or an admin) approves it (it is queued then)
or rejects it (it ends CANCELLED and never runs). Owners' and admins' own requests run at once.

A decision locks the job's row, so an approval and a rejection racing each other are one
decision and the other is refused (JOB_NOT_PENDING); the same decision repeated changes nothing.
The requester hears about it (job.reviewed), and owners about a new request
(job.approval_requested).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from common.context import Principal
from common.enums import to_proto
from common.errors import FailedPrecondition, InvalidArgument, NotFound
from common.ids import parse_id
from services.datasets.client import ProjectAccess
from services.training import models as m
from services.training.enums import JobKind
from services.training.jobstate import (
    enqueue_job,
    job_updated,
    lock_job,
    now,
    publish,
    settle_outputs,
)
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

MAX_COMMENT_CHARS = 2000
OWNER, ADMIN = "owner", "admin"


@dataclass(frozen=True)
class Approval:
    """A request that waits for approval, and the owners to ask."""

    owner_ids: tuple[str, ...]


def approval_needed(access: ProjectAccess, principal: Principal) -> Approval | None:
    """None when the request runs at once: the project does not require approval, or the
    caller is one of those who approve (an owner, an admin)."""
    if not access.settings.approval_required or access.role in (OWNER, ADMIN):
        return None
    if principal.is_admin:
        return None
    return Approval(owner_ids=access.owner_ids)


def open_job(session: Session, job: m.Job, approval: Approval | None) -> None:
    """Queues a new job, or holds it for approval and tells the owners."""
    if approval is None:
        job_updated(session, job)
        enqueue_job(session, job)
        return
    job.status = m.PENDING_APPROVAL
    job.message = "waiting for a project owner's approval"
    job_updated(session, job)
    publish(
        session,
        job,
        events_pb2.JobApprovalRequested(
            job_id=str(job.id),
            job_kind=to_proto(JobKind(job.kind), training_pb2.JobKind),
            owner_ids=list(approval.owner_ids),
        ),
    )


def bounded_text(value: str, *, field: str, missing: str | None) -> str:
    """``value`` stripped, at most MAX_COMMENT_CHARS; ``missing``: the error for an empty
    one (None: empty is fine)."""
    text = value.strip()
    if missing is not None and not text:
        raise InvalidArgument(missing, field=field)
    if len(text) > MAX_COMMENT_CHARS:
        raise InvalidArgument(
            f"{field} must be at most {MAX_COMMENT_CHARS} characters", field=field
        )
    return text


def validate_comment(comment: str, *, required: bool) -> str:
    missing = "a rejection needs a comment for the requester" if required else None
    return bounded_text(comment, field="comment", missing=missing)


def review_job(
    *, session: Session, job_id: str, reviewer_id: str, approve: bool, comment: str
) -> m.Job:
    """Approves (queues) or rejects (cancels) a pending job, once."""
    job = lock_job(session, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.approved is approve:
        return job
    if job.status != m.PENDING_APPROVAL:
        decided = job.status if job.approved is None else ("rejected", "approved")[job.approved]
        raise FailedPrecondition(
            f"job {job_id} does not wait for approval: it is {decided}",
            reason="JOB_NOT_PENDING",
        )
    job.approved = approve
    job.reviewed_by = parse_id(reviewer_id, "reviewer_id")
    job.reviewed_at = now()
    job.review_comment = comment
    if approve:
        job.status = m.QUEUED
        job.message = "approved: waiting for a worker"
        job_updated(session, job)
        enqueue_job(session, job)
    else:
        job.status = m.CANCELLED
        job.message = "rejected by a project owner"
        job.error = f"rejected: {comment}"
        job.finished_at = now()
        settle_outputs(session, job, m.CANCELLED, m.CANCELLED)
        job_updated(session, job)
    publish(
        session,
        job,
        events_pb2.JobReviewed(
            job_id=str(job.id),
            job_kind=to_proto(JobKind(job.kind), training_pb2.JobKind),
            approved=approve,
            comment=comment,
            reviewer_id=reviewer_id,
        ),
    )
    return job
