"""Database connections through GraphQL: saved with the password hidden, tested, a table
imported into a dataset, roles refused, and hostile addresses answered with their reason."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from synthetica.datasets.v1 import datasets_pb2 as pb
from tests.services.datasets.conftest import DatasetsCaller
from tests.support import AuthCaller, error_code, graphql, start_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")

CREATE = """
mutation($project: ID!, $name: String!, $url: String!) {
  createConnection(projectId: $project, name: $name, url: $url) {
    id name maskedUrl dialect
  }
}"""


@pytest.fixture(scope="module")
async def setup(auth_server, conn_server, training_api, service_token) -> AsyncIterator:
    async with start_gateway(
        auth_server, conn_server, training_api, service_token=service_token
    ) as url:
        auth = AuthCaller(auth_server.address, service_token)
        caller = DatasetsCaller(conn_server.address, auth)
        async with httpx.AsyncClient(base_url=url, timeout=180) as client:
            yield client, caller
        await caller.close()
        await auth.close()


async def _token(caller: DatasetsCaller) -> tuple[object, str]:
    user = await caller.user()
    return user, dict(user.md)["authorization"].removeprefix("Bearer ")


async def test_a_connection_is_saved_tested_and_imported_through_graphql(setup, source_db):
    client, caller = setup
    owner, token = await _token(caller)
    viewer, viewer_token = await _token(caller)
    project = await caller.project(owner.md)
    await caller.add(owner.md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
    url = source_db.url(source_db.reader)
    created = await graphql(
        client, CREATE, {"project": project.id, "name": "warehouse", "url": url}, token=token
    )
    assert "errors" not in created, created
    saved = created["data"]["createConnection"]
    assert saved["maskedUrl"].startswith(f"postgresql+psycopg2://{source_db.reader}@127.0.0.1:")
    assert source_db.password not in str(created)

    listed = await graphql(
        client,
        "query($p: ID!) { connections(projectId: $p) { nodes { id maskedUrl } } }",
        {"p": project.id},
        token=viewer_token,
    )
    assert [n["id"] for n in listed["data"]["connections"]["nodes"]] == [saved["id"]]
    refused = await graphql(
        client, CREATE, {"project": project.id, "name": "v", "url": url}, token=viewer_token
    )
    assert error_code(refused) == "FORBIDDEN"

    tested = await graphql(
        client,
        "mutation($id: ID!) { testConnection(id: $id) { ok errorCode message } }",
        {"id": saved["id"]},
        token=token,
    )
    assert tested["data"]["testConnection"] == {"ok": True, "errorCode": None, "message": ""}

    imported = await graphql(
        client,
        """mutation($c: ID!, $p: ID!) {
          importDataset(connectionId: $c, projectId: $p, name: "people", table: "people") {
            id name status rowCount
          }
        }""",
        {"c": saved["id"], "p": project.id},
        token=token,
    )
    assert "errors" not in imported, imported
    dataset = imported["data"]["importDataset"]
    assert (dataset["name"], dataset["status"], dataset["rowCount"]) == ("people", "READY", 300)


async def test_a_private_address_and_a_wrong_password_are_answered_with_their_code(
    setup, source_db
):
    client, caller = setup
    owner, token = await _token(caller)
    project = await caller.project(owner.md)
    metadata = await graphql(
        client,
        CREATE,
        {"project": project.id, "name": "m", "url": "postgresql://u:p@169.254.169.254/x"},
        token=token,
    )
    assert error_code(metadata) == "BAD_USER_INPUT"
    assert metadata["errors"][0]["extensions"]["reason"] == "ADDRESS_REFUSED"

    wrong = source_db.url(source_db.reader, "not-the-password")
    created = await graphql(
        client, CREATE, {"project": project.id, "name": "w", "url": wrong}, token=token
    )
    tested = await graphql(
        client,
        "mutation($id: ID!) { testConnection(id: $id) { ok errorCode message } }",
        {"id": created["data"]["createConnection"]["id"]},
        token=token,
    )
    answer = tested["data"]["testConnection"]
    assert (answer["ok"], answer["errorCode"]) == (False, "AUTH_FAILED")
    assert "not-the-password" not in answer["message"]
