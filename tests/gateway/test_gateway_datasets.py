"""Datasets end to end over HTTP: GraphQL gateway -> datasets service (-> auth), as a new user
would do it: create a project, upload Adult, read columns, types and statistics, fix a
type, invite a viewer; and a stranger who tries every query and mutation sees nothing."""

from __future__ import annotations

import json

import httpx

from tests import adult
from tests.support import PASSWORD, error_code, graphql, unique_email

SMALL_CSV = b"id,amount,city\n1,2.5,Paris\n2,3.5,Lyon\n3,4.5,Nice\n"

REGISTER = """mutation($email: String!, $password: String!) {
  register(input: {email: $email, password: $password}) { user { id email } tokens { accessToken } }
}"""
CREATE_PROJECT = """mutation($name: String!) {
  createProject(input: {name: $name, description: "census"}) { id name myRole }
}"""
UPLOAD = """mutation(
  $projectId: ID!, $file: Upload!, $name: String!, $options: IngestOptionsInput
) {
  uploadDataset(projectId: $projectId, file: $file, name: $name, options: $options) {
    id name status error rowCount trainRowCount holdoutRowCount primaryKey
    columns { name dataType sdtype pii datetimeFormat }
    detected { format delimiter hasHeader encoding }
  }
}"""
DATASET = """query($id: ID!) {
  dataset(id: $id) {
    id status rowCount columns { name sdtype }
    stats previewRows(n: 2)
  }
}"""


async def new_user(client: httpx.AsyncClient) -> dict:
    result = await graphql(client, REGISTER, {"email": unique_email("gw"), "password": PASSWORD})
    registered = result["data"]["register"]
    return {**registered["user"], "token": registered["tokens"]["accessToken"]}


async def create_project(client: httpx.AsyncClient, user: dict) -> str:
    result = await graphql(client, CREATE_PROJECT, {"name": "Census"}, token=user["token"])
    assert result["data"]["createProject"]["myRole"] == "OWNER"
    return result["data"]["createProject"]["id"]


