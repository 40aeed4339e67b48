"""Notifications and webhooks through GraphQL: the inbox, typed errors, the live
notifications subscription, and a signed webhook reaching a receiver on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid

import httpx
import nats
import pytest

from tests.gateway.subscriptions_client import GraphQLWs
from tests.services.notify.notify_helpers import publish_dataset, receiver
from tests.support import AuthCaller, error_code, graphql, start_gateway

INBOX = """
query($unread: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unread, first: $first, after: $after) {
    nodes { id eventType title message subject isRead createdAt }
    pageInfo { hasNextPage endCursor }
  }
  unreadNotificationCount
}"""


@pytest.fixture(scope="module")
async def setup(auth_server, notify_server, nats_url, service_token):
    async with start_gateway(
        auth_server, notify_server, service_token=service_token, nats_url=nats_url
    ) as url:
        nc = await nats.connect(nats_url)
        auth = AuthCaller(auth_server.address, service_token)
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield url, client, nc.jetstream(), auth
        await auth.close()
        await nc.close()


async def inbox(client, token: str, **variables) -> dict:
    result = await graphql(client, INBOX, variables, token=token)
    assert "errors" not in result, result
    return result["data"]


async def wait_for_inbox(client, token: str, count: int) -> dict:
    for _ in range(100):
        data = await inbox(client, token, first=50)
        if len(data["notifications"]["nodes"]) >= count:
            return data
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} notifications arrived")


async def test_read_page_mark_and_delete_notifications(setup):
    _, client, js, auth = setup
    user = await auth.register()
    token = user.tokens.access_token
    for name in ("first", "second"):
        await publish_dataset(js, user.user.id, name)
    data = await wait_for_inbox(client, token, 3)
    assert data["unreadNotificationCount"] == 3
    page = (await inbox(client, token, first=2))["notifications"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await inbox(client, token, first=2, after=page["pageInfo"]["endCursor"])
    assert rest["notifications"]["pageInfo"]["hasNextPage"] is False
    # Newest first; the welcome note comes whenever auth's outbox relays it.
    assert sorted(n["title"] for n in page["nodes"] + rest["notifications"]["nodes"]) == [
        "Dataset first is ready",
        "Dataset second is ready",
        "Welcome to Synthetica",
    ]

    first_id = page["nodes"][0]["id"]
    marked = await graphql(
        client,
        "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }",
        {"ids": [first_id]},
        token=token,
    )
    assert marked["data"]["markNotificationsRead"] == 1
    unread = await inbox(client, token, unread=True)
    assert first_id not in [n["id"] for n in unread["notifications"]["nodes"]]
    assert unread["unreadNotificationCount"] == 2
    everything = await graphql(client, "mutation { markNotificationsRead(all: true) }", token=token)
    assert everything["data"]["markNotificationsRead"] == 2
    deleted = await graphql(
        client,
        "mutation($id: ID!) { deleteNotification(id: $id) }",
        {"id": first_id},
        token=token,
    )
    assert deleted["data"]["deleteNotification"] is True
    after = await inbox(client, token)
    assert after["unreadNotificationCount"] == 0
    assert len(after["notifications"]["nodes"]) == 2


async def test_expected_failures_are_typed(setup):
    _, client, _, auth = setup
    user = await auth.register()
    token = user.tokens.access_token
    anonymous = await graphql(client, "{ unreadNotificationCount }")
    assert error_code(anonymous) == "UNAUTHENTICATED"
    neither = await graphql(client, "mutation { markNotificationsRead }", token=token)
    assert error_code(neither) == "BAD_USER_INPUT"
    missing = await graphql(
        client,
        "mutation($id: ID!) { deleteNotification(id: $id) }",
        {"id": str(uuid.uuid4())},
        token=token,
    )
    assert error_code(missing) == "NOT_FOUND"
    metadata_url = await graphql(
        client,
        'mutation { createWebhook(input: {url: "http://169.254.169.254/latest"}) { secret } }',
        token=token,
    )
    assert error_code(metadata_url) == "BAD_USER_INPUT"
    error = metadata_url["errors"][0]["extensions"]
    assert error["reason"] == "WEBHOOK_URL_NOT_ALLOWED"
    assert error["fields"][0]["field"] == "url"


async def test_notifications_subscription_streams_the_callers_new_ones(setup):
    url, _, js, auth = setup
    user, other = await auth.register(), await auth.register()
    payload = {"Authorization": f"Bearer {user.tokens.access_token}"}
    async with GraphQLWs.connect(url, payload) as ws:
        op = await ws.subscribe("subscription { notifications { title eventType isRead } }")
        # The stream is being set up behind the subscribe: publish until the first arrives.
        first = None
        for attempt in range(30):
            await publish_dataset(js, user.user.id, f"warmup{attempt}")
            try:
                first = await ws.next(op, timeout=0.5)
                break
            except TimeoutError:
                continue
        assert first is not None, "no notification arrived"
        await publish_dataset(js, other.user.id, "theirs")
        await publish_dataset(js, user.user.id, "final")
        titles = []
        while "Dataset final is ready" not in titles:
            titles.append((await ws.next(op))["data"]["notifications"]["title"])
        await ws.stop(op)
    assert first["data"]["notifications"]["eventType"] == "dataset.uploaded"
    assert first["data"]["notifications"]["isRead"] is False
    assert "Dataset theirs is ready" not in titles


async def test_webhook_created_in_graphql_receives_the_signed_event(setup):
    _, client, js, auth = setup
    user = await auth.register()
    token = user.tokens.access_token
    async with receiver() as hook_receiver:
        created = await graphql(
            client,
            """mutation($url: String!) {
              createWebhook(input: {url: $url, events: ["dataset.uploaded"]}) {
                secret webhook { id url events active }
              }
            }""",
            {"url": hook_receiver.url},
            token=token,
        )
        assert "errors" not in created, created
        secret = created["data"]["createWebhook"]["secret"]
        hook = created["data"]["createWebhook"]["webhook"]
        assert hook["events"] == ["dataset.uploaded"] and hook["active"] is True
        await publish_dataset(js, user.user.id, "hooked")
        query = """query($id: ID!) {
          webhook(id: $id) { deliveries { id status attempts responseStatus error } }
        }"""
        for _ in range(100):
            result = await graphql(client, query, {"id": hook["id"]}, token=token)
            deliveries = result["data"]["webhook"]["deliveries"]
            if deliveries and deliveries[0]["status"] == "SUCCEEDED":
                break
            await asyncio.sleep(0.1)
    assert deliveries[0]["attempts"] == 1 and deliveries[0]["responseStatus"] == 200
    headers, body = hook_receiver.received[0]
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-synthetica-signature"] == signature
    assert headers["x-synthetica-delivery"] == deliveries[0]["id"]
    assert json.loads(body)["data"]["name"] == "hooked"
    listed = await graphql(client, "{ webhooks { nodes { id url } } }", token=token)
    assert [w["id"] for w in listed["data"]["webhooks"]["nodes"]] == [hook["id"]]
    removed = await graphql(
        client, "mutation($id: ID!) { deleteWebhook(id: $id) }", {"id": hook["id"]}, token=token
    )
    assert removed["data"]["deleteWebhook"] is True
