"""Live subscriptions are capped per websocket and per user (gateway/subscription_slots.py),
over both websocket protocols: the one over a cap gets a readable RATE_LIMITED error on its
own operation while the others go on, a slot comes back however a subscription ends (the
client completes it, the server ends it, the socket drops without a word), and another user
is never refused for someone else's subscriptions. Updates are real job.updated events on
real NATS; the jobs' first states come from test_gateway_subscriptions' stand-in for
training's GetJob."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest

from gateway.subscriptions import JobState
from synthetica.training.v1 import training_pb2
from tests.gateway.subscriptions_client import GraphQLWs
from tests.gateway.test_gateway_subscriptions import (
    JOB_UPDATES,
    StandInJobs,
    bearer,
    live_gateway,
    publish,
)

PER_CONNECTION = 3
PER_USER = 5
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
NOTIFICATIONS = "subscription { notifications { id message } }"
# Far below anything that could pass by waiting for a slot to come back on its own.
DEADLINE_SECONDS = 8.0


@pytest.fixture(scope="module")
async def setup(auth_server, nats_url, service_token):
    async with live_gateway(
        auth_server,
        nats_url,
        service_token,
        max_subscriptions_per_connection=PER_CONNECTION,
        max_subscriptions_per_user=PER_USER,
    ) as world:
        yield world


def running_jobs(jobs: StandInJobs, owner_id: str, count: int) -> list[str]:
    ids = [f"job-{uuid.uuid4().hex[:8]}" for _ in range(count)]
    for job_id in ids:
        jobs.jobs[job_id] = (owner_id, JobState(job_id, training_pb2.JOB_STATUS_RUNNING))
    return ids


async def open_job(ws: GraphQLWs, job_id: str) -> tuple[str, dict]:
    """Subscribes to the job: the operation and its first result."""
    op = await ws.subscribe(JOB_UPDATES, {"id": job_id})
    result = await ws.next(op)
    assert result is not None
    return op, result


def refusal(result: dict) -> tuple[str, str, str]:
    error = result["errors"][0]
    extensions = error.get("extensions") or {}
    return extensions.get("code", ""), extensions.get("reason", ""), error["message"]


def status(result: dict) -> str:
    assert "errors" not in result, result
    return result["data"]["jobUpdates"]["status"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_one_socket_holds_its_cap_and_a_completed_one_frees_its_slot(setup, protocol):
    url, jobs, js, auth = setup
    owner = await auth.register()
    ids = running_jobs(jobs, owner.user.id, PER_CONNECTION + 1)
    async with GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as ws:
        ops = [await open_job(ws, job_id) for job_id in ids[:PER_CONNECTION]]
        assert [status(result) for _, result in ops] == ["RUNNING"] * PER_CONNECTION
        _, over = await open_job(ws, ids[-1])
        code, reason, message = refusal(over)
        assert (code, reason) == ("RATE_LIMITED", "TOO_MANY_SUBSCRIPTIONS")
        assert f"at most {PER_CONNECTION} live subscriptions per connection" in message
        # The ones held go on.
        await publish(js, owner.user.id, ids[0], 1, "running", 40.0)
        update = await ws.next(ops[0][0])
        assert update is not None and update["data"]["jobUpdates"]["percent"] == 40.0
        # Completing one gives its slot back, at once.
        await ws.stop(ops[1][0])
        _, again = await open_job(ws, ids[-1])
        assert status(again) == "RUNNING"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_one_user_is_capped_across_sockets_and_another_is_not_refused(setup, protocol):
    url, jobs, _, auth = setup
    owner, other = await auth.register(), await auth.register()
    ids = running_jobs(jobs, owner.user.id, PER_USER + 1)
    other_job = running_jobs(jobs, other.user.id, 1)[0]
    async with (
        GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as first,
        GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as second,
    ):
        held = [await open_job(first, job_id) for job_id in ids[:PER_CONNECTION]]
        held += [await open_job(second, job_id) for job_id in ids[PER_CONNECTION:PER_USER]]
        assert [status(result) for _, result in held] == ["RUNNING"] * PER_USER
        _, over = await open_job(second, ids[-1])
        code, reason, message = refusal(over)
        assert (code, reason) == ("RATE_LIMITED", "TOO_MANY_SUBSCRIPTIONS")
        assert f"at most {PER_USER} live subscriptions per user" in message
        # A notifications stream takes a slot too.
        notifications = await second.subscribe(NOTIFICATIONS)
        refused = await second.next(notifications)
        assert refused is not None and refusal(refused)[1] == "TOO_MANY_SUBSCRIPTIONS"
        async with GraphQLWs.connect(url, bearer(other.tokens), protocol=protocol) as theirs:
            assert status((await open_job(theirs, other_job))[1]) == "RUNNING"


async def eventually_opens(url: str, tokens, job_ids: list[str], protocol: str) -> None:
    """Polls until ``job_ids`` can all be held at once on fresh sockets of the user (the
    gateway notices a dropped socket when its TCP connection ends)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        statuses = []
        async with (
            GraphQLWs.connect(url, bearer(tokens), protocol=protocol) as first,
            GraphQLWs.connect(url, bearer(tokens), protocol=protocol) as second,
        ):
            for index, job_id in enumerate(job_ids):
                ws = first if index < PER_CONNECTION else second
                result = (await open_job(ws, job_id))[1]
                data = result.get("data") or {}
                statuses.append(data["jobUpdates"]["status"] if data else refusal(result)[1])
        if statuses == ["RUNNING"] * len(job_ids):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the user's slots did not come back: {statuses}")
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_socket_dropped_without_a_word_frees_its_slots(setup, protocol):
    url, jobs, _, auth = setup
    owner = await auth.register()
    ids = running_jobs(jobs, owner.user.id, PER_USER)
    for _ in range(2):
        async with (
            GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as first,
            GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as second,
        ):
            for index, job_id in enumerate(ids):
                ws = first if index < PER_CONNECTION else second
                assert status((await open_job(ws, job_id))[1]) == "RUNNING"
            # No complete, no close frame: the TCP connections just end.
            first.socket.transport.abort()
            second.socket.transport.abort()
        await eventually_opens(url, owner.tokens, ids, protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscriptions_ended_by_the_server_free_their_slots(setup, protocol):
    url, jobs, js, auth = setup
    owner, stranger = await auth.register(), await auth.register()
    ids = running_jobs(jobs, owner.user.id, PER_CONNECTION)
    jobs.jobs["finished"] = (
        owner.user.id,
        JobState("finished", training_pb2.JOB_STATUS_SUCCEEDED, percent=100.0),
    )
    async with GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as ws:
        # Jobs that end while watched: their streams end, their slots come back.
        ops = [(await open_job(ws, job_id))[0] for job_id in ids]
        for sequence, job_id in enumerate(ids, start=1):
            await publish(js, owner.user.id, job_id, sequence, "succeeded", 100.0)
        for op in ops:
            assert [r["data"]["jobUpdates"]["status"] for r in await ws.results(op)] == [
                "SUCCEEDED"
            ]
        # A finished job gives its state and ends; a refused subscription ends at once.
        for _ in range(PER_USER * 2):
            op, result = await open_job(ws, "finished")
            assert status(result) == "SUCCEEDED"
            assert await ws.next(op) is None
    async with GraphQLWs.connect(url, bearer(stranger.tokens), protocol=protocol) as ws:
        for _ in range(PER_USER * 2):
            _, result = await open_job(ws, ids[0])
            assert refusal(result)[0] == "NOT_FOUND"


async def test_no_subscription_is_served_over_plain_http(setup):
    url, jobs, _, auth = setup
    owner = await auth.register()
    job_id = running_jobs(jobs, owner.user.id, 1)[0]
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        response = await client.post(
            "/graphql",
            json={"query": JOB_UPDATES, "variables": {"id": job_id}},
            headers={"Authorization": f"Bearer {owner.tokens.access_token}"},
        )
    # Executed as a query, a subscription's resolver never starts: no slot, no service.
    assert response.json()["data"] is None, response.text
