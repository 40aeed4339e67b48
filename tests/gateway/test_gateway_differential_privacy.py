"""Differential privacy through GraphQL, as a user asks for it: `tabular_argn` trains within
an epsilon budget and the model, its job and its batch's report say what was spent; every
other engine, and bad budgets, get a typed error before any job exists."""

from __future__ import annotations

import asyncio

import pytest

from tests import adult
from tests.gateway.test_gateway_evaluation import ready_report
from tests.support import error_code, gateway_client, graphql

pytestmark = pytest.mark.usefixtures("training_worker")

TRAIN = """
mutation($input: TrainModelInput!) {
  trainModel(input: $input) {
    model { id params { differentialPrivacy { epsilon delta maxGradNorm noiseMultiplier } } }
    job { id }
  }
}"""
MODEL = """
query($id: ID!) {
  model(id: $id) { status privacySpent { epsilon delta } }
}"""
GENERATE = """
mutation($input: GenerateInput!) { generate(input: $input) { batch { id } job { id } } }"""
JOB = "query($id: ID!) { job(id: $id) { status error progress { message } } }"


@pytest.fixture
async def client(auth_server, service_token, evaluation_server, training_api, datasets_server):
    async with gateway_client(
        auth_server, evaluation_server, training_api, service_token=service_token, timeout=120
    ) as c:
        yield c


async def _finished(client, token: str, job_id: str) -> dict:
    for _ in range(900):
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


async def test_a_dp_model_says_what_it_spent_down_to_its_report(client, world):
    user = await world.user()
    dataset_id = await world.dataset(user, adult.small_csv(3000))
    started = await graphql(
        client,
        TRAIN,
        {
            "input": {
                "datasetId": dataset_id,
                "engine": "tabular_argn",
                "timeBudgetSeconds": 15,
                "differentialPrivacy": {"epsilon": 4},
            }
        },
        token=user.token,
    )
    assert "errors" not in started, started
    model = started["data"]["trainModel"]["model"]
    # Stored with the defaults filled in, as every training parameter is.
    assert model["params"]["differentialPrivacy"] == {
        "epsilon": 4.0,
        "delta": 1e-5,
        "maxGradNorm": 1.0,
        "noiseMultiplier": 1.5,
    }
    job = await _finished(client, user.token, started["data"]["trainModel"]["job"]["id"])
    assert job["status"] == "SUCCEEDED", job["error"]
    message = job["progress"]["message"]
    assert "differential privacy: epsilon" in message and "of 4 spent" in message
    trained = (await graphql(client, MODEL, {"id": model["id"]}, token=user.token))["data"]
    spent = trained["model"]["privacySpent"]
    assert 0 < spent["epsilon"] <= 4 and spent["delta"] == 1e-5

    generated = await graphql(
        client, GENERATE, {"input": {"modelId": model["id"], "count": 300}}, token=user.token
    )
    batch = generated["data"]["generate"]
    assert (await _finished(client, user.token, batch["job"]["id"]))["status"] == "SUCCEEDED"
    report = await ready_report(client, user.token, batch["batch"]["id"])
    assert report["status"] == "READY"
    assert report["privacy"]["differential_privacy"] == spent


async def test_a_plain_model_has_no_privacy_spent(client, world):
    user = await world.user()
    dataset_id = await world.dataset(user)
    model_id = await world.trained_model(user, dataset_id)
    trained = (await graphql(client, MODEL, {"id": model_id}, token=user.token))["data"]
    assert trained["model"]["privacySpent"] is None


@pytest.mark.parametrize(
    ("engine", "dp", "field", "says"),
    [
        ("gaussian_copula", {"epsilon": 5}, "params.differential_privacy", "tabular_argn"),
        ("ctgan", {"epsilon": 5}, "params.differential_privacy", "does not train with"),
        ("tabular_argn", {"epsilon": 0}, "params.differential_privacy.epsilon", "above 0"),
        ("tabular_argn", {"epsilon": 1e6}, "params.differential_privacy.epsilon", "at most"),
        ("tabular_argn", {"epsilon": 5, "delta": 0.5}, "params.differential_privacy.delta", ""),
        (
            "tabular_argn",
            {"epsilon": 5, "noiseMultiplier": -1},
            "params.differential_privacy.noise_multiplier",
            "",
        ),
    ],
)
async def test_bad_dp_requests_get_a_typed_error_and_no_job(client, world, engine, dp, field, says):
    user = await world.user()
    dataset_id = await world.dataset(user)
    result = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": engine, "differentialPrivacy": dp}},
        token=user.token,
    )
    assert error_code(result) == "BAD_USER_INPUT", result
    assert result["errors"][0]["extensions"]["fields"][0]["field"] == field, result
    assert says in result["errors"][0]["message"]
    jobs = await graphql(client, "{ jobs { nodes { id } } }", token=user.token)
    assert jobs["data"]["jobs"]["nodes"] == []


async def test_engines_say_which_one_trains_with_dp(client, world):
    user = await world.user()
    result = await graphql(client, "{ engines { name capabilities } }", token=user.token)
    engines = result["data"]["engines"]
    capable = [e["name"] for e in engines if "DIFFERENTIAL_PRIVACY" in e["capabilities"]]
    assert capable == ["tabular_argn"]
