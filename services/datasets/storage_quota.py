"""How many bytes one account may store: the per-account storage quota.

An account is charged for the datasets of the projects it owns (``Project.owner_id``: a
project shared with members counts against its owner, whoever uploads), their first tables
and added tables alike, at the size of the file uploaded (``size_bytes``). Uploads still
streaming count too, as ``StorageReservation`` rows grown chunk by chunk while the bytes
arrive, each growth checked under a lock per account, so two uploads streaming at once
cannot both slip under the quota. Deleting a dataset (or a project) gives its bytes back:
the usage is summed from the rows that exist. The sum is in PostgreSQL, so it holds across
replicas.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from common.db import Database
from common.errors import ResourceExhausted
from common.ids import parse_id
from services.datasets.models import Dataset, DatasetTable, Project, StorageReservation

# A reservation not grown for this long belongs to an upload whose process died: it stops
# counting. A live upload grows its reservation with every few MiB it receives.
STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class StorageUsage:
    used_bytes: int
    quota_bytes: int  # 0: no quota


def project_owner(*, session: Session, project_id: str) -> uuid.UUID | None:
    """The account a project's bytes count against; None for no such project (the upload's
    own checks say NOT_FOUND)."""
    return session.scalar(
        select(Project.owner_id).where(Project.id == parse_id(project_id, "project_id"))
    )


def used_bytes(*, session: Session, account_id: uuid.UUID) -> int:
    owned = select(Project.id).where(Project.owner_id == account_id)
    first = select(func.coalesce(func.sum(Dataset.size_bytes), 0)).where(
        Dataset.project_id.in_(owned)
    )
    added = (
        select(func.coalesce(func.sum(DatasetTable.size_bytes), 0))
        .join(Dataset, DatasetTable.dataset_id == Dataset.id)
        .where(Dataset.project_id.in_(owned))
    )
    streaming = select(func.coalesce(func.sum(StorageReservation.size_bytes), 0)).where(
        StorageReservation.account_id == account_id,
        StorageReservation.updated_at > datetime.now(UTC) - STALE_AFTER,
    )
    return sum(int(session.scalar(q) or 0) for q in (first, added, streaming))


def usage(*, session: Session, user_id: str, quota_bytes: int) -> StorageUsage:
    account = parse_id(user_id, "user_id")
    return StorageUsage(used_bytes(session=session, account_id=account), quota_bytes)


def reserve(
    *,
    session: Session,
    reservation_id: uuid.UUID,
    account_id: uuid.UUID,
    more_bytes: int,
    quota_bytes: int,
) -> None:
    """Grows the upload's reservation by ``more_bytes``, or raises ResourceExhausted
    (``STORAGE_QUOTA_EXCEEDED``) when that would take the account past its quota. The lock
    per account is held to the transaction's end: concurrent uploads grow one at a time."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"datasets.storage:{account_id}"},
    )
    if quota_bytes:
        used = used_bytes(session=session, account_id=account_id)
        if used + more_bytes > quota_bytes:
            raise ResourceExhausted(
                f"this upload would take the project owner's storage past its quota of"
                f" {quota_bytes} bytes ({used} used): delete datasets or batches to make room",
                reason="STORAGE_QUOTA_EXCEEDED",
            )
    now = datetime.now(UTC)
    grown = insert(StorageReservation).values(
        id=reservation_id, account_id=account_id, size_bytes=more_bytes, updated_at=now
    )
    session.execute(
        grown.on_conflict_do_update(
            index_elements=[StorageReservation.id],
            set_={
                "size_bytes": StorageReservation.size_bytes + more_bytes,
                "updated_at": now,
            },
        )
    )


def release(*, session: Session, reservation_id: uuid.UUID) -> None:
    session.execute(delete(StorageReservation).where(StorageReservation.id == reservation_id))


@dataclass
class UploadMeter:
    """One upload's reservation: ``charge`` before each few MiB are stored, ``release`` once
    the dataset's row holds the size (or the upload failed). Does nothing without a quota."""

    db: Database
    quota_bytes: int
    account_id: uuid.UUID | None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    async def for_project(cls, db: Database, quota_bytes: int, project_id: str) -> UploadMeter:
        owner = await db.call(project_owner, project_id=project_id) if quota_bytes else None
        return cls(db, quota_bytes, owner)

    async def charge(self, more_bytes: int) -> None:
        if self.account_id is None or more_bytes <= 0:
            return
        await self.db.call(
            reserve,
            reservation_id=self.id,
            account_id=self.account_id,
            more_bytes=more_bytes,
            quota_bytes=self.quota_bytes,
        )

    async def release(self) -> None:
        if self.account_id is not None:
            await self.db.call(release, reservation_id=self.id)
