"""Notifications queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, listed, page
from gateway.schema.notifications.types import Notification, Webhook
from synthetica.notify.v1 import notify_pb2


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
        return await listed(
            info,
            ctx.clients.notify.ListNotifications,
            notify_pb2.ListNotificationsRequest(unread_only=unread_only, **page(first, after)),
            "notifications",
            Notification.from_proto,
        )

    @strawberry.field
    async def unread_notification_count(self, info: Info[Context, None]) -> int:
        ctx = info.context
        response = await call(info, ctx.clients.notify.CountUnread, notify_pb2.CountUnreadRequest())
        return response.count

    @strawberry.field(description="the caller's webhooks (deliveries: see webhook(id))")
    async def webhooks(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Webhook]:
        ctx = info.context
        return await listed(
            info,
            ctx.clients.notify.ListWebhooks,
            notify_pb2.ListWebhooksRequest(**page(first, after)),
            "webhooks",
            Webhook.from_proto,
        )

    @strawberry.field(description="one webhook with its recent deliveries and failures")
    async def webhook(self, info: Info[Context, None], id: strawberry.ID) -> Webhook:
        ctx = info.context
        response = await call(
            info, ctx.clients.notify.GetWebhook, notify_pb2.GetWebhookRequest(webhook_id=id)
        )
        return Webhook.from_proto(response.webhook)
