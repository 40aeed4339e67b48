"""Tables of the evaluation schema: reports and the outbox.

A batch may have many reports (one per run); the newest is the batch's report. The report
itself (JSON with chart data) and its HTML page live in storage under ``reports/<id>/``;
the row keeps what lists and GraphQL show without reading them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.db import CreatedAt, UuidPk, make_metadata
from common.outbox import outbox_table
from services.evaluation.enums import ReportKind, ReportStatus

SCHEMA = "evaluation"

# Short names for the members of services.evaluation.enums, where the stored words are defined.
PENDING, RUNNING = ReportStatus.PENDING, ReportStatus.RUNNING
READY, FAILED = ReportStatus.READY, ReportStatus.FAILED
FULL, CONFORMANCE = ReportKind.FULL, ReportKind.CONFORMANCE
# What started a report: the batch.generated event, or an Evaluate call.
EVENT_TRIGGER, REQUEST_TRIGGER = "batch.generated", "request"


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


outbox = outbox_table(Base.metadata)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[UuidPk]
    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    project_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    # Who asked for it with Evaluate (their quota counts it); None for event-made reports.
    requested_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The dataset of a model batch: its reports go when it is deleted (dataset.deleted).
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    # The batch.generated event that started it: a redelivered event finds its report.
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    trigger: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20), default=FULL)
    status: Mapped[str] = mapped_column(String(20))
    # ReportOptions as given (target_column, sample_rows, seed).
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    quality_score: Mapped[float | None] = mapped_column(Float)
    privacy_verdict: Mapped[str] = mapped_column(String(10), default="")
    json_key: Mapped[str | None] = mapped_column(String(300))
    html_key: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[CreatedAt]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_reports_batch_id_created_at", "batch_id", "created_at"),)


class DeletedDataset(Base):
    """A dataset whose deletion was handled: its reports are gone, and a batch.generated of
    one of its batches arriving late makes no report."""

    __tablename__ = "deleted_datasets"

    dataset_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
