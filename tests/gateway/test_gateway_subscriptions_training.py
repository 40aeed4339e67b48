"""jobUpdates end to end against the real training service and a real worker: a user watches
their own training job from its current state to SUCCEEDED, with every change in between and
nothing stale; a stranger may not watch it."""

from __future__ import annotations

import pytest

from tests.gateway.subscriptions_client import GraphQLWs
from tests.services.training.training_world import opened_world, small_adult_csv
from tests.support import start_gateway, stream_events

pytestmark = pytest.mark.usefixtures("training_worker")

JOB_UPDATES = """
subscription($id: ID!) {
  jobUpdates(jobId: $id) { jobId status percent message modelId }
}"""


@pytest.fixture(scope="module")
async def world(training_api, datasets_server, auth_server, nats_url, service_token):
    async with (
        start_gateway(
            auth_server,
            training_api,
            datasets_server,
            service_token=service_token,
            nats_url=nats_url,
        ) as url,
        opened_world(training_api, datasets_server, auth_server, service_token) as training,
    ):
        yield url, training


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_owner_watches_a_real_training_job_to_the_end(world, nats_url):
    url, training = world
    owner = await training.user()
    dataset_id = await training.dataset(owner, small_adult_csv(120, ["age", "income"]))
    started = await training.train(owner, dataset_id, "gaussian_copula", seed=1)
    async with GraphQLWs.connect(url, bearer(owner.token)) as ws:
        op = await ws.subscribe(JOB_UPDATES, {"id": started.job.id})
        # The stream completes by itself once the job has succeeded.
        results = await ws.results(op, timeout=120)
    updates = [r["data"]["jobUpdates"] for r in results]
    assert all(u["jobId"] == started.job.id for u in updates)
    # The engine runs in a child process that takes seconds to start: the subscription is
    # there before the job ends, so the current state comes first and then the changes.
    assert updates[0]["status"] in {"QUEUED", "RUNNING"}
    assert [u["status"] for u in updates[1:-1]] == ["RUNNING"] * (len(updates) - 2)
    assert updates[-1]["status"] == "SUCCEEDED"
    assert updates[-1]["percent"] == 100
    assert updates[-1]["modelId"] == started.model.id
    assert len(updates) >= 3  # at least one progress update between the two

    # No gap and nothing stale: after the current state come exactly the job's later events,
    # in order, as the training service published them.
    published = [
        e.job_updated
        for e in await stream_events(nats_url, "synthetica.events.job.updated")
        if e.job_updated.job_id == started.job.id
    ]
    history = [(u.status.upper(), u.percent) for u in sorted(published, key=lambda u: u.sequence)]
    seen = [(u["status"], u["percent"]) for u in updates]
    assert history[-len(seen) :] == seen


async def test_a_stranger_cannot_watch_someone_elses_job(world):
    url, training = world
    owner, stranger = await training.user(), await training.user()
    dataset_id = await training.dataset(owner, small_adult_csv(120, ["age", "income"]))
    started = await training.train(owner, dataset_id, "gaussian_copula", seed=2)
    async with GraphQLWs.connect(url, bearer(stranger.token)) as ws:
        results = await ws.results(await ws.subscribe(JOB_UPDATES, {"id": started.job.id}))
    assert len(results) == 1
    assert results[0]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert results[0].get("data") is None
    await training.wait_job(owner, started.job.id)
