"""The ingestion of a table (a dataset's first one, or one added later) in the database,
attempt by attempt.

A table stays INGESTING until its keys are related to the other tables and every table is
split again by root entity: a training job started in between would otherwise read it
unlinked. So a worker's outcome is recorded in two steps: ``record_outcome`` (a failure is
final; a success stores the columns, metadata and statistics, and the table stays
INGESTING), then ``complete`` (READY, with the relations and split counts, in one
transaction).

Every start of an ingestion (the upload, a resume after a crash) takes the next attempt
number (``claim_attempt``), and each write of an attempt checks that its number is still the
latest: an older attempt that wakes up late neither overwrites nor completes what a newer
one owns, and a table completes, and is related, exactly once.

Every function takes the session as a keyword and runs in one transaction. Rows are
locked dataset first, then table (the order every writer of both follows).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from common.events import new_event
from common.outbox import enqueue
from services.datasets.models import FAILED, INGESTING, READY, Dataset, DatasetTable, outbox
from services.datasets.relations import Relations
from services.datasets.service import utcnow
from services.datasets.table_service import (
    ReadyTable,
    holdout_options,
    ready_tables,
    save_relations,
    save_split_counts,
)
from services.datasets.tables import first_table_name
from synthetica.events.v1 import events_pb2


def _rows(
    session: Session, dataset_id: str, table_id: str
) -> tuple[Dataset | None, Dataset | DatasetTable | None]:
    """The dataset and the row being ingested (the dataset itself for its first table),
    both locked."""
    dataset = session.get(Dataset, uuid.UUID(dataset_id), with_for_update=True)
    if dataset is None or not table_id:
        return dataset, dataset
    table = session.get(DatasetTable, uuid.UUID(table_id), with_for_update=True)
    if table is None or table.dataset_id != dataset.id:
        return dataset, None
    return dataset, table


def is_final(dataset: Dataset, table_id: str) -> bool:
    """Whether the table (the dataset's first one when ``table_id`` is empty) is past
    ingesting: READY, FAILED, or gone."""
    if not table_id:
        return dataset.status != INGESTING
    row = next((t for t in dataset.added_tables if str(t.id) == table_id), None)
    return row is None or row.status != INGESTING


def _current(row: Dataset | DatasetTable | None, attempt: int) -> bool:
    return row is not None and row.status == INGESTING and row.ingest_attempt == attempt


def claim_attempt(*, session: Session, dataset_id: str, table_id: str = "") -> int | None:
    """The number of a new ingestion attempt; None when there is nothing left to ingest (the
    table is gone, or READY or FAILED already)."""
    _, row = _rows(session, dataset_id, table_id)
    if row is None or row.status != INGESTING:
        return None
    row.ingest_attempt += 1
    return row.ingest_attempt


def record_outcome(
    *, session: Session, dataset_id: str, table_id: str, attempt: int, outcome: dict[str, Any]
) -> bool:
    """Records the worker's outcome; False (and nothing written) unless ``attempt`` is the
    latest. A failure is final (FAILED, and the first table's DatasetFailed event); after a
    success the table stays INGESTING until ``complete``."""
    dataset, row = _rows(session, dataset_id, table_id)
    if dataset is None or row is None or not _current(row, attempt):
        return False
    if outcome["ok"]:
        for field in ("size_bytes", "row_count", "train_row_count", "holdout_row_count"):
            setattr(row, field, outcome[field])
        row.columns = outcome["columns"]
        row.detected = outcome["detected"]
        row.warnings = outcome["warnings"]
        row.table_metadata = outcome["metadata"]
        row.stats = outcome["stats"]
    else:
        row.status = FAILED
        row.error = outcome["message"]
        row.error_code = outcome["code"].upper()
        if row is dataset:
            failed = events_pb2.DatasetFailed(
                dataset_id=dataset_id, name=dataset.name, error=dataset.error
            )
            _enqueue(session, dataset, failed)
    row.updated_at = dataset.updated_at = utcnow()
    return True


@dataclass(frozen=True)
class RelatingInput:
    """What relating a table that finished ingesting needs: every ready table and that one,
    the relations so far, and the split's fraction and seed."""

    tables: list[ReadyTable]
    relations: Relations
    new_table: str
    holdout_fraction: float
    seed: int


def relating_input(
    *, session: Session, dataset_id: str, table_id: str, attempt: int
) -> RelatingInput | None:
    """None unless ``attempt`` is still the latest and has recorded its outcome."""
    dataset, row = _rows(session, dataset_id, table_id)
    if dataset is None or row is None or not _current(row, attempt) or not row.columns:
        return None
    fraction, seed = holdout_options(dataset)
    return RelatingInput(
        tables=ready_tables(dataset, pending=str(row.id)),
        relations=Relations.model_validate(dataset.relations or {}),
        new_table=row.name if isinstance(row, DatasetTable) else first_table_name(dataset),
        holdout_fraction=fraction,
        seed=seed,
    )


def complete(
    *,
    session: Session,
    dataset_id: str,
    table_id: str,
    attempt: int,
    relations: Relations,
    primary_keys: dict[str, str | None],
    counts: dict[str, tuple[int, int]] | None,
) -> Dataset | None:
    """The table READY with the relations found and every table's split counts (None: the
    split was left as it was), when ``attempt`` is still the latest; the dataset either way
    (None when it is gone)."""
    dataset, row = _rows(session, dataset_id, table_id)
    if dataset is None or row is None or not _current(row, attempt):
        return dataset
    row.status = READY
    save_relations(
        session=session, dataset_id=dataset_id, relations=relations, primary_keys=primary_keys
    )
    if counts is not None:
        save_split_counts(session=session, dataset_id=dataset_id, counts=counts)
    if row is dataset:
        uploaded = events_pb2.DatasetUploaded(
            dataset_id=dataset_id,
            name=dataset.name,
            row_count=dataset.row_count,
            column_count=len(dataset.columns),
        )
        _enqueue(session, dataset, uploaded)
    row.updated_at = dataset.updated_at = utcnow()
    return dataset


def _enqueue(session: Session, dataset: Dataset, body: Any) -> None:
    event = new_event(body, user_id=str(dataset.created_by), project_id=str(dataset.project_id))
    enqueue(session, outbox, event)
