"""Webhooks against a real HTTP receiver on loopback: signed deliveries, retries with backoff,
giving up, delivery history, and refusal of URLs that point inside the network."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import grpc
import pytest
import sqlalchemy as sa

from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2
from tests.services.notify.notify_helpers import NotifyEnv, User, event, eventually, receiver


async def create(env: NotifyEnv, user: User, url: str, events=(), secret: str = ""):
    return await env.stub.CreateWebhook(
        notify_pb2.CreateWebhookRequest(url=url, events=list(events), secret=secret),
        metadata=user.metadata,
    )


async def deliveries(env: NotifyEnv, user: User, webhook_id: str):
    reply = await env.stub.GetWebhook(
        notify_pb2.GetWebhookRequest(webhook_id=webhook_id), metadata=user.metadata
    )
    return list(reply.webhook.deliveries)


def batch_event(user: User, batch_id: str = "b1") -> events_pb2.Event:
    return event(events_pb2.BatchGenerated(batch_id=batch_id, row_count=10), user.id)


async def test_matching_event_is_posted_signed_once(notify_env):
    user = await notify_env.user()
    async with receiver() as hook_receiver:
        created = await create(
            notify_env, user, hook_receiver.url, ["batch.generated"], secret="s" * 20
        )
        assert created.secret == "s" * 20
        assert created.webhook.events == ["batch.generated"]
        wanted = batch_event(user)
        await notify_env.publish(
            event(events_pb2.DatasetUploaded(dataset_id="d", name="d"), user.id)
        )
        await notify_env.publish(wanted)
        await notify_env.publish(wanted, msg_id="redelivered-" + wanted.id)
        done = await eventually(
            lambda: deliveries(notify_env, user, created.webhook.id),
            lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_SUCCEEDED,
        )
        await asyncio.sleep(0.5)  # a second delivery, if any, would arrive meanwhile
    assert len(done) == 1
    assert len(hook_receiver.received) == 1
    headers, body = hook_receiver.received[0]
    expected = "sha256=" + hmac.new(b"s" * 20, body, hashlib.sha256).hexdigest()
    assert headers["x-synthetica-signature"] == expected
    assert headers["x-synthetica-event"] == "batch.generated"
    assert headers["x-synthetica-delivery"] == done[0].id
    payload = json.loads(body)
    assert payload["id"] == wanted.id
    assert payload["type"] == "batch.generated"
    assert payload["data"] == {"batch_id": "b1", "row_count": "10"}
    assert done[0].attempts == 1
    assert done[0].response_status == 200


# The hooks below take batch.generated only: the user's own registration event reaches the
# notify service's consumer late on a loaded machine (after the hook exists), and a hook for
# every event then gets a second delivery that these tests do not count.
BATCHES = ["batch.generated"]


async def test_failures_are_retried_until_the_receiver_accepts(notify_env):
    user = await notify_env.user()
    async with receiver(script=[500, 503]) as hook_receiver:
        created = await create(notify_env, user, hook_receiver.url, BATCHES)
        assert len(created.secret) >= 32  # generated, shown once
        await notify_env.publish(batch_event(user))
        done = await eventually(
            lambda: deliveries(notify_env, user, created.webhook.id),
            lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_SUCCEEDED,
        )
    assert done[0].attempts == 3
    assert len(hook_receiver.received) == 3
    ids = {headers["x-synthetica-delivery"] for headers, _ in hook_receiver.received}
    assert ids == {done[0].id}  # the receiver can de-duplicate retries by delivery id


async def test_delivery_gives_up_after_the_set_number_of_tries(notify_env):
    user = await notify_env.user()
    async with receiver(script=[500] * 10) as hook_receiver:
        created = await create(notify_env, user, hook_receiver.url, BATCHES)
        await notify_env.publish(batch_event(user))
        done = await eventually(
            lambda: deliveries(notify_env, user, created.webhook.id),
            lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_FAILED,
        )
        await asyncio.sleep(1.0)  # no further try comes
    assert done[0].attempts == 3
    assert done[0].response_status == 500
    assert "500" in done[0].error
    ids = [headers["x-synthetica-delivery"] for headers, _ in hook_receiver.received]
    assert ids == [done[0].id] * 3  # three posts, all of this one delivery


async def test_unreachable_receiver_is_recorded(notify_env):
    user = await notify_env.user()
    async with receiver() as gone:
        url = gone.url
    created = await create(notify_env, user, url, BATCHES)
    await notify_env.publish(batch_event(user))
    done = await eventually(
        lambda: deliveries(notify_env, user, created.webhook.id),
        lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_FAILED,
    )
    assert done[0].attempts == 3
    assert "ConnectError" in done[0].error


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.1.2.3/hook",
        "http://[::ffff:169.254.169.254]/",
        "http://192.168.0.10:8080/",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://user:pass@example.com/",
        "http://",
        "not a url",
        "http://does-not-exist.invalid/hook",
        # IPv6 forms that reach IPv4: NAT64 of the metadata endpoint, 6to4,
        # IPv4-compatible, IPv4-translated, Teredo, and a site-local address.
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[64:ff9b::a01:203]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://[::a9fe:a9fe]/",
        "http://[::7f00:1]/",
        "http://[::ffff:0:a9fe:a9fe]/",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        "http://[fec0::1]/",
    ],
)
async def test_urls_that_are_not_allowed_are_refused(notify_env, url):
    user = await notify_env.user()
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await create(notify_env, user, url)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    listed = await notify_env.stub.ListWebhooks(
        notify_pb2.ListWebhooksRequest(), metadata=user.metadata
    )
    assert list(listed.webhooks) == []


async def test_bad_events_and_secrets_are_refused(notify_env):
    user = await notify_env.user()
    for request in (
        notify_pb2.CreateWebhookRequest(url="http://127.0.0.1:9/h", events=["job.exploded"]),
        notify_pb2.CreateWebhookRequest(url="http://127.0.0.1:9/h", secret="short"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await notify_env.stub.CreateWebhook(request, metadata=user.metadata)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_secret_is_stored_encrypted_and_webhooks_are_private(notify_env, database_url):
    owner, intruder = await notify_env.user(), await notify_env.user()
    secret = "very-secret-signing-key-123"
    created = await create(notify_env, owner, "http://127.0.0.1:9/h", secret=secret)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT secret_encrypted FROM notify.webhooks WHERE id = :id"),
            {"id": created.webhook.id},
        ).scalar_one()
    engine.dispose()
    assert secret.encode() not in bytes(stored)
    for call in (
        notify_env.stub.GetWebhook(
            notify_pb2.GetWebhookRequest(webhook_id=created.webhook.id),
            metadata=intruder.metadata,
        ),
        notify_env.stub.DeleteWebhook(
            notify_pb2.DeleteWebhookRequest(webhook_id=created.webhook.id),
            metadata=intruder.metadata,
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await call
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
    await notify_env.stub.DeleteWebhook(
        notify_pb2.DeleteWebhookRequest(webhook_id=created.webhook.id), metadata=owner.metadata
    )
    listed = await notify_env.stub.ListWebhooks(
        notify_pb2.ListWebhooksRequest(), metadata=owner.metadata
    )
    assert list(listed.webhooks) == []