async def upload(
    client: httpx.AsyncClient,
    token: str,
    project_id: str,
    data: bytes,
    file_name: str = "data.csv",
    options: dict | None = None,
) -> dict:
    operations = {
        "query": UPLOAD,
        "variables": {"projectId": project_id, "file": None, "name": "adult", "options": options},
    }
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (file_name, data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_new_user_uploads_adult_fixes_a_type_and_invites_a_viewer(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)

    result = await upload(
        client, owner["token"], project_id, adult.path().read_bytes(), "adult.csv"
    )
    dataset = result["data"]["uploadDataset"]
    assert dataset["status"] == "READY", dataset["error"]
    assert dataset["rowCount"] == 32_561 and len(dataset["columns"]) == 15
    assert dataset["trainRowCount"] + dataset["holdoutRowCount"] == 32_561
    assert dataset["detected"] == {
        "format": "csv",
        "delimiter": ",",
        "hasHeader": False,
        "encoding": "utf-8",
    }
    age, workclass = dataset["columns"][0], dataset["columns"][1]
    assert (age["dataType"], age["sdtype"]) == ("int64", "numerical")
    assert (workclass["dataType"], workclass["sdtype"]) == ("string", "categorical")

    read = await graphql(client, DATASET, {"id": dataset["id"]}, token=owner["token"])
    got = read["data"]["dataset"]
    assert got["stats"]["row_count"] == 32_561
    assert got["stats"]["columns"][0]["numeric"]["histogram"]
    assert got["stats"]["columns"][1]["nulls"] > 1000  # "?" is null
    assert got["previewRows"][0]["column_1"] == 39

    fixed = await graphql(
        client,
        """mutation($id: ID!) { updateDatasetMetadata(datasetId: $id,
             columns: [{name: "column_5", sdtype: "categorical"}]) { columns { name sdtype } } }""",
        {"id": dataset["id"]},
        token=owner["token"],
    )
    columns = {c["name"]: c["sdtype"] for c in fixed["data"]["updateDatasetMetadata"]["columns"]}
    assert columns["column_5"] == "categorical"
    bad = await graphql(
        client,
        """mutation($id: ID!) { updateDatasetMetadata(datasetId: $id,
             columns: [{name: "column_2", sdtype: "numerical"}]) { id } }""",
        {"id": dataset["id"]},
        token=owner["token"],
    )
    assert error_code(bad) == "BAD_USER_INPUT"
    assert bad["errors"][0]["extensions"]["fields"][0]["field"] == "metadata.columns.column_2"

    # The target column every report predicts: set, refused when unusable, cleared.
    target = """mutation($id: ID!, $t: String, $c: Boolean!) { updateDatasetMetadata(
                  datasetId: $id, targetColumn: $t, clearTargetColumn: $c) { targetColumn } }"""
    result = await graphql(
        client, target, {"id": dataset["id"], "t": "column_15", "c": False}, token=owner["token"]
    )
    assert result["data"]["updateDatasetMetadata"]["targetColumn"] == "column_15"
    seen = await graphql(
        client,
        "query($id: ID!) { dataset(id: $id) { targetColumn } }",
        {"id": dataset["id"]},
        token=owner["token"],
    )
    assert seen["data"]["dataset"]["targetColumn"] == "column_15"
    result = await graphql(
        client, target, {"id": dataset["id"], "t": "nope", "c": False}, token=owner["token"]
    )
    assert error_code(result) == "BAD_USER_INPUT"
    result = await graphql(
        client, target, {"id": dataset["id"], "t": None, "c": True}, token=owner["token"]
    )
    assert result["data"]["updateDatasetMetadata"]["targetColumn"] is None

    viewer = await new_user(client)
    added = await graphql(
        client,
        """mutation($p: ID!, $e: String!) {
             addProjectMember(projectId: $p, email: $e, role: VIEWER) { userId role } }""",
        {"p": project_id, "e": viewer["email"]},
        token=owner["token"],
    )
    assert added["data"]["addProjectMember"]["role"] == "VIEWER"
    seen = await graphql(client, DATASET, {"id": dataset["id"]}, token=viewer["token"])
    assert seen["data"]["dataset"]["rowCount"] == 32_561
    project = await graphql(
        client,
        "query($id: ID!) { project(id: $id) { myRole members { email role } "
        "datasets { nodes { id } } } }",
        {"id": project_id},
        token=viewer["token"],
    )
    assert project["data"]["project"]["myRole"] == "VIEWER"
    assert len(project["data"]["project"]["members"]) == 2
    refused = await upload(client, viewer["token"], project_id, SMALL_CSV)
    assert error_code(refused) == "FORBIDDEN"


async def test_a_stranger_sees_and_changes_nothing(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    dataset_id = (await upload(client, owner["token"], project_id, SMALL_CSV))["data"][
        "uploadDataset"
    ]["id"]
    before = await owner_view(client, owner, project_id)
    stranger = await new_user(client)
    ids = {"p": project_id, "d": dataset_id, "u": owner["id"], "e": stranger["email"]}
    attempts = [
        ("query($p: ID!) { project(id: $p) { id } }", "NOT_FOUND"),
        ("query($d: ID!) { dataset(id: $d) { id } }", "NOT_FOUND"),
        ("query($p: ID!) { datasets(projectId: $p) { nodes { id } } }", "NOT_FOUND"),
        ('mutation($p: ID!) { updateProject(input: {id: $p, name: "x"}) { id } }', "NOT_FOUND"),
        ("mutation($p: ID!) { deleteProject(id: $p) }", "NOT_FOUND"),
        (
            "mutation($p: ID!, $e: String!) { addProjectMember(projectId: $p, email: $e, "
            "role: OWNER) { role } }",
            "NOT_FOUND",
        ),
        (
            "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
            "NOT_FOUND",
        ),
        (
            "mutation($p: ID!, $u: ID!) { changeMemberRole(projectId: $p, userId: $u, "
            "role: VIEWER) { role } }",
            "NOT_FOUND",
        ),
        (
            'mutation($d: ID!) { updateDatasetMetadata(datasetId: $d, columns: [{name: "id", '
            'sdtype: "categorical"}]) { id } }',
            "NOT_FOUND",
        ),
        ("mutation($d: ID!) { deleteDataset(id: $d) }", "NOT_FOUND"),
    ]
    for query, code in attempts:
        result = await graphql(client, query, ids, token=stranger["token"])
        assert error_code(result) == code, (query, result)
    assert error_code(await upload(client, stranger["token"], project_id, SMALL_CSV)) == "NOT_FOUND"
    listed = await graphql(client, "{ projects { nodes { id } } }", token=stranger["token"])
    assert listed["data"]["projects"]["nodes"] == []

    # Nothing changed for the owner.
    after = await owner_view(client, owner, project_id)
    assert after == before
    assert after["name"] == "Census" and [m["role"] for m in after["members"]] == ["OWNER"]
    assert [d["id"] for d in after["datasets"]["nodes"]] == [dataset_id]


async def owner_view(client: httpx.AsyncClient, owner: dict, project_id: str) -> dict:
    result = await graphql(
        client,
        "query($id: ID!) { project(id: $id) { name description members { email role } "
        "datasets { nodes { id status columns { name sdtype } } } } }",
        {"id": project_id},
        token=owner["token"],
    )
    return result["data"]["project"]


async def test_anonymous_calls_are_unauthenticated(client):
    result = await graphql(client, "{ projects { nodes { id } } }")
    assert error_code(result) == "UNAUTHENTICATED"
    response = await client.post("/upload/datasets?projectId=x", content=SMALL_CSV)
    assert response.status_code == 401


async def test_bad_file_through_graphql_is_a_typed_error(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    result = await upload(client, owner["token"], project_id, b"a,b\n1,2\n3\n4,5\n")
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["reason"] == "INCONSISTENT_COLUMNS"
    assert error["message"].startswith("line 3:")


async def test_streaming_http_upload(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    headers = {"Authorization": f"Bearer {owner['token']}"}

    async def body():
        yield b"id;amount;city\n"
        for i in range(2000):
            yield f"{i};{i / 4};c{i % 9}\n".encode()

    response = await client.post(
        f"/upload/datasets?projectId={project_id}&name=stream&fileName=s.csv",
        content=body(),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    dataset = response.json()
    assert dataset["status"] == "DATASET_STATUS_READY" and dataset["rowCount"] == "2000"
    assert dataset["detected"]["delimiter"] == ";"

    bad = await client.post(
        f"/upload/datasets?projectId={project_id}&name=bad",
        content=b"<html><body>not a table</body></html>",
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["reason"] == "HTML_CONTENT"
    unnamed = await client.post(
        f"/upload/datasets?projectId={project_id}&fileName=../../etc/passwd",
        content=SMALL_CSV,
        headers=headers,
    )
    assert unnamed.status_code == 400
    assert unnamed.json()["error"]["reason"] == "INVALID_FILENAME"
    elsewhere = await client.post(
        "/upload/datasets?projectId=00000000-0000-0000-0000-000000000000&name=x",
        content=SMALL_CSV,
        headers=headers,
    )
    assert elsewhere.status_code == 404
