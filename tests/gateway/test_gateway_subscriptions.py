"""jobUpdates over websockets: authenticated in connection_init, starts from the job's
current state with no gap, drops stale updates, ends at a terminal status, and nobody
subscribes to another user's job. Updates are real job.updated events on real NATS; the job's
first state comes from a stand-in for the training service's GetJob (the real one answers in
test_gateway_subscriptions_training.py)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

import jwt
import nats
import pytest

from common.events import new_event
from gateway.errors import ApiError
from gateway.subscriptions import JobState
from synthetica.auth.v1 import auth_pb2
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2
from tests.gateway.subscriptions_client import GraphQLWs, Rejected
from tests.support import AuthCaller, publish_event, start_gateway

JOB_UPDATES = """
subscription($id: ID!) {
  jobUpdates(jobId: $id) { jobId status percent epoch totalEpochs loss etaSeconds message }
}"""


class StandInJobs:
    """Answers like training's GetJob: the job's state for its owner, NOT_FOUND for others.
    ``during_read`` runs while the state is being read, to publish updates in that window."""

    def __init__(self) -> None:
        self.jobs: dict[str, tuple[str, JobState]] = {}
        self.during_read: Callable[[], Awaitable[None]] | None = None
        self.forwarded: list[dict[str, str]] = []

    async def current(self, job_id: str, metadata) -> JobState:
        credentials = dict(metadata)
        self.forwarded.append(credentials)
        caller = ""
        if "authorization" in credentials:
            # The gateway verified the token when the websocket connected.
            token = credentials["authorization"].split()[1]
            caller = jwt.decode(token, options={"verify_signature": False})["sub"]
        owner, state = self.jobs.get(job_id, ("", None))
        if state is None or owner != caller:
            raise ApiError(f"job {job_id} not found", code="NOT_FOUND")
        if self.during_read is not None:
            await self.during_read()
        return state


@asynccontextmanager
async def live_gateway(auth_server, nats_url, service_token, **settings):
    """A gateway whose jobs' first states come from a stand-in (``settings``: the gateway's
    own), with its URL, the stand-in, JetStream to publish events on and an auth caller."""
    jobs = StandInJobs()
    async with start_gateway(
        auth_server, service_token=service_token, nats_url=nats_url, job_source=jobs, **settings
    ) as url:
        nc = await nats.connect(nats_url)
        auth = AuthCaller(auth_server.address, service_token)
        try:
            yield url, jobs, nc.jetstream(), auth
        finally:
            await auth.close()
            await nc.close()


@pytest.fixture(scope="module")
async def setup(auth_server, nats_url, service_token):
    async with live_gateway(auth_server, nats_url, service_token) as world:
        yield world


async def publish(js, user_id: str, job_id: str, sequence: int, status: str, percent: float):
    update = events_pb2.JobUpdated(
        job_id=job_id,
        job_kind=training_pb2.JOB_KIND_TRAIN,
        job_status=training_pb2.JobStatus.Value("JOB_STATUS_" + status.upper()),
        progress=training_pb2.JobProgress(
            percent=percent,
            epoch=int(percent // 10),
            total_epochs=10,
            loss=1.0 / (1 + percent),
            eta_seconds=100 - percent,
            message=f"{status} {percent}",
        ),
        sequence=sequence,
    )
    await publish_event(js, new_event(update, user_id=user_id))


def bearer(tokens: auth_pb2.TokenPair) -> dict:
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_updates_start_from_the_current_state_without_gap_or_stale_ones(setup, protocol):
    url, jobs, js, auth = setup
    owner = await auth.register()
    job_id = "job-" + uuid.uuid4().hex[:8]
    jobs.jobs[job_id] = (
        owner.user.id,
        JobState(job_id, training_pb2.JOB_STATUS_RUNNING, percent=50.0, epoch=5, sequence=5),
    )

    async def updates_while_reading() -> None:
        # One update older than what the read returns (it was in flight), one newer.
        await publish(js, owner.user.id, job_id, 4, "running", 40.0)
        await publish(js, owner.user.id, job_id, 6, "running", 60.0)

    jobs.during_read = updates_while_reading
    async with GraphQLWs.connect(url, bearer(owner.tokens), protocol=protocol) as ws:
        op = await ws.subscribe(JOB_UPDATES, {"id": job_id})
        first = await ws.next(op)
        second = await ws.next(op)
        await publish(js, owner.user.id, job_id, 5, "running", 55.0)  # stale: 6 was seen
        await publish(js, owner.user.id, job_id, 7, "succeeded", 100.0)
        rest = await ws.results(op)
    jobs.during_read = None
    seen = [
        (r["data"]["jobUpdates"]["status"], r["data"]["jobUpdates"]["percent"])
        for r in [first, second, *rest]
    ]
    assert seen == [("RUNNING", 50.0), ("RUNNING", 60.0), ("SUCCEEDED", 100.0)]
    last = rest[-1]["data"]["jobUpdates"]
    assert last["epoch"] == 10 and last["totalEpochs"] == 10
    assert last["etaSeconds"] == 0.0
    assert last["message"] == "succeeded 100.0"
    assert second["data"]["jobUpdates"]["loss"] == pytest.approx(1 / 61)


async def test_a_retried_job_going_back_to_queued_is_shown(setup):
    url, jobs, js, auth = setup
    owner = await auth.register()
    job_id = "job-" + uuid.uuid4().hex[:8]
    jobs.jobs[job_id] = (
        owner.user.id,
        JobState(job_id, training_pb2.JOB_STATUS_RUNNING, percent=70.0, sequence=3),
    )
    async with GraphQLWs.connect(url, bearer(owner.tokens)) as ws:
        op = await ws.subscribe(JOB_UPDATES, {"id": job_id})
        first = await ws.next(op)
        # The worker was lost: the job is queued again at 0 %, then runs again. Less progress,
        # but newer: the sequence says so.
        await publish(js, owner.user.id, job_id, 4, "queued", 0.0)
        await publish(js, owner.user.id, job_id, 5, "running", 20.0)
        await publish(js, owner.user.id, job_id, 6, "succeeded", 100.0)
        rest = await ws.results(op)
    seen = [
        (r["data"]["jobUpdates"]["status"], r["data"]["jobUpdates"]["percent"])
        for r in [first, *rest]
    ]
    assert seen == [("RUNNING", 70.0), ("QUEUED", 0.0), ("RUNNING", 20.0), ("SUCCEEDED", 100.0)]


async def test_a_finished_job_gives_its_state_and_ends(setup):
    url, jobs, _, auth = setup
    owner = await auth.register()
    jobs.jobs["done"] = (
        owner.user.id,
        JobState("done", training_pb2.JOB_STATUS_FAILED, percent=30.0, message="oom"),
    )
    async with GraphQLWs.connect(url, bearer(owner.tokens)) as ws:
        results = await ws.results(await ws.subscribe(JOB_UPDATES, {"id": "done"}))
    assert [r["data"]["jobUpdates"]["status"] for r in results] == ["FAILED"]


async def test_nobody_subscribes_to_another_users_job(setup):
    url, jobs, js, auth = setup
    owner, intruder = await auth.register(), await auth.register()
    job_id = "job-" + uuid.uuid4().hex[:8]
    jobs.jobs[job_id] = (owner.user.id, JobState(job_id, training_pb2.JOB_STATUS_QUEUED))
    async with GraphQLWs.connect(url, bearer(intruder.tokens)) as ws:
        op = await ws.subscribe(JOB_UPDATES, {"id": job_id})
        result = await ws.next(op)
        await publish(js, owner.user.id, job_id, 1, "running", 10.0)
        assert await ws.next(op) is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert result.get("data") is None


async def test_an_api_key_in_connection_init_is_accepted(setup):
    url, jobs, _, auth = setup
    owner = await auth.register()
    jobs.forwarded.clear()
    key = await auth.stub.CreateApiKey(
        auth_pb2.CreateApiKeyRequest(name="ws"), metadata=auth.bearer(owner.tokens.access_token)
    )
    async with GraphQLWs.connect(url, {"X-API-Key": key.secret}) as ws:
        op = await ws.subscribe(JOB_UPDATES, {"id": "nope"})
        result = await ws.next(op)
    # Accepted: the job source was asked with the caller's key (and refused an unknown job).
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert [c.get("x-api-key") for c in jobs.forwarded] == [key.secret]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "syn_forged"},
    ],
)
async def test_connections_without_valid_credentials_are_refused(setup, payload):
    url = setup[0]
    with pytest.raises(Rejected) as info:
        async with GraphQLWs.connect(url, payload):
            pass
    assert info.value.code == 4403
