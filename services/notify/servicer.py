"""gRPC ⇄ domain for NotifyService: converts messages and checks who may call what.

Every call is a user's (directly, or by a service on the user's behalf) and only ever sees
that user's notifications and webhooks.
"""

from __future__ import annotations

import asyncio
import secrets as secrets_module
from collections.abc import AsyncIterator
from dataclasses import KW_ONLY, dataclass

import grpc
from nats.aio.client import Client as NATS

from common.addresses import AddressPolicy, AddressRefused, SecretBox
from common.db import Database
from common.errors import InvalidArgument
from common.interceptors import require_user
from common.pagination import page_of
from services.notify import service, webhooks
from services.notify.consumer import live_subject
from services.notify.convert import notification_to_proto, webhook_to_proto
from services.notify.settings import NotifySettings
from synthetica.notify.v1 import notify_pb2, notify_pb2_grpc

MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 256
# A live stream holds this many undelivered notifications before the oldest is dropped.
STREAM_BUFFER = 256


def _user_id() -> str:
    return require_user().user_id


def _secret(given: str) -> str:
    if not given:
        return secrets_module.token_urlsafe(32)
    if not MIN_SECRET_LENGTH <= len(given) <= MAX_SECRET_LENGTH:
        raise InvalidArgument(
            f"secret must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters",
            field="secret",
        )
    return given


@dataclass(eq=False)
class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    db: Database
    settings: NotifySettings
    _: KW_ONLY
    nc: NATS
    policy: AddressPolicy
    secrets: SecretBox

    async def ListNotifications(
        self, request: notify_pb2.ListNotificationsRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.ListNotificationsResponse:
        rows, next_token = await self.db.call(
            service.list_notifications,
            user_id=_user_id(),
            unread_only=request.unread_only,
            **page_of(request),
        )
        return notify_pb2.ListNotificationsResponse(
            notifications=[notification_to_proto(r) for r in rows], next_page_token=next_token
        )

    async def CountUnread(
        self, request: notify_pb2.CountUnreadRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.CountUnreadResponse:
        count = await self.db.call(service.count_unread, user_id=_user_id())
        return notify_pb2.CountUnreadResponse(count=count)

    async def MarkRead(
        self, request: notify_pb2.MarkReadRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.MarkReadResponse:
        updated = await self.db.call(
            service.mark_read,
            user_id=_user_id(),
            notification_ids=list(request.notification_ids),
            all=request.all,
        )
        return notify_pb2.MarkReadResponse(updated=updated)

    async def DeleteNotification(
        self, request: notify_pb2.DeleteNotificationRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.DeleteNotificationResponse:
        await self.db.call(
            service.delete_notification,
            user_id=_user_id(),
            notification_id=request.notification_id,
        )
        return notify_pb2.DeleteNotificationResponse()

    async def StreamNotifications(
        self, request: notify_pb2.StreamNotificationsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[notify_pb2.StreamNotificationsResponse]:
        """The caller's new notifications as they are created, until the caller hangs up."""
        queue: asyncio.Queue[bytes] = asyncio.Queue(STREAM_BUFFER)

        async def on_message(msg) -> None:
            if queue.full():  # a stalled reader loses the oldest, never blocks the others
                queue.get_nowait()
            queue.put_nowait(msg.data)

        subscription = await self.nc.subscribe(live_subject(_user_id()), cb=on_message)
        try:
            # Once the subscription is registered, initial metadata tells the caller it is
            # listening: nothing created after that moment is missed.
            await self.nc.flush()
            await context.send_initial_metadata((("x-subscribed", "1"),))
            while True:
                response = notify_pb2.StreamNotificationsResponse()
                response.ParseFromString(await queue.get())
                yield response
        finally:
            await subscription.unsubscribe()

    async def CreateWebhook(
        self, request: notify_pb2.CreateWebhookRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.CreateWebhookResponse:
        user_id = _user_id()
        url = webhooks.validate_url(request.url)
        service.validate_event_types(list(request.events))
        secret = _secret(request.secret)
        try:
            await webhooks.resolve(self.policy, url)
        except AddressRefused as exc:
            raise InvalidArgument(str(exc), field="url", reason="WEBHOOK_URL_NOT_ALLOWED") from exc
        hook = await self.db.call(
            service.create_webhook,
            user_id=user_id,
            url=url,
            events=list(request.events),
            secret_encrypted=self.secrets.seal(secret),
            max_per_user=self.settings.webhook_max_per_user,
        )
        return notify_pb2.CreateWebhookResponse(webhook=webhook_to_proto(hook), secret=secret)

    async def ListWebhooks(
        self, request: notify_pb2.ListWebhooksRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.ListWebhooksResponse:
        rows, next_token = await self.db.call(
            service.list_webhooks, user_id=_user_id(), **page_of(request)
        )
        return notify_pb2.ListWebhooksResponse(
            webhooks=[webhook_to_proto(r) for r in rows], next_page_token=next_token
        )

    async def GetWebhook(
        self, request: notify_pb2.GetWebhookRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.GetWebhookResponse:
        hook, deliveries = await self.db.call(
            service.get_webhook_with_deliveries,
            user_id=_user_id(),
            webhook_id=request.webhook_id,
            limit=self.settings.webhook_deliveries_shown,
        )
        return notify_pb2.GetWebhookResponse(webhook=webhook_to_proto(hook, deliveries))

    async def DeleteWebhook(
        self, request: notify_pb2.DeleteWebhookRequest, context: grpc.aio.ServicerContext
    ) -> notify_pb2.DeleteWebhookResponse:
        await self.db.call(
            service.delete_webhook, user_id=_user_id(), webhook_id=request.webhook_id
        )
        return notify_pb2.DeleteWebhookResponse()
