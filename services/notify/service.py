"""Notify domain logic. Every function takes the session as a keyword and runs in one
transaction (see common.db)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import any_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from common.errors import InvalidArgument, NotFound, ResourceExhausted
from common.ids import parse_id
from common.pagination import paginate
from services.notify import messages
from services.notify.models import Delivery, Notification, Webhook
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


def _now() -> datetime:
    return datetime.now(UTC)


# ---- events -> notifications and deliveries ---------------------------------------------------


def record_event(
    *, session: Session, event: events_pb2.Event, recipients: list[str], payload: bytes
) -> tuple[list[Notification], int]:
    """Creates the event's notifications and webhook deliveries, each at most once however often
    the event arrives. Returns the notifications created now and the number of new deliveries."""
    users = [uuid.UUID(r) for r in dict.fromkeys(recipients)]
    if not users:
        return [], 0
    created: list[Notification] = []
    draft = messages.draft_for(event)
    if draft is not None:
        rows = [
            {
                "id": uuid.uuid4(),
                "user_id": user,
                "dedupe_key": draft.dedupe_key,
                "event_id": event.id,
                "event_type": event.type,
                "title": draft.title[:200],
                "message": draft.message,
                "project_id": event.project_id,
                "subject": draft.subject,
                "is_read": False,
            }
            for user in users
        ]
        statement = (
            insert(Notification)
            .values(rows)
            .on_conflict_do_nothing(constraint="uq_notifications_user_id_dedupe_key")
            .returning(Notification)
        )
        created = list(session.scalars(statement))
    webhooks = session.scalars(
        select(Webhook).where(
            Webhook.user_id.in_(users),
            Webhook.active.is_(True),
            (func.cardinality(Webhook.events) == 0) | (event.type == any_(Webhook.events)),
        )
    ).all()
    deliveries = 0
    if webhooks:
        statement = (
            insert(Delivery)
            .values(
                [
                    {
                        "id": uuid.uuid4(),
                        "webhook_id": hook.id,
                        "event_id": event.id,
                        "event_type": event.type,
                        "payload": payload,
                    }
                    for hook in webhooks
                ]
            )
            .on_conflict_do_nothing(constraint="uq_deliveries_webhook_id_event_id")
            .returning(Delivery.id)
        )
        deliveries = len(session.scalars(statement).all())
    return created, deliveries


# ---- notifications ----------------------------------------------------------------------------


def list_notifications(
    *, session: Session, user_id: str, unread_only: bool, page_size: int, page_token: str
) -> tuple[list[Notification], str]:
    query = select(Notification).where(Notification.user_id == parse_id(user_id, "user_id"))
    if unread_only:
        query = query.where(Notification.is_read.is_(False))
    return paginate(session, query, page_size=page_size, page_token=page_token, newest_first=True)


def count_unread(*, session: Session, user_id: str) -> int:
    return session.scalar(
        select(func.count()).where(
            Notification.user_id == parse_id(user_id, "user_id"),
            Notification.is_read.is_(False),
        )
    )


def mark_read(*, session: Session, user_id: str, notification_ids: list[str], all: bool) -> int:
    """Marks the given notifications (or all of them) read; returns how many changed."""
    if all == bool(notification_ids):
        raise InvalidArgument(
            "give either notification ids or all, not both or neither", field="notification_ids"
        )
    statement = update(Notification).where(
        Notification.user_id == parse_id(user_id, "user_id"), Notification.is_read.is_(False)
    )
    if not all:
        ids = [parse_id(i, "notification_ids") for i in notification_ids]
        statement = statement.where(Notification.id.in_(ids))
    return session.execute(statement.values(is_read=True)).rowcount


def delete_notification(*, session: Session, user_id: str, notification_id: str) -> None:
    row = session.get(Notification, parse_id(notification_id, "notification_id"))
    # Another user's notification is "not found": its existence is not the caller's business.
    if row is None or str(row.user_id) != user_id:
        raise NotFound(f"notification {notification_id} not found")
    session.delete(row)


# ---- webhooks ---------------------------------------------------------------------------------


def validate_event_types(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - messages.EVENT_TYPES)
    if unknown:
        raise InvalidArgument(
            f"unknown event types: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(messages.EVENT_TYPES))})",
            field="events",
        )
    return sorted(set(events))


def create_webhook(
    *,
    session: Session,
    user_id: str,
    url: str,
    events: list[str],
    secret_encrypted: bytes,
    max_per_user: int,
) -> Webhook:
    owner = parse_id(user_id, "user_id")
    existing = session.scalar(select(func.count()).where(Webhook.user_id == owner))
    if existing >= max_per_user:
        raise ResourceExhausted(
            f"at most {max_per_user} webhooks per user", reason="TOO_MANY_WEBHOOKS"
        )
    hook = Webhook(
        user_id=owner,
        url=url,
        events=validate_event_types(events),
        secret_encrypted=secret_encrypted,
    )
    session.add(hook)
    session.flush()
    session.refresh(hook)
    return hook


def list_webhooks(
    *, session: Session, user_id: str, page_size: int, page_token: str
) -> tuple[list[Webhook], str]:
    return paginate(
        session,
        select(Webhook).where(Webhook.user_id == parse_id(user_id, "user_id")),
        page_size=page_size,
        page_token=page_token,
    )


def get_webhook(*, session: Session, user_id: str, webhook_id: str) -> Webhook:
    hook = session.get(Webhook, parse_id(webhook_id, "webhook_id"))
    if hook is None or str(hook.user_id) != user_id:
        raise NotFound(f"webhook {webhook_id} not found")
    return hook


def get_webhook_with_deliveries(
    *, session: Session, user_id: str, webhook_id: str, limit: int
) -> tuple[Webhook, list[Delivery]]:
    """The webhook and its most recent deliveries, newest first."""
    hook = get_webhook(session=session, user_id=user_id, webhook_id=webhook_id)
    deliveries = session.scalars(
        select(Delivery)
        .where(Delivery.webhook_id == hook.id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return hook, list(deliveries)


def delete_webhook(*, session: Session, user_id: str, webhook_id: str) -> None:
    session.delete(get_webhook(session=session, user_id=user_id, webhook_id=webhook_id))


# ---- delivery worker --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDelivery:
    id: uuid.UUID
    url: str
    secret_encrypted: bytes
    payload: bytes
    event_type: str
    attempts: int
    # The claim: the delivery's next_attempt_at as this claim set it. An attempt is recorded
    # only while it still holds (see record_attempt).
    lease_until: datetime
    # The webhook's owner, whose deliveries in flight are limited.
    user_id: uuid.UUID | None = None


def claim_due(
    *,
    session: Session,
    limit: int,
    lease_seconds: float,
    per_user: int | None = None,
    in_flight: Mapping[uuid.UUID, int] | None = None,
) -> list[DueDelivery]:
    """Takes up to ``limit`` due deliveries, oldest first, and leases them (pushes their next
    attempt past the call's timeout), so another replica does not send them meanwhile.

    With ``per_user``, a webhook owner gets at most that many, counting those the caller
    already has ``in_flight`` for them: one user's many slow receivers cannot take every
    sending slot while other users' deliveries wait behind theirs."""
    due = (Delivery.status == PENDING, Delivery.next_attempt_at <= func.now())
    if per_user is None:
        ids = None
    else:
        rank = func.row_number().over(
            partition_by=Webhook.user_id, order_by=(Delivery.next_attempt_at, Delivery.id)
        )
        ranked = (
            select(Delivery.id, Delivery.next_attempt_at, Webhook.user_id, rank.label("rank"))
            .join(Webhook, Webhook.id == Delivery.webhook_id)
            .where(*due)
            .subquery()
        )
        candidates = session.execute(
            select(ranked.c.id, ranked.c.user_id)
            .where(ranked.c.rank <= per_user)
            .order_by(ranked.c.next_attempt_at)
            .limit(limit + sum((in_flight or {}).values()))
        ).all()
        taken = dict(in_flight or {})
        ids = []
        for delivery_id, user_id in candidates:
            if taken.get(user_id, 0) < per_user and len(ids) < limit:
                taken[user_id] = taken.get(user_id, 0) + 1
                ids.append(delivery_id)
        if not ids:
            return []
    query = select(Delivery, Webhook).join(Webhook, Webhook.id == Delivery.webhook_id).where(*due)
    if ids is not None:
        query = query.where(Delivery.id.in_(ids))
    rows = session.execute(
        query.order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    ).all()
    lease_until = _now() + timedelta(seconds=lease_seconds)
    for delivery, _ in rows:
        delivery.next_attempt_at = lease_until
    return [
        DueDelivery(
            d.id,
            hook.url,
            hook.secret_encrypted,
            d.payload,
            d.event_type,
            d.attempts,
            lease_until,
            hook.user_id,
        )
        for d, hook in rows
    ]


def record_attempt(
    *,
    session: Session,
    delivery_id: uuid.UUID,
    lease_until: datetime,
    ok: bool,
    response_status: int,
    error: str,
    give_up: bool,
    retry_in: timedelta,
) -> bool:
    """Records one attempt's outcome, if the claim it was made under still holds. An attempt
    that outlived its lease (a receiver or database slower than the lease) was claimed again
    and tried anew meanwhile: its outcome is dropped, so it never overwrites the newer
    attempt's record nor counts twice (the receiver got both posts, with the same delivery id
    to de-duplicate them by). Returns whether it was recorded."""
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None:  # its webhook was deleted meanwhile
        return False
    if delivery.status != PENDING or delivery.next_attempt_at != lease_until:
        log.warning("webhook delivery %s: an attempt outlived its lease; dropped", delivery_id)
        return False
    now = _now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = response_status
    delivery.error = error
    if ok:
        delivery.status = SUCCEEDED
    elif give_up:
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = now + retry_in
    return True
