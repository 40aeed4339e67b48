"""An upload the datasets service refuses from its header is answered with the refusal.

The service checks the header (the caller's role in the project, the name, the declared
size, how many of the caller's files are still ingesting) before it reads a byte, and ends
the call. The gateway used to stream the file on regardless, and gRPC's asyncio client
reports a write that meets an ended call as ``INTERNAL: Internal error from Core``
(grpc/grpc#36066): about a third of such uploads of a 4 MB file answered 500 "internal
error" instead of "project not found" or "viewers cannot upload". Now the service gives the
go-ahead in its initial metadata once the header passes, and the gateway sends the bytes
only then.
"""

from __future__ import annotations

from tests.gateway.test_gateway_datasets import create_project, new_user, upload
from tests.gateway.test_gateway_ingest_quota import BIG_CSV, post
from tests.support import graphql

ATTEMPTS = 12


async def test_a_stranger_is_told_the_project_is_not_found_every_time(client):
    owner, stranger = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)

    raw = [
        await post(client, stranger["token"], project_id, BIG_CSV, wait=0) for _ in range(ATTEMPTS)
    ]
    through_graphql = [
        await upload(client, stranger["token"], project_id, BIG_CSV) for _ in range(ATTEMPTS)
    ]

    assert [r.status_code for r in raw] == [404] * ATTEMPTS, [r.text for r in raw]
    assert {r.json()["error"]["reason"] for r in raw} == {"PROJECT_NOT_FOUND"}
    codes = [answer["errors"][0]["extensions"]["code"] for answer in through_graphql]
    assert codes == ["NOT_FOUND"] * ATTEMPTS, through_graphql


async def test_a_viewer_is_told_viewers_cannot_upload_every_time(client):
    owner, viewer = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)
    added = await graphql(
        client,
        """mutation($p: ID!, $e: String!) {
             addProjectMember(projectId: $p, email: $e, role: VIEWER) { role } }""",
        {"p": project_id, "e": viewer["email"]},
        token=owner["token"],
    )
    assert "errors" not in added, added

    raw = [
        await post(client, viewer["token"], project_id, BIG_CSV, wait=0) for _ in range(ATTEMPTS)
    ]

    assert [r.status_code for r in raw] == [403] * ATTEMPTS, [r.text for r in raw]
    # Nothing was stored on the way: the project has no dataset.
    listed = await graphql(
        client,
        "query($p: ID!) { datasets(projectId: $p, first: 5) { nodes { id } } }",
        {"p": project_id},
        token=owner["token"],
    )
    assert listed["data"]["datasets"]["nodes"] == []
