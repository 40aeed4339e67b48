"""Column names a user may well have, through the GraphQL gateway over real HTTP: a table
whose column is called ``n`` trains, generates and keeps what that column determines (the
dependency finder counted rows in a column it also called ``n``, and every engine's job
failed with 'ValueError: cannot insert n, already exists')."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from tests.support import graphql

pytestmark = pytest.mark.usefixtures("training_worker")

CITIES = {1: "Lyon", 2: "Paris", 3: "Nice", 4: "Lille", 5: "Brest", 6: "Metz"}
JOB = "query($id: ID!) { job(id: $id) { status error } }"
TRAIN = """
mutation($input: TrainModelInput!) { trainModel(input: $input) { model { id } job { id } } }"""


def _table(rows: int) -> bytes:
    lines = ["n,city,amount"]
    lines += [f"{i % 6 + 1},{CITIES[i % 6 + 1]},{(i * 37) % 500 / 10}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def _finished(client, token: str, job_id: str) -> dict:
    for _ in range(600):
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] in {"SUCCEEDED", "FAILED", "CANCELLED"}:
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


async def test_a_column_named_n_trains_and_keeps_what_it_determines(client, world):
    user = await world.user()
    dataset_id = await world.dataset(user, _table(300))

    trained = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": dataset_id, "engine": "gaussian_copula", "seed": 1}},
        token=user.token,
    )
    job = await _finished(client, user.token, trained["data"]["trainModel"]["job"]["id"])
    assert (job["status"], job["error"]) == ("SUCCEEDED", "")

    generated = await graphql(
        client,
        "mutation($input: GenerateInput!) { generate(input: $input) { batch { id } job { id } } }",
        {"input": {"modelId": trained["data"]["trainModel"]["model"]["id"], "count": 200}},
        token=user.token,
    )
    job = await _finished(client, user.token, generated["data"]["generate"]["job"]["id"])
    assert (job["status"], job["error"]) == ("SUCCEEDED", "")
    link = await graphql(
        client,
        "mutation($id: ID!) { createBatchDownloadUrl(batchId: $id, format: CSV) { url } }",
        {"id": generated["data"]["generate"]["batch"]["id"]},
        token=user.token,
    )
    downloaded = await client.get(link["data"]["createBatchDownloadUrl"]["url"])
    assert downloaded.status_code == 200
    rows = list(csv.DictReader(io.StringIO(downloaded.text)))
    assert len(rows) == 200
    # Every synthetic row keeps its store's city, as every real row does.
    assert {(int(r["n"]), r["city"]) for r in rows} <= set(CITIES.items())
