"""Notifications queries: the read side of the domain in the Query root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import Connection, call, fetched, listed, page
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
        request = notify_pb2.ListNotificationsRequest(unread_only=unread_only, **page(first, after))
        rpc = info.context.clients.notify.ListNotifications
        return await listed(info, rpc, request, "notifications", Notification.from_proto)

    @strawberry.field
    async def unread_notification_count(self, info: Info[Context, None]) -> int:
        rpc = info.context.clients.notify.CountUnread
        return (await call(info, rpc, notify_pb2.CountUnreadRequest())).count

    @strawberry.field(description="the caller's webhooks (deliveries: see webhook(id))")
    async def webhooks(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Webhook]:
        request = notify_pb2.ListWebhooksRequest(**page(first, after))
        rpc = info.context.clients.notify.ListWebhooks
        return await listed(info, rpc, request, "webhooks", Webhook.from_proto)

    @strawberry.field(description="one webhook with its recent deliveries and failures")
    async def webhook(self, info: Info[Context, None], id: strawberry.ID) -> Webhook:
        request = notify_pb2.GetWebhookRequest(webhook_id=id)
        rpc = info.context.clients.notify.GetWebhook
        return await fetched(info, rpc, request, "webhook", Webhook.from_proto)
