"""Transactional outbox: a service writes its state change and the event in one transaction;
the relay publishes pending rows with ``Nats-Msg-Id`` = row id and marks them sent.

JetStream's duplicate window drops a row published twice (two relays, or a crash between
publishing and marking), so every event reaches the stream once.

A row keeps the trace context (``trace_parent``) of the request that wrote it, and the relay
publishes it in the message headers, so consumers continue that request's trace.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from common.db import Database
from common.jetstream import EVENTS_SUBJECT_PREFIX, publish
from common.polling import Poller
from common.tracing import TRACEPARENT, current_traceparent
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("subject", String(200), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        # W3C traceparent of the request that wrote the row (55 characters in version 00).
        Column("trace_parent", String(128), nullable=True),
    )
    Index("ix_outbox_pending", table.c.created_at, postgresql_where=table.c.published_at.is_(None))
    return table


def enqueue(session: Session, table: Table, event: events_pb2.Event) -> None:
    """Adds the event to the outbox inside the caller's transaction, with the current trace
    context."""
    values: dict[str, object] = {
        "id": uuid.UUID(event.id),
        "subject": EVENTS_SUBJECT_PREFIX + event.type,
        "payload": event.SerializeToString(),
    }
    trace_parent = current_traceparent()
    if trace_parent:
        values["trace_parent"] = trace_parent
    session.execute(table.insert().values(**values))


@dataclass(eq=False)
class OutboxRelay(Poller):
    db: Database
    table: Table
    js: JetStreamContext
    _: KW_ONLY
    poll_seconds: float = 0.5
    batch_size: int = 100
    keep_published: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._rounds = 0

    async def run(self) -> None:
        await self.run_rounds(
            self._round, batch=self.batch_size, poll_seconds=self.poll_seconds, what="outbox relay"
        )

    async def _round(self) -> int:
        self._rounds += 1
        if self._rounds % 1000 == 0:
            await self._purge_quietly()
        return await self.publish_pending()

    async def publish_pending(self) -> int:
        rows = await self.db.call(self._pending)
        sent: list[uuid.UUID] = []
        try:
            for row_id, subject, payload, trace_parent in rows:
                headers = {TRACEPARENT: trace_parent} if trace_parent else None
                await publish(self.js, subject, payload, msg_id=str(row_id), headers=headers)
                sent.append(row_id)
        except Exception as exc:
            log.warning("outbox publish failed, will retry: %s", exc)
        finally:
            if sent:
                await self.db.call(self._mark_sent, ids=sent)
        return len(sent)

    def _pending(self, *, session: Session) -> list[tuple[uuid.UUID, str, bytes, str | None]]:
        t = self.table
        query = (
            select(t.c.id, t.c.subject, t.c.payload, t.c.trace_parent)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.created_at, t.c.id)
            .limit(self.batch_size)
        )
        return [tuple(row) for row in session.execute(query)]

    def _mark_sent(self, *, session: Session, ids: list[uuid.UUID]) -> None:
        t = self.table
        session.execute(t.update().where(t.c.id.in_(ids)).values(published_at=func.now()))

    async def _purge_quietly(self) -> None:
        cutoff = datetime.now(UTC) - self.keep_published
        t = self.table

        def purge(*, session: Session) -> None:
            session.execute(t.delete().where(t.c.published_at < cutoff))

        try:
            await self.db.call(purge)
        except Exception as exc:
            log.warning("outbox purge failed: %s", exc)
