"""A subscription sent as a plain HTTP request (POST or GET) is told it needs a websocket:
a GraphQL error with its own code, not "internal error", and no traceback in the logs
(graphql-core used to resolve the subscription's generator as if it were a value)."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.gateway.test_gateway_auth import register

JOB_UPDATES = 'subscription { jobUpdates(jobId: "1") { jobId status } }'
NOTIFICATIONS = "subscription Live { notifications { id message } }"


def assert_refused_for_transport(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET", body
    assert "WebSocket" in error["message"] and "graphql-transport-ws" in error["message"]


@pytest.fixture
async def client(gateway):
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as c:
        yield c


@pytest.mark.parametrize("signed_in", [False, True], ids=["no token", "signed in"])
@pytest.mark.parametrize("query", [JOB_UPDATES, NOTIFICATIONS], ids=["jobUpdates", "notifications"])
async def test_subscription_over_post_and_get_is_refused_by_name(client, caplog, query, signed_in):
    headers = {}
    if signed_in:
        token = (await register(client))["tokens"]["accessToken"]
        headers["Authorization"] = f"Bearer {token}"
    with caplog.at_level(logging.WARNING):
        assert_refused_for_transport(
            await client.post("/graphql", json={"query": query}, headers=headers)
        )
        assert_refused_for_transport(
            await client.get("/graphql", params={"query": query}, headers=headers)
        )
        # A client asking for a streamed answer gets the same: no HTTP stream transport.
        streamed = {**headers, "Accept": 'multipart/mixed;subscriptionSpec="1.0"'}
        assert_refused_for_transport(
            await client.post("/graphql", json={"query": query}, headers=streamed)
        )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_the_query_beside_a_subscription_still_runs(client):
    """One document holding a subscription and a query: the operation named is the one
    that counts."""
    document = f"{NOTIFICATIONS}\nquery Plain {{ __typename }}"
    plain = await client.post("/graphql", json={"query": document, "operationName": "Plain"})
    assert plain.json() == {"data": {"__typename": "Query"}}
    live = await client.post("/graphql", json={"query": document, "operationName": "Live"})
    assert_refused_for_transport(live)


async def test_a_batch_is_refused_whole_with_the_subscription_unrun(client, caplog):
    """Batching is off: a list of operations is a 400 before any of them runs."""
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            "/graphql", json=[{"query": "{ __typename }"}, {"query": JOB_UPDATES}]
        )
    assert response.status_code == 400, response.text
    assert "Batching is not enabled" in response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_mutation_over_get_keeps_strawberrys_answer(client):
    """The other transport refusal is unchanged: GET carries no mutation."""
    response = await client.get("/graphql", params={"query": "mutation { logout }"})
    assert response.status_code == 400
    assert "mutations are not allowed when using GET" in response.text
