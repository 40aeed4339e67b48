"""A sequential table learned and generated through the GraphQL gateway and the real stack:
Melbourne's daily minimum temperatures (../shared/datasets) as one sequence per month, its
sequence set with updateDatasetRelationships, `par` and `tabular_argn` trained with
trainModel, a batch generated and downloaded as CSV: whole sequences, in order, of
realistic lengths, one day apart, within the real dates and temperatures."""

from __future__ import annotations

import asyncio

import pandas as pd
import pytest

from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.relational_corpus import temperatures_by_month
from tests.services.training.training_world import frame
from tests.support import graphql

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("training_worker")]

SEQUENCE = """mutation($id: ID!, $tables: [TableKeysInput!]) {
  updateDatasetRelationships(datasetId: $id, tables: $tables) {
    tables { name sequence { entityKey orderColumn } }
  }
}"""
TRAIN = """mutation($input: TrainModelInput!) {
  trainModel(input: $input) { model { id } job { id } }
}"""
GENERATE = """mutation($input: GenerateInput!) {
  generate(input: $input) { batch { id } job { id } }
}"""
JOB = "query($id: ID!) { job(id: $id) { status error } }"
BATCH = "query($id: ID!) { batch(id: $id) { tables rowCount } }"
ENTITIES = 24
# As few epochs as still learn the shape (tests/services/training/test_engines_relational.py).
ENGINES = {
    "par": {"epochs": 4},
    "tabular_argn": {"epochs": 3, "options": {"model_size": "small"}},
}


async def _finished(client, token: str, job_id: str) -> None:
    for _ in range(1200):
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] not in ("QUEUED", "RUNNING"):
            assert job["status"] == "SUCCEEDED", job["error"]
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return temperatures_by_month()[0]["temperatures"]


@pytest.fixture
async def sequential_dataset(client, real) -> tuple[str, str]:
    """A user's dataset of the monthly sequences, its sequence set: (token, dataset id)."""
    user = await new_user(client)
    project_id = await create_project(client, user)
    data = real.assign(date=real["date"].dt.strftime("%Y-%m-%d")).to_csv(index=False).encode()
    uploaded = await upload(client, user["token"], project_id, data, "temperatures.csv")
    dataset_id = uploaded["data"]["uploadDataset"]["id"]
    tables = [{"table": "temperatures", "sequence": {"entityKey": "month", "orderColumn": "date"}}]
    variables = {"id": dataset_id, "tables": tables}
    result = await graphql(client, SEQUENCE, variables, token=user["token"])
    (table,) = result["data"]["updateDatasetRelationships"]["tables"]
    assert table["sequence"] == {"entityKey": "month", "orderColumn": "date"}
    return user["token"], dataset_id


@pytest.mark.parametrize("engine", ["par", "tabular_argn"])
async def test_a_sequential_batch_is_whole_ordered_sequences_of_real_lengths_and_gaps(
    client, sequential_dataset, real, engine
):
    token, dataset_id = sequential_dataset
    params = {"datasetId": dataset_id, "engine": engine, "seed": 2, **ENGINES[engine]}
    trained = (await graphql(client, TRAIN, {"input": params}, token=token))["data"]["trainModel"]
    await _finished(client, token, trained["job"]["id"])
    request = {"modelId": trained["model"]["id"], "count": ENTITIES, "seed": 5}
    generated = (await graphql(client, GENERATE, {"input": request}, token=token))["data"]
    await _finished(client, token, generated["generate"]["job"]["id"])
    batch_id = generated["generate"]["batch"]["id"]
    batch = (await graphql(client, BATCH, {"id": batch_id}, token=token))["data"]["batch"]
    assert batch["tables"] == ["temperatures"]

    response = await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    made = frame(response.content)
    assert len(made) == batch["rowCount"]
    dates = pd.to_datetime(made["date"])
    months = made["month"]
    # N entities, each one block of rows, each a new key of the real key's shape.
    assert months.nunique() == ENTITIES
    assert (months != months.shift()).sum() == ENTITIES
    assert months.astype(str).str.fullmatch(r"\d{4}-\d{2}").all()
    per_entity = dates.groupby(months, sort=False)
    assert per_entity.apply(lambda d: d.is_monotonic_increasing).all()
    lengths = per_entity.size()
    assert lengths.between(20, 40).mean() >= 0.8, lengths.tolist()
    gaps = per_entity.apply(lambda d: d.diff().dt.days.median())
    assert (gaps == 1).mean() >= 0.8, gaps.tolist()
    assert dates.between(real["date"].min(), real["date"].max()).all()
    assert made["temp"].between(real["temp"].min(), real["temp"].max()).all()
