"""A CSV whose lines end with CR alone (classic Mac OS, Excel for Mac's "CSV (Macintosh)"),
uploaded through the gateway over real HTTP, is read line by line like any other, gzip or
not. Before, the whole file was one line and the upload was refused as "the file has no
rows"."""

from __future__ import annotations

import gzip

import pytest

from tests.support import PASSWORD, graphql, unique_email

ROWS = 200
CR_CSV = ("x,y,z\r" + "".join(f"{i},{i % 3},c{i % 4}\r" for i in range(ROWS))).encode()
DATASET = """
query($id: ID!) { dataset(id: $id) { status rowCount columns { name } previewRows(n: 3) } }"""


@pytest.fixture
async def owner(client) -> tuple[str, str]:
    """A new account and its project: (token, project id)."""
    registered = await graphql(
        client,
        "mutation($input: RegisterInput!) { register(input: $input) { tokens { accessToken } } }",
        {"input": {"email": unique_email("cr-lines"), "password": PASSWORD}},
    )
    token = registered["data"]["register"]["tokens"]["accessToken"]
    created = await graphql(
        client,
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
        {"input": {"name": "mac"}},
        token=token,
    )
    return token, created["data"]["createProject"]["id"]


@pytest.mark.parametrize(
    ("file_name", "body"), [("mac.csv", CR_CSV), ("mac.csv.gz", gzip.compress(CR_CSV))]
)
async def test_a_csv_with_cr_line_endings_is_read_row_by_row(client, owner, file_name, body):
    token, project_id = owner
    response = await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "name": "mac", "fileName": file_name},
        headers={"Authorization": f"Bearer {token}"},
        content=body,
    )
    assert response.status_code == 201, response.text

    answer = await graphql(client, DATASET, {"id": response.json()["id"]}, token=token)
    dataset = answer["data"]["dataset"]
    assert (dataset["status"], dataset["rowCount"]) == ("READY", ROWS)
    assert [c["name"] for c in dataset["columns"]] == ["x", "y", "z"]
    assert dataset["previewRows"] == [
        {"x": 0, "y": 0, "z": "c0"},
        {"x": 1, "y": 1, "z": "c1"},
        {"x": 2, "y": 2, "z": "c2"},
    ]
