"""A webhook attempt that outlives its lease (a slow receiver or database) is claimed again
and tried anew; the old attempt's outcome must then not overwrite the new one's record nor
count as a try of its own (seen once under load: six posts for a three-try delivery)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from common.db import Database
from services.notify import service
from services.notify.models import Delivery, Webhook


@pytest.fixture(scope="module")
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def _pending_delivery(session) -> uuid.UUID:
    hook = Webhook(user_id=uuid.uuid4(), url="http://127.0.0.1:9/hooks", secret_encrypted=b"x")
    session.add(hook)
    session.flush()
    delivery = Delivery(
        webhook_id=hook.id, event_id=uuid.uuid4().hex, event_type="batch.generated", payload=b"{}"
    )
    session.add(delivery)
    session.flush()
    return delivery.id


def _claim(db: Database, delivery_id: uuid.UUID) -> service.DueDelivery:
    claimed = db.run(service.claim_due, limit=1000, lease_seconds=30)
    [mine] = [due for due in claimed if due.id == delivery_id]
    return mine


def _expire_lease(session, delivery_id: uuid.UUID) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(next_attempt_at=Delivery.created_at)
    )


def _state(session, delivery_id: uuid.UUID) -> tuple[str, int, int]:
    row = session.get(Delivery, delivery_id)
    return row.status, row.attempts, row.response_status


def _record(db: Database, due: service.DueDelivery, *, ok: bool, status: int) -> bool:
    return db.run(
        service.record_attempt,
        delivery_id=due.id,
        lease_until=due.lease_until,
        ok=ok,
        response_status=status,
        error="" if ok else f"receiver answered HTTP {status}",
        give_up=False,
        retry_in=timedelta(seconds=60),
    )


def test_an_attempt_that_outlived_its_lease_does_not_touch_the_newer_ones_record(db):
    delivery_id = db.run(_pending_delivery)
    old = _claim(db, delivery_id)
    db.run(_expire_lease, delivery_id=delivery_id)  # the old attempt is still waiting
    new = _claim(db, delivery_id)

    assert _record(db, new, ok=True, status=200)
    assert not _record(db, old, ok=False, status=500)  # too late: dropped

    assert db.run(_state, delivery_id=delivery_id) == (service.SUCCEEDED, 1, 200)


def test_an_attempt_within_its_lease_is_recorded_and_the_next_claim_waits_for_the_retry(db):
    delivery_id = db.run(_pending_delivery)
    due = _claim(db, delivery_id)
    assert _record(db, due, ok=False, status=503)

    assert db.run(_state, delivery_id=delivery_id) == (service.PENDING, 1, 503)
    claimed = db.run(service.claim_due, limit=1000, lease_seconds=30)
    assert delivery_id not in {d.id for d in claimed}  # its retry is a minute away
