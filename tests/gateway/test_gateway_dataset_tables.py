"""Datasets of several tables through the GraphQL gateway and the real stack: a user uploads
flights, adds airlines and airports, reads the detected link and the tables, links flights
to airports by destination and sees the real orphans; a viewer and a stranger change
nothing; hostile names and links are refused at the field."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.support import error_code, graphql

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "relational"
ADD_TABLE = """mutation($datasetId: ID!, $file: Upload!, $tableName: String!) {
  addDatasetTable(datasetId: $datasetId, file: $file, tableName: $tableName) { id }
}"""
TABLES = """query($id: ID!) { dataset(id: $id) {
  tables { name status rowCount primaryKey columns { name } suggestedSequence { entityKey }
           previewRows(n: 1) stats }
  foreignKeys { parentTable parentColumn childTable childColumn }
  referentialProblems { foreignKey { childColumn } orphanCount orphanExamples }
  warnings
} }"""
RELATE = """mutation($id: ID!, $tables: [TableKeysInput!], $keys: [ForeignKeyInput!]) {
  updateDatasetRelationships(datasetId: $id, tables: $tables, foreignKeys: $keys) {
    foreignKeys { childTable childColumn }
    referentialProblems { orphanCount orphanExamples }
  }
}"""


async def add_table(client: httpx.AsyncClient, token: str, dataset_id: str, name: str, table: str):
    operations = {
        "query": ADD_TABLE,
        "variables": {"datasetId": dataset_id, "file": None, "tableName": table},
    }
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (f"{name}.csv", (FIXTURES / f"{name}.csv").read_bytes(), "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def flights_with_a_viewer(client: httpx.AsyncClient, owner: dict, viewer: dict) -> str:
    """A new project of ``owner``'s where ``viewer`` views, holding the flights table; its id."""
    project_id = await create_project(client, owner)
    await graphql(
        client,
        """mutation($p: ID!, $e: String!) {
             addProjectMember(projectId: $p, email: $e, role: VIEWER) { role } }""",
        {"p": project_id, "e": viewer["email"]},
        token=owner["token"],
    )
    flights = (FIXTURES / "flights.csv").read_bytes()
    uploaded = await upload(client, owner["token"], project_id, flights, "flights.csv")
    return uploaded["data"]["uploadDataset"]["id"]


def dest_link() -> dict:
    return {
        "parentTable": "airports",
        "parentColumn": "faa",
        "childTable": "flights",
        "childColumn": "dest",
    }


async def test_a_user_builds_a_two_table_dataset_and_fixes_its_links(client):
    owner, viewer, stranger = [await new_user(client) for _ in range(3)]
    dataset_id = await flights_with_a_viewer(client, owner, viewer)
    for name in ("airlines", "airports"):
        added = await add_table(client, owner["token"], dataset_id, name, name)
        assert added["data"]["addDatasetTable"]["id"] == dataset_id, added

    got = (await graphql(client, TABLES, {"id": dataset_id}, token=viewer["token"]))["data"]
    tables = {t["name"]: t for t in got["dataset"]["tables"]}
    assert list(tables) == ["flights", "airlines", "airports"]
    assert tables["airlines"]["rowCount"] == 14 and tables["airlines"]["primaryKey"] == "carrier"
    assert tables["airlines"]["previewRows"][0].keys() == {"carrier", "name"}
    assert [c["name"] for c in tables["airlines"]["stats"]["columns"]] == ["carrier", "name"]
    assert got["dataset"]["foreignKeys"] == [
        {
            "parentTable": "airlines",
            "parentColumn": "carrier",
            "childTable": "flights",
            "childColumn": "carrier",
        }
    ]

    relinked = await graphql(
        client, RELATE, {"id": dataset_id, "keys": [dest_link()]}, token=owner["token"]
    )
    problems = relinked["data"]["updateDatasetRelationships"]["referentialProblems"]
    assert problems[0]["orphanCount"] == 26
    assert set(problems[0]["orphanExamples"]) == {"BQN", "PSE", "SJU", "STT"}

    # Neither the viewer nor a stranger adds a table or changes a link.
    for user, code in ((viewer, "FORBIDDEN"), (stranger, "NOT_FOUND")):
        refused = await add_table(client, user["token"], dataset_id, "planes", "planes")
        assert error_code(refused) == code, refused
        refused = await graphql(client, RELATE, {"id": dataset_id, "keys": []}, token=user["token"])
        assert error_code(refused) == code, refused
    # Hostile input: a path as a table name, a link to a missing column.
    refused = await add_table(client, owner["token"], dataset_id, "planes", "../../planes")
    assert error_code(refused) == "BAD_USER_INPUT"
    missing = {**dest_link(), "parentColumn": "iata"}
    refused = await graphql(
        client, RELATE, {"id": dataset_id, "keys": [missing]}, token=owner["token"]
    )
    assert error_code(refused) == "BAD_USER_INPUT"
    assert refused["errors"][0]["extensions"]["fields"][0]["field"] == "foreignKeys[0]"

    after = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    assert [t["name"] for t in after["dataset"]["tables"]] == ["flights", "airlines", "airports"]
    assert after["dataset"]["foreignKeys"][0]["childColumn"] == "dest"
    assert any("name a parent that does not exist" in w for w in after["dataset"]["warnings"])
