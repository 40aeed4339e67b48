"""Tables of the datasets service: projects, their members, datasets, and the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.contracts.privacy_gate import PrivacyGate
from common.db import CreatedAt, UpdatedAt, UuidPk, make_metadata
from common.outbox import outbox_table
from services.datasets.enums import DatasetStatus

SCHEMA = "datasets"

VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"
ROLE_RANK = {VIEWER: 1, EDITOR: 2, OWNER: 3}

# Short names for the members of services.datasets.enums, where the stored words are defined.
INGESTING, READY, FAILED = DatasetStatus.INGESTING, DatasetStatus.READY, DatasetStatus.FAILED


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


outbox = outbox_table(Base.metadata)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[UuidPk]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    # Settings owners set for everybody in the project (common.contracts.privacy_gate.PrivacyGate).
    privacy_gate: Mapped[str] = mapped_column(
        String(20), default=PrivacyGate.OFF, server_default=PrivacyGate.OFF.value
    )
    approval_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ProjectMember(Base):
    __tablename__ = "project_members"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # When the member first used the project; until then other members see them as a
    # pending invitation, like one to an email that has no account (nothing tells the two
    # apart, so inviting cannot be used to learn who has an account).
    joined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProjectInvitation(Base):
    """An invitation to an email with no account yet: it becomes a membership of whoever
    presents its token (members.accept_invitation), shown once to the inviter. Registering
    the email does not take it (no email is verified here)."""

    __tablename__ = "project_invitations"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(320), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[CreatedAt]
    # SHA-256 (hex) of the token; null for invitations made before tokens (invite again).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)


class InvitationSent(Base):
    """One row per addProjectMember call, counted per inviting user for the rate limit."""

    __tablename__ = "invitations_sent"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_invitations_sent_user_id_created_at", "user_id", "created_at"),)


class IngestedTable:
    """The columns of an ingested table, which a dataset (its first table) and each table
    added later share: the upload, what ingestion found, and its attempts."""

    file_name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text, default="")
    error_code: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    detected: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    train_row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    holdout_row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # [{"name", "type", "datetime_format"}] in file order.
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # ingest.DatasetMetadata as JSON.
    table_metadata: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # ingest.DatasetStats as JSON.
    stats: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSONB, default=list)
    # Ingestion attempts of the table so far: each (a start, a resume after a crash) takes the
    # next number, and writes only while its number is the latest.
    ingest_attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Dataset(IngestedTable, Base):
    """One upload, and the dataset's first table. Files live under ``datasets/<id>/`` in
    storage; the row keeps what ingestion found (columns, metadata, statistics) so reads
    never touch the files. Tables added later are ``DatasetTable`` rows."""

    __tablename__ = "datasets"

    id: Mapped[UuidPk]
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # The first table's name; empty for datasets from before tables had names, whose name
    # is derived from the file name (services.datasets.tables.default_table_name).
    table_name: Mapped[str] = mapped_column(String(63), default="", server_default="")
    # How the tables relate, as services.datasets.relations.Relations JSON: foreign keys,
    # sequences, what detection suggests and the referential problems found.
    relations: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    # The rules synthetic rows must obey, as common.contracts.rules.Rule JSON (checked
    # against the real rows when set).
    rules: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    # Loaded with the dataset (one more query per query of datasets), so converting a dataset
    # never goes back to the database.
    added_tables: Mapped[list[DatasetTable]] = relationship(
        order_by="DatasetTable.position",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class DatasetTable(IngestedTable, Base):
    """A table added to a dataset after its first one. Its files live under
    ``datasets/<dataset id>/tables/<table id>/`` (the same names as a dataset's own), keyed
    by the row's id, never by the user's table name."""

    __tablename__ = "dataset_tables"

    id: Mapped[UuidPk]
    dataset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    # 1, 2, ...: the upload order after the dataset's first table (position 0).
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(63))

    __table_args__ = (UniqueConstraint("dataset_id", "name"),)


class Connection(Base):
    """A project's database connection. The URL with its credentials is kept sealed
    (common.addresses.SecretBox); ``masked_url`` is what anyone is shown."""

    __tablename__ = "connections"

    id: Mapped[UuidPk]
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    dialect: Mapped[str] = mapped_column(String(64))
    masked_url: Mapped[str] = mapped_column(Text)
    sealed_url: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[CreatedAt]

    __table_args__ = (UniqueConstraint("project_id", "name"),)


class StorageReservation(Base):
    """The bytes of one upload still streaming in, counted against the account that owns
    its project (services.datasets.storage_quota): grown as chunks arrive, removed when the
    dataset's row (which then holds the size) is written or the upload fails. A process
    killed mid-upload leaves its row; rows not grown for a while no longer count."""

    __tablename__ = "storage_reservations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BatchCharge(Base):
    """The bytes one part (a shard, or 0) of a generated batch holds, counted against the
    account that owns its project (services.datasets.storage_quota), as the training
    worker writing it reports them: replaced by each report of the attempt that holds it (a
    newer attempt takes it over; an older one changes nothing). Uncommitted, it counts while
    reported recently (a worker killed mid-write leaves it); committed, until released (the
    batch deleted or expired, its job failed) or its dataset or project is deleted."""

    __tablename__ = "batch_charges"

    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    project_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    committed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
