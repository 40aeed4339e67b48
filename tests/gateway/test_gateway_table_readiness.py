"""A table added to a dataset becomes READY only once it is linked to the others and every
table is split again: until then it stays INGESTING and trainModel refuses the dataset,
naming the table; a FAILED table is refused the same way (before, the job started and failed
while reading it, or learned the tables unlinked)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.datasets import relater
from tests.gateway.test_gateway_dataset_tables import FIXTURES, TABLES
from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.gateway.test_gateway_training import TRAIN
from tests.support import error_code, graphql

CARRIER_LINK = {
    "parentTable": "airlines",
    "parentColumn": "carrier",
    "childTable": "flights",
    "childColumn": "carrier",
}


class Gate:
    """Stands in for relating: each call waits until the test releases it."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any) -> Any:
        self.entered.set()
        self.release.wait(120)
        return self.real(*args)


async def flights(client: httpx.AsyncClient, owner: dict) -> str:
    project_id = await create_project(client, owner)
    data = (FIXTURES / "flights.csv").read_bytes()
    uploaded = await upload(client, owner["token"], project_id, data, "flights.csv")
    return uploaded["data"]["uploadDataset"]["id"]


async def post_table(client: httpx.AsyncClient, token: str, dataset_id: str, name: str, data):
    return await client.post(
        f"/upload/datasets?datasetId={dataset_id}&tableName={name}&fileName={name}.csv"
        "&waitSeconds=0",
        content=data,
        headers={"Authorization": f"Bearer {token}"},
    )


async def tables_of(client: httpx.AsyncClient, token: str, dataset_id: str) -> dict:
    return (await graphql(client, TABLES, {"id": dataset_id}, token=token))["data"]["dataset"]


async def train(client: httpx.AsyncClient, token: str, dataset_id: str) -> dict:
    variables = {"input": {"datasetId": dataset_id, "engine": "hma"}}
    return await graphql(client, TRAIN, variables, token=token)


async def test_a_table_is_neither_ready_nor_trainable_until_it_is_linked(client, monkeypatch):
    owner = await new_user(client)
    dataset_id = await flights(client, owner)
    gate = Gate(relater.relate_stored)
    monkeypatch.setattr(relater, "relate_stored", gate)
    try:
        posted = await post_table(
            client, owner["token"], dataset_id, "airlines", (FIXTURES / "airlines.csv").read_bytes()
        )
        assert posted.status_code in (201, 202), posted.text
        assert await asyncio.to_thread(gate.entered.wait, 120)

        # Ingested, being related: not READY, not linked, and not trainable.
        relating = await tables_of(client, owner["token"], dataset_id)
        statuses = {t["name"]: t["status"] for t in relating["tables"]}
        assert statuses == {"flights": "READY", "airlines": "INGESTING"}
        assert relating["foreignKeys"] == []
        refused = await train(client, owner["token"], dataset_id)
        assert error_code(refused) == "FAILED_PRECONDITION", refused
        assert refused["errors"][0]["extensions"]["reason"] == "TABLE_NOT_READY"
        assert "'airlines'" in refused["errors"][0]["message"]
    finally:
        gate.release.set()

    ready = await until_settled(client, owner["token"], dataset_id, "airlines")
    # The first time anyone sees it READY, it is linked.
    assert ready["foreignKeys"] == [CARRIER_LINK]
    assert [t["status"] for t in ready["tables"]] == ["READY", "READY"]


async def until_settled(client: httpx.AsyncClient, token: str, dataset_id: str, name: str):
    for _ in range(600):
        got = await tables_of(client, token, dataset_id)
        status = next(t["status"] for t in got["tables"] if t["name"] == name)
        if status != "INGESTING":
            return got
        await asyncio.sleep(0.1)
    pytest.fail(f"{name} still INGESTING")


async def test_a_dataset_with_a_failed_table_is_refused_naming_it(client):
    owner = await new_user(client)
    dataset_id = await flights(client, owner)
    posted = await post_table(client, owner["token"], dataset_id, "carriers", b"a,b\n1,2\n3\n4,5\n")
    assert posted.status_code in (201, 202, 400), posted.text
    got = await until_settled(client, owner["token"], dataset_id, "carriers")
    assert [t["status"] for t in got["tables"]] == ["READY", "FAILED"]

    refused = await train(client, owner["token"], dataset_id)

    assert error_code(refused) == "FAILED_PRECONDITION", refused
    assert refused["errors"][0]["extensions"]["reason"] == "TABLE_NOT_READY"
    assert "'carriers'" in refused["errors"][0]["message"]
    assert "failed to ingest" in refused["errors"][0]["message"]
