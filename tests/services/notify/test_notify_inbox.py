"""Reading, marking and deleting notifications: one's own only, bad input changes nothing."""

from __future__ import annotations

import grpc
import pytest

from common.clients import service_metadata
from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2
from tests.services.notify.notify_helpers import NotifyEnv, User, event, eventually


async def expect(awaitable, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await awaitable
    assert info.value.code() == code, info.value.details()
    return info.value


async def user_with(env: NotifyEnv, count: int) -> tuple[User, list[notify_pb2.Notification]]:
    """A user with the welcome note plus ``count`` dataset notifications."""
    user = await env.user()
    for i in range(count):
        await env.publish(
            event(events_pb2.DatasetUploaded(dataset_id=f"d{i}", name=f"t{i}"), user.id)
        )
    found = await eventually(lambda: env.notifications(user), lambda ns: len(ns) >= count + 1)
    assert len(found) == count + 1
    return user, found


async def unread(env: NotifyEnv, user: User) -> int:
    reply = await env.stub.CountUnread(notify_pb2.CountUnreadRequest(), metadata=user.metadata)
    return reply.count


async def test_pages_cover_every_notification_once(notify_env):
    user, found = await user_with(notify_env, 4)
    seen, token = [], ""
    while True:
        page = await notify_env.stub.ListNotifications(
            notify_pb2.ListNotificationsRequest(page_size=2, page_token=token),
            metadata=user.metadata,
        )
        seen.extend(n.id for n in page.notifications)
        token = page.next_page_token
        if not token:
            break
    assert seen == [n.id for n in found]


async def test_mark_some_then_all_read(notify_env):
    user, found = await user_with(notify_env, 2)
    marked = await notify_env.stub.MarkRead(
        notify_pb2.MarkReadRequest(notification_ids=[found[0].id]), metadata=user.metadata
    )
    assert marked.updated == 1
    assert await unread(notify_env, user) == 2
    unread_list = await notify_env.notifications(user, unread_only=True)
    assert found[0].id not in {n.id for n in unread_list}
    marked = await notify_env.stub.MarkRead(
        notify_pb2.MarkReadRequest(all=True), metadata=user.metadata
    )
    assert marked.updated == 2
    assert await unread(notify_env, user) == 0
    assert await notify_env.notifications(user, unread_only=True) == []


async def test_bad_mark_requests_are_refused_and_change_nothing(notify_env):
    user, found = await user_with(notify_env, 1)
    for request in (
        notify_pb2.MarkReadRequest(),
        notify_pb2.MarkReadRequest(notification_ids=[found[0].id], all=True),
        notify_pb2.MarkReadRequest(notification_ids=[found[0].id, "not-an-id"]),
    ):
        await expect(
            notify_env.stub.MarkRead(request, metadata=user.metadata),
            grpc.StatusCode.INVALID_ARGUMENT,
        )
    assert await unread(notify_env, user) == 2
    await expect(
        notify_env.stub.ListNotifications(
            notify_pb2.ListNotificationsRequest(page_size=-1), metadata=user.metadata
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )


async def test_nobody_reads_marks_or_deletes_another_users_notifications(notify_env):
    owner, found = await user_with(notify_env, 1)
    intruder = await notify_env.user()
    ids = [n.id for n in found]
    assert not {n.id for n in await notify_env.notifications(intruder)} & set(ids)
    marked = await notify_env.stub.MarkRead(
        notify_pb2.MarkReadRequest(notification_ids=ids), metadata=intruder.metadata
    )
    assert marked.updated == 0
    await expect(
        notify_env.stub.DeleteNotification(
            notify_pb2.DeleteNotificationRequest(notification_id=ids[0]),
            metadata=intruder.metadata,
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    assert await unread(notify_env, owner) == 2


async def test_delete_removes_one_notification(notify_env):
    user, found = await user_with(notify_env, 1)
    await notify_env.stub.DeleteNotification(
        notify_pb2.DeleteNotificationRequest(notification_id=found[0].id), metadata=user.metadata
    )
    assert [n.id for n in await notify_env.notifications(user)] == [found[1].id]
    await expect(
        notify_env.stub.DeleteNotification(
            notify_pb2.DeleteNotificationRequest(notification_id=found[0].id),
            metadata=user.metadata,
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_calls_need_a_user(notify_env, service_token):
    await expect(
        notify_env.stub.CountUnread(notify_pb2.CountUnreadRequest()),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await expect(
        notify_env.stub.CountUnread(
            notify_pb2.CountUnreadRequest(),
            metadata=(("authorization", "Bearer not-a-token"),),
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await expect(
        notify_env.stub.CountUnread(
            notify_pb2.CountUnreadRequest(),
            metadata=service_metadata(service_token, service_name="tests"),
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )


async def test_a_service_acting_for_a_user_sees_that_users_inbox(notify_env, service_token):
    user, found = await user_with(notify_env, 0)
    on_behalf = service_metadata(service_token, service_name="gateway", on_behalf_of=user.id)
    reply = await notify_env.stub.ListNotifications(
        notify_pb2.ListNotificationsRequest(), metadata=on_behalf
    )
    assert [n.id for n in reply.notifications] == [found[0].id]
