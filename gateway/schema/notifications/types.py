"""Notifications: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import lru_cache

import strawberry

from gateway.fanout import SharedEvent
from gateway.schema.common import from_message, from_proto_enum
from gateway.schema.training.types import JobStatus
from gateway.subscriptions import JobState
from synthetica.notify.v1 import notify_pb2


@strawberry.enum
class DeliveryStatus(Enum):
    PENDING = notify_pb2.DELIVERY_STATUS_PENDING
    SUCCEEDED = notify_pb2.DELIVERY_STATUS_SUCCEEDED
    FAILED = notify_pb2.DELIVERY_STATUS_FAILED


@strawberry.type
class Notification:
    id: strawberry.ID
    event_type: str = strawberry.field(description="the fact behind it, e.g. model.trained")
    title: str
    message: str
    project_id: strawberry.ID | None
    subject: str = strawberry.field(description="what it is about, e.g. job:<id>")
    is_read: bool
    created_at: datetime | None

    @classmethod
    def from_proto(cls, n: notify_pb2.Notification) -> Notification:
        return from_message(cls, n, project_id=n.project_id or None)


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="also sent as X-Synthetica-Delivery")
    event_id: str
    event_type: str
    status: DeliveryStatus | None
    attempts: int
    response_status: int | None = strawberry.field(description="the receiver's last HTTP status")
    error: str
    created_at: datetime | None
    last_attempt_at: datetime | None

    @classmethod
    def from_proto(cls, d: notify_pb2.WebhookDelivery) -> WebhookDelivery:
        return from_message(
            cls,
            d,
            status=DeliveryStatus(d.status) if d.status else None,
            response_status=d.response_status or None,
        )


@strawberry.type
class Webhook:
    id: strawberry.ID
    url: str
    events: list[str] = strawberry.field(description="event types sent; empty means all")
    active: bool
    created_at: datetime | None
    deliveries: list[WebhookDelivery] = strawberry.field(
        description="the most recent deliveries, newest first (on webhook(id) only)"
    )

    @classmethod
    def from_proto(cls, w: notify_pb2.Webhook) -> Webhook:
        return from_message(
            cls, w, deliveries=[WebhookDelivery.from_proto(d) for d in w.deliveries]
        )


@strawberry.type
class CreatedWebhook:
    webhook: Webhook
    secret: str = strawberry.field(
        description="the HMAC-SHA256 signing secret: shown this once, never again"
    )


@strawberry.input
class CreateWebhookInput:
    url: str
    events: list[str] = strawberry.field(
        default_factory=list, description='e.g. ["batch.generated"]; empty for every event'
    )
    secret: str = strawberry.field(default="", description="16-256 characters; generated if empty")


@strawberry.type
class JobUpdate(SharedEvent):
    """Plain data (no field reads the context): one instance per update is shared by all of
    the job's subscribers, and executed once per distinct operation (gateway/fanout.py)."""

    job_id: strawberry.ID
    status: JobStatus
    percent: float
    epoch: int
    total_epochs: int
    loss: float | None
    eta_seconds: float | None
    message: str
    error: str
    model_id: strawberry.ID | None
    batch_id: strawberry.ID | None

    @classmethod
    def from_state(cls, s: JobState) -> JobUpdate:
        """The one JobUpdate of this state (the hub hands the same JobState to every
        subscriber of the job)."""
        return _job_update(s)


@lru_cache(maxsize=1024)
def _job_update(s: JobState) -> JobUpdate:
    return JobUpdate(
        job_id=strawberry.ID(s.job_id),
        status=from_proto_enum(JobStatus, s.status) or JobStatus.QUEUED,
        percent=s.percent,
        epoch=s.epoch,
        total_epochs=s.total_epochs,
        loss=s.loss,
        eta_seconds=s.eta_seconds,
        message=s.message,
        error=s.error,
        model_id=strawberry.ID(s.model_id) if s.model_id else None,
        batch_id=strawberry.ID(s.batch_id) if s.batch_id else None,
    )
