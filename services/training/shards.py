"""Sharded generation, the database side: a big single-table generate or template job split
into shards that every worker takes from JOBS (subject ``synthetica.jobs.shard``).

The job's first attempt splits it (``split_job``): one row per shard (its rows and status)
and one queued message per shard, in one transaction, and the job's own message is done.
Each shard runs in attempts of its own, fenced like a job's (``attempts``): a redelivered
shard whose worker died starts a new attempt of that shard alone once its heartbeat is stale,
and every write of an older attempt is refused. The job succeeds when its last shard
commits, under the job's row lock, so exactly once; it fails or is cancelled as a whole
(``jobstate.stop_shards``).

Seeds. A template shard is a range of the plan's chunks, and every chunk's generators are
derived from ``SeedSequence(seed, spawn_key=(table, chunk, field))`` already
(``templates.generator``): the shards' rows are exactly the rows of the unsplit job. A model
shard is a range of the job's sampling chunks too (``sampling.sample_chunks`` from the
shard's first row, with the job's seed): its rows, ids and emails are the unsplit job's;
its unique names (``unique_labels``) are those whose hash falls to the shard, so no two
shards make the same one. Either way the batch is the same bytes whatever the number of
workers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import NotFound
from common.jetstream import JOBS_SUBJECT_PREFIX
from common.tracing import current_traceparent
from services.training import attempts
from services.training import models as m
from services.training.attempts import Action, Attempt, Ownership
from services.training.jobstate import TERMINAL, job_updated, lock_job, now
from synthetica.training.v1 import training_pb2

SHARD_SUBJECT = JOBS_SUBJECT_PREFIX + "shard"
_FINISHED = (m.SUCCEEDED, m.FAILED, m.CANCELLED)


def plan_shards(total_rows: int, shard_rows: int, unit: int = 1) -> list[tuple[int, int]]:
    """``(start, count)`` of each shard: ``shard_rows`` rounded down to a multiple of
    ``unit`` (a template's chunk size), at least one unit."""
    size = max(unit, shard_rows // unit * unit)
    return [(start, min(size, total_rows - start)) for start in range(0, total_rows, size)]


@dataclass(frozen=True)
class ShardAttempt:
    """What a worker does with a delivered shard: ``job`` as a job attempt would see it, its
    ``attempt`` being the shard's attempt number."""

    job: Attempt
    index: int
    start: int = 0
    count: int = 0
    shards: int = 1  # of the job
    # The job failed or was cancelled: the files its shards committed are to be deleted.
    discard: bool = False

    @property
    def action(self) -> Action:
        return self.job.action


def split_job(
    *,
    session: Session,
    job_id: str,
    attempt: int,
    parts: Sequence[tuple[int, int]],
    queued_at_once: int,
) -> Ownership:
    """Splits the job its attempt owns into ``parts`` and queues the messages of the first
    ``queued_at_once`` shards (each one that finishes queues the next: ``queue_next``)."""
    job, ownership = attempts.owned_job(session, job_id, attempt)
    if job is None:
        return ownership
    job.shards = len(parts)
    job.message = f"split into {len(parts)} shards"
    for index, (start, count) in enumerate(parts):
        queued = index < queued_at_once
        session.add(
            m.Shard(
                job_id=job.id,
                index=index,
                start=start,
                count=count,
                status=m.QUEUED,
                attempts=0,
                rows_done=0,
                queued=queued,
            )
        )
        if queued:
            _queue_message(session, job.id, index)
    job_updated(session, job)
    return ownership


def _queue_message(session: Session, job_id: uuid.UUID, index: int) -> None:
    """The shard's message, through the outbox, in the caller's transaction."""
    payload = training_pb2.QueuedShard(job_id=str(job_id), index=index)
    session.execute(
        m.outbox.insert().values(
            id=uuid.uuid4(),
            subject=SHARD_SUBJECT,
            payload=payload.SerializeToString(),
            trace_parent=current_traceparent() or None,
        )
    )


def queue_next(session: Session, shards: Sequence[m.Shard], queued_at_once: int) -> None:
    """Queues the job's next shards (in order) until ``queued_at_once`` of them are on the
    queue unfinished: called as one finishes, so a job never has all its shards ahead of
    the jobs queued after it. Robust to the setting changing meanwhile: whatever was queued
    stays queued, and each finish queues at least up to the current setting."""
    on_queue = sum(s.queued and s.status not in _FINISHED for s in shards)
    for shard in shards:
        if on_queue >= queued_at_once:
            return
        if not shard.queued and shard.status == m.QUEUED:
            shard.queued = True
            _queue_message(session, shard.job_id, shard.index)
            on_queue += 1


def _locked(session: Session, job_id: str, index: int) -> tuple[m.Job | None, m.Shard | None]:
    """The job, then its shard, locked in that order (as every shard write takes them)."""
    job = lock_job(session, job_id)
    if job is None:
        return None, None
    return job, session.get(m.Shard, (job.id, index), with_for_update=True)


def _ownership(job: m.Job | None, shard: m.Shard | None, attempt: int) -> Ownership:
    if job is None or shard is None or job.status in TERMINAL:
        return Ownership.ENDED
    if shard.attempts != attempt:
        return Ownership.SUPERSEDED
    return Ownership.OWNED if shard.status == m.RUNNING else Ownership.ENDED


def discarded(*, session: Session, job_id: str) -> bool:
    """Whether the job failed or was cancelled (its shards' files are to be deleted)."""
    job = session.get(m.Job, uuid.UUID(job_id))
    return job is not None and job.status in (m.FAILED, m.CANCELLED)


def start_shard(
    *, session: Session, job_id: str, index: int, max_attempts: int, stale_after: timedelta
) -> ShardAttempt:
    """Starts one more attempt of the shard, or says it is done or running elsewhere (a
    recent heartbeat). After ``max_attempts`` starts the whole job fails."""
    job, shard = _locked(session, job_id, index)
    if job is None or shard is None:
        raise NotFound(f"shard {index} of job {job_id} not found")
    done = ShardAttempt(
        Attempt(job_id=str(job.id), kind=job.kind, action=Action.DONE, batch_id=str(job.batch_id)),
        index,
        discard=job.status in (m.FAILED, m.CANCELLED),
    )
    if job.status in TERMINAL or shard.status in _FINISHED:
        return done
    beating = shard.heartbeat_at is not None and now() - shard.heartbeat_at < stale_after
    if shard.status == m.RUNNING and beating:
        waiting = Attempt(job_id=str(job.id), kind=job.kind, action=Action.WAIT)
        return ShardAttempt(waiting, index)
    if shard.attempts >= max_attempts:
        attempts.fail_job(
            session,
            job,
            f"gave up on shard {index} after {shard.attempts} attempts: "
            "the worker stopped before finishing each time",
        )
        return replace(done, discard=True)
    shard.attempts += 1
    shard.status = m.RUNNING
    shard.heartbeat_at = now()
    shard.rows_done = 0
    started = attempts.running_attempt(session, job, shard.attempts)
    return ShardAttempt(started, index, shard.start, shard.count, max(job.shards, 1))


def shard_heartbeat(*, session: Session, job_id: str, index: int, attempt: int) -> Ownership:
    job, shard = _locked(session, job_id, index)
    ownership = _ownership(job, shard, attempt)
    if shard is not None and ownership is Ownership.OWNED:
        shard.heartbeat_at = now()
    return ownership


def release_shard(*, session: Session, job_id: str, index: int, attempt: int) -> Ownership:
    """The attempt stops without an outcome: the next delivery may start a new one at once."""
    job, shard = _locked(session, job_id, index)
    ownership = _ownership(job, shard, attempt)
    if shard is not None and ownership is Ownership.OWNED:
        shard.heartbeat_at = None
    return ownership


def fail_shard(*, session: Session, job_id: str, index: int, attempt: int, error: str) -> Ownership:
    """An error that will recur fails the whole job (and stops its other shards)."""
    job, shard = _locked(session, job_id, index)
    ownership = _ownership(job, shard, attempt)
    if job is not None and ownership is Ownership.OWNED:
        attempts.fail_job(session, job, f"shard {index}: {error}")
    return ownership


def record_shard_progress(
    *, session: Session, job_id: str, index: int, attempt: int, rows_done: int
) -> Ownership:
    """The shard's rows so far (a heartbeat too); the job's progress is the sum of its
    shards'."""
    job, shard = _locked(session, job_id, index)
    ownership = _ownership(job, shard, attempt)
    if job is None or shard is None or ownership is not Ownership.OWNED:
        return ownership
    shard.heartbeat_at = now()
    shard.rows_done = min(rows_done, shard.count)
    _job_progress(session, job)
    return ownership


def _job_progress(session: Session, job: m.Job) -> None:
    shards = session.scalars(select(m.Shard).where(m.Shard.job_id == job.id)).all()
    done, total = sum(s.rows_done for s in shards), sum(s.count for s in shards)
    finished = sum(s.status == m.SUCCEEDED for s in shards)
    job.heartbeat_at = now()
    job.percent = round(100.0 * done / total, 2) if total else 0.0
    job.message = f"{done:,} of {total:,} rows generated ({finished} of {len(shards)} shards)"
    job.eta_seconds = None
    job_updated(session, job)


def finish_shard(
    *,
    session: Session,
    job_id: str,
    index: int,
    attempt: int,
    data_key: str,
    retention: timedelta,
    tables: Sequence[str] = (),
    queued_at_once: int = 1,
) -> bool:
    """Commits the shard's file and queues the job's next shard (``queue_next``); the last
    shard to commit commits the batch (its parts in shard order). False when the attempt no
    longer owns the shard: the caller deletes its file, which nothing references."""
    job, shard = _locked(session, job_id, index)
    if job is None or shard is None or _ownership(job, shard, attempt) is not Ownership.OWNED:
        return False
    shard.status = m.SUCCEEDED
    shard.data_key = data_key
    shard.rows_done = shard.count
    shard.heartbeat_at = now()
    session.flush()
    shards = session.scalars(
        select(m.Shard).where(m.Shard.job_id == job.id).order_by(m.Shard.index)
    ).all()
    if any(s.status != m.SUCCEEDED for s in shards):
        queue_next(session, shards, queued_at_once)
        _job_progress(session, job)
        return True
    parts = [s.data_key or "" for s in shards]
    attempts.finish_generation(
        session=session,
        job_id=job_id,
        attempt=job.attempts,
        data_key=parts[0],
        row_count=sum(s.count for s in shards),
        retention=retention,
        tables=tables,
    )
    batch = session.get(m.Batch, job.batch_id)
    assert batch is not None
    batch.parts = parts
    return True
