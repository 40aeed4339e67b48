"""Training through the GraphQL gateway over real HTTP: engines, trainModel with progress,
cancelJob, generate, previewRows, downloads in four formats (authenticated or a signed
link), typed errors for bad input."""

from __future__ import annotations

import asyncio
import io
import json

import pyarrow.parquet as pq
import pytest

from tests.services.training.training_world import (
    frame,
    opened_world,
    small_adult_csv,
)
from tests.support import error_code, graphql

pytestmark = pytest.mark.usefixtures("training_worker")

TRAIN = """
mutation($input: TrainModelInput!) {
  trainModel(input: $input) { model { id status engine params { seed epochs } } job { id status } }
}"""
JOB = """
query($id: ID!) {
  job(id: $id) {
    id kind status attempts error modelId batchId
    progress { percent epoch totalEpochs loss etaSeconds message }
  }
}"""
GENERATE = """
mutation($input: GenerateInput!) {
  generate(input: $input) { batch { id status } job { id status } }
}"""


@pytest.fixture
async def account(training_api, datasets_server, auth_server, service_token):
    """A new user with a small adult table uploaded: (token, dataset id)."""
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        user = await world.user()
        dataset_id = await world.dataset(user, small_adult_csv(300))
        yield user.token, dataset_id


async def _wait(client, token: str, job_id: str, statuses: set[str]) -> dict:
    for _ in range(600):
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} stayed {job['status']}")


async def test_engines_list_parameters_and_defaults(client, account):
    token, _ = account
    result = await graphql(
        client,
        "{ engines { name library license capabilities maxTables maxDepth"
        " parameters { name type default min } } }",
        token=token,
    )
    engines = {e["name"]: e for e in result["data"]["engines"]}
    assert set(engines) == {
        "gaussian_copula", "ctgan", "tvae", "copulagan", "tabular_argn", "hma", "par"
    }  # fmt: skip
    assert engines["par"]["capabilities"] == ["SEQUENTIAL"]
    assert engines["tvae"]["capabilities"] == ["SINGLE_TABLE"]
    # What the train form needs to offer hma for a parent and its children only.
    assert (engines["hma"]["maxTables"], engines["hma"]["maxDepth"]) == (5, 2)
    argn = engines["tabular_argn"]
    assert (argn["maxTables"], argn["maxDepth"]) == (None, None)
    params = {p["name"]: p for p in engines["tvae"]["parameters"]}
    assert params["epochs"]["default"] == 300
    assert params["options.embedding_dim"]["default"] == 128
    # Each engine lists only what it takes (the train form offers just these).
    common = {
        name: [p["name"] for p in e["parameters"] if not p["name"].startswith("options.")]
        for name, e in engines.items()
    }
    assert common == {
        "gaussian_copula": ["time_budget_seconds"],
        "hma": ["time_budget_seconds"],
        "par": ["epochs", "time_budget_seconds"],
        **{
            name: ["epochs", "batch_size", "time_budget_seconds"]
            for name in ("ctgan", "tvae", "copulagan", "tabular_argn")
        },
    }


async def test_a_parameter_the_engine_does_not_take_is_refused_by_name(client, account):
    token, dataset_id = account
    for given, field, message in (
        ({"batchSize": 100}, "params.batch_size", "gaussian_copula is not trained in batches"),
        ({"epochs": 5}, "params.epochs", "gaussian_copula is not trained in epochs"),
        ({"options": {"pac": 4}}, "options.pac", "unknown option"),
    ):
        result = await graphql(
            client,
            TRAIN,
            {"input": {"datasetId": dataset_id, "engine": "gaussian_copula", **given}},
            token=token,
        )
        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert message in error["message"], error
        assert field in str(error["extensions"]), error


