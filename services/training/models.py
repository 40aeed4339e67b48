"""Tables of the training schema: models, jobs, synthetic batches, templates and the outbox.

The outbox carries both events (``synthetica.events.*``) and queued jobs
(``synthetica.jobs.*``): a job is enqueued in the same transaction that creates it, so it
can never be lost between the database commit and NATS.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.db import CreatedAt, UpdatedAt, UuidPk, make_metadata
from common.outbox import outbox_table
from services.training.enums import BatchStatus, JobKind, JobStatus, ModelStatus

SCHEMA = "training"

# Short names for the members of services.training.enums, as the code here has always used
# them; the words (stored lower case) are defined there once. Model and batch statuses share
# queued/ready/failed/cancelled with the job's.
TRAIN, GENERATE, TEMPLATE = JobKind.TRAIN, JobKind.GENERATE, JobKind.TEMPLATE
QUEUED, RUNNING, SUCCEEDED = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED
FAILED, CANCELLED = JobStatus.FAILED, JobStatus.CANCELLED
PENDING_APPROVAL = JobStatus.PENDING_APPROVAL
# A pending request counts towards the user's limit of unfinished jobs.
ACTIVE_JOB_STATUSES = (QUEUED, RUNNING, PENDING_APPROVAL)
TRAINING, READY = ModelStatus.TRAINING, ModelStatus.READY
GENERATING, EXPIRED = BatchStatus.GENERATING, BatchStatus.EXPIRED


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


outbox = outbox_table(Base.metadata)


class Model(Base):
    __tablename__ = "models"

    id: Mapped[UuidPk]
    project_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    dataset_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(String(200))
    engine: Mapped[str] = mapped_column(String(50))
    # Validated training parameters, defaults filled in (seed always set).
    params: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # Column summary from the artifact: lets the API check conditions without the model.
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    artifact_key: Mapped[str | None] = mapped_column(String(300))
    job_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[UuidPk]
    project_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    model_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    template_id: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20))
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # The preferred download format the batch was requested in (csv, jsonl, parquet, sql).
    format: Mapped[str] = mapped_column(String(20))
    quality_score: Mapped[float | None] = mapped_column(Float)
    privacy_verdict: Mapped[str] = mapped_column(String(50), default="")
    # When the report behind quality_score was made: an older report never overwrites it.
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str] = mapped_column(Text, default="")
    data_key: Mapped[str | None] = mapped_column(String(300))
    # Template batches: the generated tables in file order (data_key is the first one's file).
    tables: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    # A sharded batch: its shards' Parquet files in row order (data_key is the first one);
    # empty for a batch written as one file per table.
    parts: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    job_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An owner's release of a batch the privacy gate blocked: who, when and why.
    released_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The job that generated it, loaded with it: its typed request (services.training.payloads)
    # holds the conditions the batch was asked for, which the batch shows (convert).
    job: Mapped[Job | None] = relationship(
        primaryjoin="foreign(Batch.job_id) == Job.id", lazy="selectin", viewonly=True
    )

    __table_args__ = (
        Index("ix_batches_status_created_at", "status", "created_at"),
        # A dataset's batches, newest first (`batches(datasetId)`, the SDK's batches.newest).
        Index("ix_batches_dataset_id_created_at", "dataset_id", "created_at"),
    )


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[UuidPk]
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    model_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # What the worker needs beyond the model/batch rows (count, seed, conditions, ...).
    request: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    total_epochs: Mapped[int] = mapped_column(Integer, default=0)
    loss: Mapped[float | None] = mapped_column(Float)
    eta_seconds: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    # Attempts started; the current one is the only one whose writes count (fencing).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Written by the running attempt every few seconds: a job whose heartbeat is recent is
    # not handed over to another worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Increases with every job.updated, so consumers can drop stale updates.
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[CreatedAt]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An owner's decision on a request that waited for approval (approved None: none yet).
    approved: Mapped[bool | None] = mapped_column(Boolean)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A generate job split into shards (services.training.shards): how many; 0 when it runs
    # as one piece.
    shards: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_jobs_owner_id_status", "owner_id", "status"),
        Index("ix_jobs_created_at_id", "created_at", "id"),
    )


class Shard(Base):
    """One part of a sharded generate job: ``count`` rows from row ``start`` of the batch,
    run by attempts of its own, fenced like a job's (``attempts``, ``heartbeat_at``)."""

    __tablename__ = "shards"

    job_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.jobs.id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    # The committed attempt's Parquet file.
    data_key: Mapped[str | None] = mapped_column(String(300))
    # Whether its message is on the work queue: a job keeps only a few shards there at once,
    # the next queued as one finishes (shards.queue_next), so other jobs are not behind all.
    queued: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Template(Base):
    """A user's saved custom schema; with a project, shared with that project's members."""

    __tablename__ = "templates"

    id: Mapped[UuidPk]
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    schema: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[CreatedAt]

    __table_args__ = (Index("ix_templates_created_at_id", "created_at", "id"),)
