"""Notifications mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.common import call, done
from gateway.schema.notifications.types import CreatedWebhook, CreateWebhookInput, Webhook
from synthetica.notify.v1 import notify_pb2


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
        request = notify_pb2.MarkReadRequest(notification_ids=list(ids or []), all=all)
        return (await call(info, info.context.clients.notify.MarkRead, request)).updated

    @strawberry.mutation
    async def delete_notification(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = notify_pb2.DeleteNotificationRequest(notification_id=id)
        return await done(info, info.context.clients.notify.DeleteNotification, request)

    @strawberry.mutation(
        description="POSTs each matching event, signed with HMAC-SHA256 (X-Synthetica-Signature)"
    )
    async def create_webhook(
        self, info: Info[Context, None], input: CreateWebhookInput
    ) -> CreatedWebhook:
        request = notify_pb2.CreateWebhookRequest(
            url=input.url, events=input.events, secret=input.secret
        )
        response = await call(info, info.context.clients.notify.CreateWebhook, request)
        return CreatedWebhook(webhook=Webhook.from_proto(response.webhook), secret=response.secret)

    @strawberry.mutation
    async def delete_webhook(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        request = notify_pb2.DeleteWebhookRequest(webhook_id=id)
        return await done(info, info.context.clients.notify.DeleteWebhook, request)
