"""Notifications subscriptions: the live streams of the domain in the Subscription root."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import grpc
import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.errors import from_rpc_error
from gateway.schema.notifications.types import JobUpdate, Notification
from gateway.subscriptions import job_updates
from synthetica.notify.v1 import notify_pb2

# Every outbound call has a deadline; a live stream's is long, and the client resubscribes.
STREAM_MAX_SECONDS = 24 * 3600


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(description="the caller's new notifications as they arrive")
    async def notifications(self, info: Info[Context, None]) -> AsyncGenerator[Notification, None]:
        ctx = info.context
        subscriptions = ctx.subscriptions
        assert subscriptions is not None
        recheck_seconds = subscriptions.settings.subscription_recheck_seconds
        async with subscriptions.slot(ctx):
            call = ctx.clients.notify.StreamNotifications(
                notify_pb2.StreamNotificationsRequest(),
                metadata=ctx.user_metadata,
                timeout=STREAM_MAX_SECONDS,
            )
            loop = asyncio.get_running_loop()
            confirmed = loop.time()
            try:
                async for response in call:
                    # A revoked API key or a disabled user's stream ends at its next
                    # notification once the recheck time has passed (see job_updates).
                    if loop.time() - confirmed >= recheck_seconds:
                        await subscriptions.reauthenticate(ctx.user_metadata)
                        confirmed = loop.time()
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
        async with subscriptions.slot(ctx):
            async for state in job_updates(
                subscriptions.hub,
                subscriptions.jobs,
                str(job_id),
                ctx.user_metadata,
                authenticate=subscriptions.reauthenticate,
                recheck_seconds=subscriptions.settings.subscription_recheck_seconds,
            ):
                yield JobUpdate.from_state(state)
