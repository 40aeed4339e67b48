"""A training job cannot hold a worker for ever.

Epochs have no upper bound and a time budget was optional (and could be 10^9 seconds), so
``trainModel(engine: "ctgan", epochs: 2000000000)`` kept a worker busy for years; four such
jobs (a user's most) took four workers, and everybody else's jobs queued behind them. Now a
job trains within ``TRAINING_MAX_TIME_BUDGET_SECONDS`` (6 h by default; a job given no budget
gets that one), and a larger budget is refused by name. Here the ceiling is 3 s.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.services.training.training_world import opened_world, small_adult_csv
from tests.support import graphql, start_gateway, start_training

pytestmark = pytest.mark.usefixtures("training_worker")

TRAIN = """
mutation($input: TrainModelInput!) {
  trainModel(input: $input) { model { id params { epochs timeBudgetSeconds } } job { id } }
}"""
JOB = """query($id: ID!) {
  job(id: $id) { status error progress { epoch totalEpochs message } }
}"""
CEILING = 3


@pytest.fixture
async def capped(training_config, datasets_server, auth_server, service_token):
    """A training API whose ceiling is CEILING seconds, a gateway on it, and a user with a
    small table: (client, token, dataset id)."""
    api = await start_training(**(training_config | {"max_time_budget_seconds": CEILING}))
    try:
        async with (
            opened_world(api, datasets_server, auth_server, service_token) as world,
            start_gateway(auth_server, api, datasets_server, service_token=service_token) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as client,
        ):
            user = await world.user()
            dataset_id = await world.dataset(user, small_adult_csv(300))
            yield client, user.token, dataset_id
    finally:
        await api.stop(0)


async def test_a_job_of_two_billion_epochs_stops_at_the_ceiling(capped):
    client, token, dataset_id = capped
    trained = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": "ctgan", "epochs": 2_000_000_000}},
        token=token,
    )
    assert "errors" not in trained, trained
    assert trained["data"]["trainModel"]["model"]["params"]["timeBudgetSeconds"] == CEILING
    job_id = trained["data"]["trainModel"]["job"]["id"]

    for _ in range(600):  # at most 3 minutes: the worker is shared by the session
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        await asyncio.sleep(0.3)
    else:
        await graphql(
            client,
            "mutation($id: ID!) { cancelJob(id: $id) { status } }",
            {"id": job_id},
            token=token,
        )
        raise AssertionError(f"still {job['status']} at epoch {job['progress']['epoch']}")
    assert job["status"] == "SUCCEEDED", job
    assert 1 <= job["progress"]["epoch"] < 2_000_000_000


async def test_a_budget_over_the_ceiling_is_refused_by_name(capped):
    client, token, dataset_id = capped
    for budget in (CEILING + 1, 1_000_000_000):
        refused = await graphql(
            client,
            TRAIN,
            {"input": {"datasetId": dataset_id, "engine": "tvae", "timeBudgetSeconds": budget}},
            token=token,
        )
        error = refused["errors"][0]["extensions"]
        assert error["code"] == "BAD_USER_INPUT", refused
        assert error["fields"][0]["field"] == "params.time_budget_seconds"
        assert f"at most {CEILING} seconds" in refused["errors"][0]["message"]
