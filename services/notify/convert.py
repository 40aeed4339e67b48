"""Rows to protobuf messages."""

from __future__ import annotations

from common.protos import timestamp
from services.notify import service
from services.notify.models import Delivery, Notification, Webhook
from synthetica.notify.v1 import notify_pb2

DELIVERY_STATUSES = {
    service.PENDING: notify_pb2.DELIVERY_STATUS_PENDING,
    service.SUCCEEDED: notify_pb2.DELIVERY_STATUS_SUCCEEDED,
    service.FAILED: notify_pb2.DELIVERY_STATUS_FAILED,
}


def notification_to_proto(row: Notification) -> notify_pb2.Notification:
    return notify_pb2.Notification(
        id=str(row.id),
        user_id=str(row.user_id),
        event_id=row.event_id,
        event_type=row.event_type,
        title=row.title,
        message=row.message,
        project_id=row.project_id,
        subject=row.subject,
        is_read=row.is_read,
        created_at=timestamp(row.created_at),
    )


def delivery_to_proto(row: Delivery) -> notify_pb2.WebhookDelivery:
    return notify_pb2.WebhookDelivery(
        id=str(row.id),
        event_id=row.event_id,
        event_type=row.event_type,
        status=DELIVERY_STATUSES.get(row.status, notify_pb2.DELIVERY_STATUS_UNSPECIFIED),
        attempts=row.attempts,
        response_status=row.response_status,
        error=row.error,
        created_at=timestamp(row.created_at),
        last_attempt_at=timestamp(row.last_attempt_at),
    )


def webhook_to_proto(row: Webhook, deliveries: list[Delivery] | None = None) -> notify_pb2.Webhook:
    return notify_pb2.Webhook(
        id=str(row.id),
        url=row.url,
        events=list(row.events),
        active=row.active,
        created_at=timestamp(row.created_at),
        deliveries=[delivery_to_proto(d) for d in deliveries or ()],
    )
