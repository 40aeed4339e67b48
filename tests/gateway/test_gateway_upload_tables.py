"""The streaming upload endpoint adds a table to a dataset (what the dashboard's "Add table"
uses, with its progress bar): the new table is read like the first, its link to the first is
detected, and a viewer cannot add one."""

from __future__ import annotations

from tests.gateway.test_gateway_dataset_tables import FIXTURES, TABLES, flights_with_a_viewer
from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.support import graphql


async def test_a_streamed_file_becomes_a_new_table_of_the_dataset(client):
    owner, viewer = await new_user(client), await new_user(client)
    dataset_id = await flights_with_a_viewer(client, owner, viewer)

    def add(token: str):
        return client.post(
            f"/upload/datasets?datasetId={dataset_id}&tableName=airlines&fileName=airlines.csv",
            content=(FIXTURES / "airlines.csv").read_bytes(),
            headers={"Authorization": f"Bearer {token}"},
        )

    refused = await add(viewer["token"])
    assert refused.status_code == 403, refused.text
    added = await add(owner["token"])
    assert added.status_code == 201, added.text
    assert added.json()["id"] == dataset_id

    got = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    tables = {t["name"]: t for t in got["dataset"]["tables"]}
    assert list(tables) == ["flights", "airlines"]
    assert tables["airlines"]["status"] == "READY" and tables["airlines"]["rowCount"] == 14
    links = got["dataset"]["foreignKeys"]
    assert {
        "parentTable": "airlines",
        "parentColumn": "carrier",
        "childTable": "flights",
        "childColumn": "carrier",
    } in links


async def test_a_child_added_to_its_parent_is_linked_to_it(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    airlines = (FIXTURES / "airlines.csv").read_bytes()
    uploaded = await upload(client, owner["token"], project_id, airlines, "airlines.csv")
    dataset_id = uploaded["data"]["uploadDataset"]["id"]
    added = await client.post(
        f"/upload/datasets?datasetId={dataset_id}&fileName=flights.csv",
        content=(FIXTURES / "flights.csv").read_bytes(),
        headers={"Authorization": f"Bearer {owner['token']}"},
    )
    assert added.status_code == 201, added.text
    got = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    assert [t["name"] for t in got["dataset"]["tables"]] == ["airlines", "flights"]
    assert got["dataset"]["foreignKeys"] == [
        {
            "parentTable": "airlines",
            "parentColumn": "carrier",
            "childTable": "flights",
            "childColumn": "carrier",
        }
    ]
