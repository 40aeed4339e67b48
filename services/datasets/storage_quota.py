"""How many bytes one account may store: the per-account storage quota.

An account is charged for the datasets of the projects it owns (``Project.owner_id``: a
project shared with members counts against its owner, whoever uploads), their first tables
and added tables alike, at the size of the file uploaded (``size_bytes``). Uploads still
streaming count too, as ``StorageReservation`` rows grown chunk by chunk while the bytes
arrive, each growth checked under a lock per account, so two uploads streaming at once
cannot both slip under the quota. Deleting a dataset (or a project) gives its bytes back:
the usage is summed from the rows that exist. The sum is in PostgreSQL, so it holds across
replicas.

Generated batches count too, as ``BatchCharge`` rows the training worker sets while it
writes (``charge_batch``, under the same lock, so an upload and a generate job racing cannot
both slip under): one per part (a shard, or 0), keyed by the writing attempt, so a retried
attempt replaces its part's charge rather than adding to it and an older attempt cannot
touch a newer one's. A committed part counts until released (``release_batches``: the batch
expired or its job failed) or its dataset or project is deleted; one still being written
counts while it was reported recently, like an upload's reservation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from common.db import Database
from common.errors import NotFound, ResourceExhausted
from common.ids import parse_id
from services.datasets.client import QUOTA_REASON
from services.datasets.models import (
    BatchCharge,
    Dataset,
    DatasetTable,
    Project,
    StorageReservation,
)

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
    fresh = datetime.now(UTC) - STALE_AFTER
    streaming = select(func.coalesce(func.sum(StorageReservation.size_bytes), 0)).where(
        StorageReservation.account_id == account_id,
        StorageReservation.updated_at > fresh,
    )
    batches = select(func.coalesce(func.sum(BatchCharge.size_bytes), 0)).where(
        BatchCharge.account_id == account_id,
        BatchCharge.committed | (BatchCharge.updated_at > fresh),
    )
    # One statement, so one snapshot: summed in four, an upload that finished between them
    # (its dataset's row committed, then its reservation released) was counted in neither,
    # and a second upload streaming beside it slipped under the quota.
    total = sum((q.scalar_subquery() for q in (added, streaming, batches)), first.scalar_subquery())
    return int(session.scalar(select(total)) or 0)


def usage(*, session: Session, user_id: str, quota_bytes: int) -> StorageUsage:
    account = parse_id(user_id, "user_id")
    return StorageUsage(used_bytes(session=session, account_id=account), quota_bytes)


def _lock_account(session: Session, account_id: uuid.UUID) -> None:
    """Held to the transaction's end: the charges of one account are made one at a time."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"datasets.storage:{account_id}"},
    )


def _refuse(what: str, quota_bytes: int, used: int) -> ResourceExhausted:
    return ResourceExhausted(
        f"{what} would take the project owner's storage past its quota of"
        f" {quota_bytes} bytes ({used} used): delete datasets or batches to make room",
        reason=QUOTA_REASON,
    )


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
    _lock_account(session, account_id)
    if quota_bytes:
        used = used_bytes(session=session, account_id=account_id)
        if used + more_bytes > quota_bytes:
            raise _refuse("this upload", quota_bytes, used)
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


def _owner_of(session: Session, project_id: str) -> uuid.UUID:
    owner = project_owner(session=session, project_id=project_id)
    if owner is None:
        raise NotFound(f"project {project_id} not found", reason="PROJECT_NOT_FOUND")
    return owner


def check_room(
    *, session: Session, project_id: str, size_bytes: int, quota_bytes: int
) -> StorageUsage:
    """The owner's usage, or ResourceExhausted (``STORAGE_QUOTA_EXCEEDED``) when
    ``size_bytes`` more (a generate request's estimate) would not fit. Charges nothing."""
    account = _owner_of(session, project_id)
    used = used_bytes(session=session, account_id=account)
    if quota_bytes and used + max(size_bytes, 0) > quota_bytes:
        raise _refuse(f"generating about {size_bytes} bytes", quota_bytes, used)
    return StorageUsage(used, quota_bytes)


@dataclass(frozen=True)
class PartCharge:
    """What one attempt has written of one part of a batch so far."""

    batch_id: uuid.UUID
    part: int
    attempt: int
    project_id: str
    dataset_id: uuid.UUID | None
    size_bytes: int
    committed: bool


def charge_batch(*, session: Session, charge: PartCharge, quota_bytes: int) -> bool:
    """Sets the part's charge to ``charge.size_bytes`` (replacing the same or an older
    attempt's), or raises ResourceExhausted when the owner's other bytes and these would pass
    the quota; False, changing nothing, when a newer attempt holds the part."""
    account = _owner_of(session, charge.project_id)
    _lock_account(session, account)
    held = session.get(BatchCharge, (charge.batch_id, charge.part), with_for_update=True)
    if held is not None and held.attempt > charge.attempt:
        return False
    same_attempt = held is not None and held.attempt == charge.attempt
    if same_attempt and held.committed and not charge.committed:
        # A charge the attempt sent while still writing, landing after its exact final one
        # (the worker stops its meter as the write ends; a call already sent still arrives):
        # it would shrink the batch's charge and let it go stale.
        return True
    if quota_bytes:
        others = used_bytes(session=session, account_id=account)
        if held is not None and (held.committed or held.updated_at > _fresh_since()):
            others -= held.size_bytes
        if others + charge.size_bytes > quota_bytes:
            raise _refuse("this batch", quota_bytes, others)
    now = datetime.now(UTC)
    values = {
        "attempt": charge.attempt,
        "account_id": account,
        "project_id": parse_id(charge.project_id, "project_id"),
        "dataset_id": charge.dataset_id,
        "size_bytes": charge.size_bytes,
        "committed": charge.committed,
        "updated_at": now,
    }
    session.execute(
        insert(BatchCharge)
        .values(batch_id=charge.batch_id, part=charge.part, **values)
        .on_conflict_do_update(index_elements=[BatchCharge.batch_id, BatchCharge.part], set_=values)
    )
    return True


def _fresh_since() -> datetime:
    return datetime.now(UTC) - STALE_AFTER


def release_batches(
    *, session: Session, batch_ids: list[uuid.UUID], part: int = 0, attempt: int = 0
) -> None:
    """Gives back every part of ``batch_ids``; with ``attempt``, only that part of the one
    batch, and only when that attempt or an older one holds it."""
    gone = delete(BatchCharge).where(BatchCharge.batch_id.in_(batch_ids))
    if attempt:
        gone = gone.where(BatchCharge.part == part, BatchCharge.attempt <= attempt)
    session.execute(gone)


def release_for_datasets(*, session: Session, dataset_ids: list[uuid.UUID]) -> None:
    """The batches generated from deleted datasets stop counting (training deletes them)."""
    if dataset_ids:
        session.execute(delete(BatchCharge).where(BatchCharge.dataset_id.in_(dataset_ids)))


def release_for_project(*, session: Session, project_id: uuid.UUID) -> None:
    """Every batch of a deleted project stops counting, template batches included."""
    session.execute(delete(BatchCharge).where(BatchCharge.project_id == project_id))
