"""A live subscription does not outlive the subscriber's right to it: on ``jobUpdates``, a
member removed from the project, or a subscriber whose API key was revoked, gets the refusal
and the stream ends, instead of the job's later updates (here an owner's rejection with its
comment); on ``notifications``, a revoked key gets the refusal instead of the owner's next
notification. Access is asked again before an update is sent, at most every
``GATEWAY_SUBSCRIPTION_RECHECK_SECONDS`` (0 here: before every update). Real services, a real
project and a real job waiting for approval (it stays there until the owner decides)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import nats
import pytest
from nats.js import JetStreamContext

from tests.gateway.subscriptions_client import GraphQLWs
from tests.gateway.team import Team
from tests.services.notify.notify_helpers import publish_dataset
from tests.support import graphql, start_gateway

JOB_UPDATES = "subscription($id: ID!) { jobUpdates(jobId: $id) { jobId status error } }"
JOB = "query($id: ID!) { job(id: $id) { id status } }"
REMOVE = "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }"
REJECT = 'mutation($id: ID!) { rejectJob(jobId: $id, comment: "the secret plan") { status } }'
CREATE_KEY = 'mutation { createApiKey(input: {name: "watch"}) { secret apiKey { id } } }'
REVOKE_KEY = "mutation($id: ID!) { revokeApiKey(id: $id) { id } }"


@pytest.fixture(scope="module")
async def gateway_url(
    auth_server, datasets_server, training_api, notify_server, service_token, nats_url
) -> AsyncIterator[str]:
    async with start_gateway(
        auth_server,
        training_api,
        datasets_server,
        notify_server,
        service_token=service_token,
        nats_url=nats_url,
        subscription_recheck_seconds=0,
    ) as url:
        yield url


async def pending_job(client: httpx.AsyncClient, team: Team) -> str:
    """A generate job of the editor's that waits for the owner's approval."""
    assert "errors" not in await team.settings(client, approvalRequired=True)
    made = await team.generate(client, "editor", count=10)
    assert made["job"]["status"] == "PENDING_APPROVAL"
    return made["job"]["id"]


async def refused(client: httpx.AsyncClient, job_id: str, **caller: str) -> str:
    """Waits until a plain query for the job is refused to ``caller`` (a service may remember
    a membership or a key for a few seconds); returns the error code."""
    for _ in range(200):
        result = await graphql(client, JOB, {"id": job_id}, **caller)
        if result.get("errors"):
            return result["errors"][0]["extensions"]["code"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} still readable by {caller}")


async def first_state(ws: GraphQLWs, job_id: str) -> str:
    op = await ws.subscribe(JOB_UPDATES, {"id": job_id})
    first = await ws.next(op, timeout=30)
    assert first is not None and "errors" not in first, first
    assert first["data"]["jobUpdates"]["status"] == "PENDING_APPROVAL"
    return op


async def test_a_removed_member_stops_receiving_the_jobs_updates(client, team: Team, gateway_url):
    job_id = await pending_job(client, team)
    bearer = {role: {"Authorization": f"Bearer {team.tokens[role]}"} for role in team.tokens}
    async with (
        GraphQLWs.connect(gateway_url, bearer["viewer"]) as removed,
        GraphQLWs.connect(gateway_url, bearer["editor"]) as member,
    ):
        removed_op = await first_state(removed, job_id)
        member_op = await first_state(member, job_id)
        gone = await graphql(
            client,
            REMOVE,
            {"p": team.project_id, "u": team.users["viewer"].id},
            token=team.tokens["owner"],
        )
        assert gone == {"data": {"removeProjectMember": True}}, gone
        assert await refused(client, job_id, token=team.tokens["viewer"]) == "NOT_FOUND"
        rejected = await graphql(client, REJECT, {"id": job_id}, token=team.tokens["owner"])
        assert rejected["data"]["rejectJob"]["status"] == "CANCELLED", rejected
        # The member still in the project sees the rejection and its comment ...
        seen = await member.results(member_op, timeout=30)
        assert seen[-1]["data"]["jobUpdates"]["status"] == "CANCELLED", seen
        assert "the secret plan" in seen[-1]["data"]["jobUpdates"]["error"]
        # ... the removed one gets the refusal instead, and the stream ends.
        after = await removed.results(removed_op, timeout=30)
    assert len(after) == 1, after
    assert "data" not in after[0] or after[0]["data"] is None, after
    assert after[0]["errors"][0]["extensions"]["code"] == "NOT_FOUND", after


async def test_a_revoked_api_key_stops_receiving_the_jobs_updates(client, team: Team, gateway_url):
    job_id = await pending_job(client, team)
    made = await graphql(client, CREATE_KEY, token=team.tokens["editor"])
    key = made["data"]["createApiKey"]
    async with GraphQLWs.connect(gateway_url, {"X-API-Key": key["secret"]}) as ws:
        op = await first_state(ws, job_id)
        revoked = await graphql(
            client, REVOKE_KEY, {"id": key["apiKey"]["id"]}, token=team.tokens["editor"]
        )
        assert "errors" not in revoked, revoked
        assert await refused(client, job_id, api_key=key["secret"]) == "UNAUTHENTICATED"
        rejected = await graphql(client, REJECT, {"id": job_id}, token=team.tokens["owner"])
        assert rejected["data"]["rejectJob"]["status"] == "CANCELLED", rejected
        after = await ws.results(op, timeout=30)
    assert len(after) == 1, after
    assert after[0]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", after


@pytest.fixture
async def js(nats_url) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


async def test_a_revoked_api_key_stops_receiving_notifications(client, team: Team, gateway_url, js):
    made = await graphql(client, CREATE_KEY, token=team.tokens["owner"])
    key = made["data"]["createApiKey"]
    owner = team.users["owner"].id
    async with GraphQLWs.connect(gateway_url, {"X-API-Key": key["secret"]}) as ws:
        op = await ws.subscribe("subscription { notifications { title } }")
        # The stream is set up behind the subscribe: publish until the first arrives.
        for attempt in range(60):
            await publish_dataset(js, owner, f"warmup{attempt}")
            try:
                first = await ws.next(op, timeout=0.5)
                break
            except TimeoutError:
                continue
        else:
            raise AssertionError("no notification arrived")
        assert "errors" not in first, first
        revoked = await graphql(
            client, REVOKE_KEY, {"id": key["apiKey"]["id"]}, token=team.tokens["owner"]
        )
        assert "errors" not in revoked, revoked
        await publish_dataset(js, owner, "after-revocation")
        seen = []
        while (result := await ws.next(op, timeout=60)) is not None:
            seen.append(result)
            if "errors" in result or "after-revocation" in str(result):
                break
    assert seen, "the stream ended silently"
    assert all("after-revocation" not in str(r.get("data")) for r in seen), seen
    assert seen[-1]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", seen