async def test_train_watch_generate_preview_and_download_every_format(client, account):
    token, dataset_id = account
    trained = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": "gaussian_copula", "seed": 4}},
        token=token,
    )
    assert "errors" not in trained, trained
    job_id = trained["data"]["trainModel"]["job"]["id"]
    model_id = trained["data"]["trainModel"]["model"]["id"]
    assert trained["data"]["trainModel"]["model"]["params"]["seed"] == 4
    job = await _wait(client, token, job_id, {"SUCCEEDED", "FAILED"})
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["progress"]["percent"] == 100

    model = await graphql(
        client,
        "query($id: ID!) { model(id: $id) { status metrics } }",
        {"id": model_id},
        token=token,
    )
    assert model["data"]["model"]["status"] == "READY"
    assert model["data"]["model"]["metrics"]["rows"] > 200

    generated = await graphql(
        client,
        GENERATE,
        {"input": {"modelId": model_id, "count": 1000, "seed": 1, "enforceBounds": True}},
        token=token,
    )
    assert "errors" not in generated, generated
    batch_id = generated["data"]["generate"]["batch"]["id"]
    job = await _wait(
        client, token, generated["data"]["generate"]["job"]["id"], {"SUCCEEDED", "FAILED"}
    )
    assert job["status"] == "SUCCEEDED", job["error"]

    batch = await graphql(
        client,
        "query($id: ID!) { batch(id: $id) { status rowCount createdAt previewRows(n: 3) } }",
        {"id": batch_id},
        token=token,
    )
    assert batch["data"]["batch"]["rowCount"] == 1000
    assert len(batch["data"]["batch"]["previewRows"]) == 3
    assert "income" in batch["data"]["batch"]["previewRows"][0]

    headers = {"Authorization": f"Bearer {token}"}
    downloads = {}
    for fmt in ("csv", "jsonl", "parquet", "sql"):
        response = await client.get(
            f"/downloads/batches/{batch_id}", params={"format": fmt}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert f"batch-{batch_id}.{fmt}" in response.headers["content-disposition"]
        downloads[fmt] = response.content
    assert len(frame(downloads["csv"])) == 1000
    assert len(downloads["jsonl"].decode().splitlines()) == 1000
    assert json.loads(downloads["jsonl"].decode().splitlines()[0]).keys() == set(
        frame(downloads["csv"]).columns
    )
    assert pq.read_table(io.BytesIO(downloads["parquet"])).num_rows == 1000
    assert downloads["sql"].count(b"INSERT INTO") >= 1

    link = await graphql(
        client,
        "mutation($id: ID!) { createBatchDownloadUrl(batchId: $id) { url expiresAt } }",
        {"id": batch_id},
        token=token,
    )
    url = link["data"]["createBatchDownloadUrl"]["url"]
    # No public base URL configured here: the link is a path on the gateway the client
    # called, whatever Host header a request carries.
    poisoned = await graphql(
        client,
        "mutation($id: ID!) { createBatchDownloadUrl(batchId: $id) { url } }",
        {"id": batch_id},
        token=token,
        headers={"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"},
    )
    assert url.startswith(f"/downloads/batches/{batch_id}?")
    assert "attacker" not in poisoned["data"]["createBatchDownloadUrl"]["url"]
    anonymous = await client.get(url)
    assert anonymous.status_code == 200
    assert anonymous.content == downloads["csv"]
    forged = await client.get(url.replace("token=", "token=x"))
    assert forged.status_code == 401
    nobody = await client.get(f"/downloads/batches/{batch_id}", params={"format": "csv"})
    assert nobody.status_code == 401


async def test_a_running_job_can_be_cancelled(client, account):
    token, dataset_id = account
    trained = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": "ctgan", "epochs": 5000, "batchSize": 20}},
        token=token,
    )
    assert "errors" not in trained, trained
    job_id = trained["data"]["trainModel"]["job"]["id"]
    running = await _wait(client, token, job_id, {"RUNNING"})
    while running["progress"]["epoch"] < 1:
        await asyncio.sleep(0.3)
        running = await _wait(client, token, job_id, {"RUNNING"})
    assert running["progress"]["totalEpochs"] == 5000
    assert running["progress"]["loss"] is not None

    cancelled = await graphql(
        client, "mutation($id: ID!) { cancelJob(id: $id) { status } }", {"id": job_id}, token=token
    )
    assert cancelled["data"]["cancelJob"]["status"] == "CANCELLED"
    jobs = await graphql(
        client, "{ jobs(status: CANCELLED, kind: TRAIN) { nodes { id } } }", token=token
    )
    assert [n["id"] for n in jobs["data"]["jobs"]["nodes"]] == [job_id]


async def test_bad_input_gets_typed_errors(client, account):
    token, dataset_id = account
    unknown = await graphql(
        client, TRAIN, {"input": {"datasetId": dataset_id, "engine": "magic"}}, token=token
    )
    assert error_code(unknown) == "BAD_USER_INPUT"
    assert unknown["errors"][0]["extensions"]["fields"][0]["field"] == "engine"
    epochs = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": "tvae", "epochs": 0}},
        token=token,
    )
    assert epochs["errors"][0]["extensions"]["fields"][0]["field"] == "params.epochs"
    missing = await graphql(
        client, "query($id: ID!) { model(id: $id) { id } }", {"id": "nope"}, token=token
    )
    assert error_code(missing) == "BAD_USER_INPUT"
    anonymous = await graphql(client, "{ jobs { nodes { id } } }")
    assert error_code(anonymous) == "UNAUTHENTICATED"
    jobs = await graphql(client, "{ jobs { nodes { id } } }", token=token)
    assert jobs["data"]["jobs"]["nodes"] == []


def _training_calls(method: str) -> float:
    """The gRPC calls the training service really received (its Prometheus counters)."""
    from prometheus_client import REGISTRY

    return sum(
        REGISTRY.get_sample_value(
            "grpc_server_handled_total",
            {"service": "synthetica.training.v1.TrainingService", "method": method, "code": code},
        )
        or 0.0
        for code in ("OK", "NOT_FOUND", "PERMISSION_DENIED", "INVALID_ARGUMENT")
    )


async def test_the_jobs_list_names_each_jobs_model_and_dataset_in_one_lookup(client, account):
    token, dataset_id = account
    names = ["first try", "second try", "third try"]
    for name in names:
        trained = await graphql(
            client,
            TRAIN,
            {"input": {"datasetId": dataset_id, "engine": "gaussian_copula", "name": name}},
            token=token,
        )
        assert "errors" not in trained, trained
    query = (
        "{ jobs(first: 10) { nodes { id kind status createdAt"
        " model { name engine } dataset { id name } } } }"
    )
    methods = ("ListJobs", "BatchGetModels", "GetModel")
    before = {m: _training_calls(m) for m in methods}
    result = await graphql(client, query, token=token)
    after = {m: _training_calls(m) for m in methods}
    assert "errors" not in result, result
    nodes = result["data"]["jobs"]["nodes"]
    # Newest first, each job telling apart by its model's name, engine and dataset.
    assert [(n["kind"], n["model"]["name"], n["model"]["engine"]) for n in nodes] == [
        ("TRAIN", name, "gaussian_copula") for name in reversed(names)
    ]
    assert {n["dataset"]["id"] for n in nodes} == {dataset_id}
    assert all(n["dataset"]["name"] and n["createdAt"] for n in nodes)
    # Three jobs, one model look-up (the model loaded once for model and dataset both).
    assert {m: after[m] - before[m] for m in methods} == {
        "ListJobs": 1,
        "BatchGetModels": 1,
        "GetModel": 0,
    }
