"""Notifications, webhooks, and the live subscriptions (notifications, jobUpdates)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from functools import lru_cache

import grpc
import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import from_rpc_error, rpc_errors
from gateway.fanout import SharedEvent
from gateway.schema.common import Connection, connection, dt, from_proto_enum
from gateway.schema.training import JobStatus
from gateway.subscriptions import JobState, job_updates
from synthetica.notify.v1 import notify_pb2

# Every outbound call has a deadline; a live stream's is long, and the client resubscribes.
STREAM_MAX_SECONDS = 24 * 3600


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
        return cls(
            id=strawberry.ID(n.id),
            event_type=n.event_type,
            title=n.title,
            message=n.message,
            project_id=strawberry.ID(n.project_id) if n.project_id else None,
            subject=n.subject,
            is_read=n.is_read,
            created_at=dt(n, "created_at"),
        )


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
        return cls(
            id=strawberry.ID(d.id),
            event_id=d.event_id,
            event_type=d.event_type,
            status=DeliveryStatus(d.status) if d.status else None,
            attempts=d.attempts,
            response_status=d.response_status or None,
            error=d.error,
            created_at=dt(d, "created_at"),
            last_attempt_at=dt(d, "last_attempt_at"),
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
        return cls(
            id=strawberry.ID(w.id),
            url=w.url,
            events=list(w.events),
            active=w.active,
            created_at=dt(w, "created_at"),
            deliveries=[WebhookDelivery.from_proto(d) for d in w.deliveries],
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


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="the caller's notifications, newest first")
    async def notifications(
        self,
        info: Info[Context, None],
        unread_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Notification]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.ListNotifications(
                notify_pb2.ListNotificationsRequest(
                    unread_only=unread_only, page_size=first, page_token=after or ""
                ),
                metadata=ctx.user_metadata,
            )
        return connection(
            [Notification.from_proto(n) for n in response.notifications], response.next_page_token
        )

    @strawberry.field
    async def unread_notification_count(self, info: Info[Context, None]) -> int:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.CountUnread(
                notify_pb2.CountUnreadRequest(), metadata=ctx.user_metadata
            )
        return response.count

    @strawberry.field(description="the caller's webhooks (deliveries: see webhook(id))")
    async def webhooks(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Webhook]:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.ListWebhooks(
                notify_pb2.ListWebhooksRequest(page_size=first, page_token=after or ""),
                metadata=ctx.user_metadata,
            )
        return connection(
            [Webhook.from_proto(w) for w in response.webhooks], response.next_page_token
        )

    @strawberry.field(description="one webhook with its recent deliveries and failures")
    async def webhook(self, info: Info[Context, None], id: strawberry.ID) -> Webhook:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.GetWebhook(
                notify_pb2.GetWebhookRequest(webhook_id=id), metadata=ctx.user_metadata
            )
        return Webhook.from_proto(response.webhook)


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(
        description="marks the given notifications, or all, read; returns how many changed"
    )
    async def mark_notifications_read(
        self,
        info: Info[Context, None],
        ids: list[strawberry.ID] | None = None,
        all: bool = False,
    ) -> int:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.MarkRead(
                notify_pb2.MarkReadRequest(notification_ids=list(ids or []), all=all),
                metadata=ctx.user_metadata,
            )
        return response.updated

    @strawberry.mutation
    async def delete_notification(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        ctx = info.context
        with rpc_errors():
            await ctx.clients.notify.DeleteNotification(
                notify_pb2.DeleteNotificationRequest(notification_id=id),
                metadata=ctx.user_metadata,
            )
        return True

    @strawberry.mutation(
        description="POSTs each matching event, signed with HMAC-SHA256 (X-Synthetica-Signature)"
    )
    async def create_webhook(
        self, info: Info[Context, None], input: CreateWebhookInput
    ) -> CreatedWebhook:
        ctx = info.context
        with rpc_errors():
            response = await ctx.clients.notify.CreateWebhook(
                notify_pb2.CreateWebhookRequest(
                    url=input.url, events=input.events, secret=input.secret
                ),
                metadata=ctx.user_metadata,
            )
        return CreatedWebhook(webhook=Webhook.from_proto(response.webhook), secret=response.secret)

    @strawberry.mutation
    async def delete_webhook(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        ctx = info.context
        with rpc_errors():
            await ctx.clients.notify.DeleteWebhook(
                notify_pb2.DeleteWebhookRequest(webhook_id=id), metadata=ctx.user_metadata
            )
        return True


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(description="the caller's new notifications as they arrive")
    async def notifications(self, info: Info[Context, None]) -> AsyncGenerator[Notification, None]:
        ctx = info.context
        call = ctx.clients.notify.StreamNotifications(
            notify_pb2.StreamNotificationsRequest(),
            metadata=ctx.user_metadata,
            timeout=STREAM_MAX_SECONDS,
        )
        try:
            async for response in call:
                yield Notification.from_proto(response.notification)
        except grpc.aio.AioRpcError as exc:
            # At its maximum length the stream just ends; the client subscribes again.
            if exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                raise from_rpc_error(exc) from exc
        finally:
            call.cancel()

    @strawberry.subscription(
        description="the job's current state, then every change, until it succeeds, fails or "
        "is cancelled"
    )
    async def job_updates(
        self, info: Info[Context, None], job_id: strawberry.ID
    ) -> AsyncGenerator[JobUpdate, None]:
        ctx = info.context
        subscriptions = ctx.subscriptions
        assert subscriptions is not None
        async for state in job_updates(
            subscriptions.hub, subscriptions.jobs, str(job_id), ctx.user_metadata
        ):
            yield JobUpdate.from_state(state)
