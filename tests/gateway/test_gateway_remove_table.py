"""removeDatasetTable through GraphQL and the real stack: an editor removes a linked table
(its links, files and statistics go, the other tables are split again), an owner removes a
FAILED one; a viewer and another project's user are refused; the first table, a table the
dataset lacks, and hostile names are refused with the table left alone."""

from __future__ import annotations

import httpx

from tests.gateway.test_gateway_dataset_tables import (
    TABLES,
    add_table,
    flights_with_a_viewer,
)
from tests.gateway.test_gateway_datasets import new_user
from tests.gateway.test_gateway_table_readiness import post_table, until_settled
from tests.support import error_code, graphql

REMOVE = """mutation($id: ID!, $name: String!) {
  removeDatasetTable(datasetId: $id, tableName: $name) {
    tables { name status trainRowCount holdoutRowCount }
    foreignKeys { parentTable childTable }
    referentialProblems { orphanCount }
  }
}"""


async def remove(client: httpx.AsyncClient, token: str, dataset_id: str, name: str) -> dict:
    return await graphql(client, REMOVE, {"id": dataset_id, "name": name}, token=token)


def pairs(keys: list[dict]) -> set[tuple[str, str]]:
    return {(k["parentTable"], k["childTable"]) for k in keys}


def table_folders(datasets_server, dataset_id: str) -> set[str]:
    root = datasets_server.storage_dir / "datasets" / dataset_id / "tables"
    return {p.name for p in root.iterdir()} if root.exists() else set()


async def test_editors_and_owners_remove_tables_others_are_refused(client, datasets_server):
    owner, viewer, editor, stranger = [await new_user(client) for _ in range(4)]
    dataset_id = await flights_with_a_viewer(client, owner, viewer)
    await graphql(
        client,
        """mutation($p: ID!, $e: String!) {
             addProjectMember(projectId: $p, email: $e, role: EDITOR) { role } }""",
        {"p": await project_of(client, owner, dataset_id), "e": editor["email"]},
        token=owner["token"],
    )
    for name in ("airlines", "planes"):
        added = await add_table(client, owner["token"], dataset_id, name, name)
        assert "errors" not in added, added
    broken = await post_table(client, owner["token"], dataset_id, "weather", b"a,b\n1,2\n3\n")
    assert broken.status_code in (201, 202, 400), broken.text
    before = await until_settled(client, owner["token"], dataset_id, "weather")
    assert ("airlines", "flights") in pairs(before["foreignKeys"])
    assert len(table_folders(datasets_server, dataset_id)) == 3

    # A viewer and another project's user change nothing.
    for user, code in ((viewer, "FORBIDDEN"), (stranger, "NOT_FOUND")):
        refused = await remove(client, user["token"], dataset_id, "airlines")
        assert error_code(refused) == code, refused
    # The first table, a missing one and a hostile name are refused.
    refused = await remove(client, owner["token"], dataset_id, "flights")
    assert refused["errors"][0]["extensions"]["reason"] == "FIRST_TABLE", refused
    for name in ("trains", "../flights", "x" * 10_000):
        refused = await remove(client, owner["token"], dataset_id, name)
        assert error_code(refused) == "NOT_FOUND", refused
    unchanged = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    assert [t["name"] for t in unchanged["dataset"]["tables"]] == [
        "flights",
        "airlines",
        "planes",
        "weather",
    ]

    # An editor removes the linked parent: its link goes with it.
    removed = await remove(client, editor["token"], dataset_id, "airlines")
    assert "errors" not in removed, removed
    dataset = removed["data"]["removeDatasetTable"]
    assert [t["name"] for t in dataset["tables"]] == ["flights", "planes", "weather"]
    assert {"parentTable": "airlines", "childTable": "flights"} not in dataset["foreignKeys"]
    assert all(
        "airlines" not in (k["parentTable"], k["childTable"]) for k in dataset["foreignKeys"]
    )
    flights = dataset["tables"][0]
    assert flights["trainRowCount"] + flights["holdoutRowCount"] == 842

    # The owner removes the FAILED one.
    removed = await remove(client, owner["token"], dataset_id, "weather")
    assert [t["name"] for t in removed["data"]["removeDatasetTable"]["tables"]] == [
        "flights",
        "planes",
    ]
    assert len(table_folders(datasets_server, dataset_id)) == 1

    # A removed name is free again.
    again = await add_table(client, owner["token"], dataset_id, "airlines", "airlines")
    assert "errors" not in again, again
    got = (await graphql(client, TABLES, {"id": dataset_id}, token=viewer["token"]))["data"]
    assert {
        "parentTable": "airlines",
        "parentColumn": "carrier",
        "childTable": "flights",
        "childColumn": "carrier",
    } in got["dataset"]["foreignKeys"]
    airlines = next(t for t in got["dataset"]["tables"] if t["name"] == "airlines")
    assert airlines["rowCount"] == 14 and airlines["status"] == "READY"


async def project_of(client: httpx.AsyncClient, owner: dict, dataset_id: str) -> str:
    got = await graphql(
        client,
        "query($id: ID!) { dataset(id: $id) { projectId } }",
        {"id": dataset_id},
        token=owner["token"],
    )
    return got["data"]["dataset"]["projectId"]
