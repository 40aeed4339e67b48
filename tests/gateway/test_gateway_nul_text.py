"""Text with NUL (U+0000), which PostgreSQL's text cannot store, is refused as bad input
naming the field, by every service: before, a project, API key or dataset name, a
description or a profile holding one reached the database and came back as "internal error"
(a dataset's only after its whole file had streamed). Other characters are kept as sent."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.gateway.team import Team
from tests.support import graphql

pytestmark = pytest.mark.usefixtures("training_worker")

NUL = "evil\u0000name"
PROJECTS = "{ projects(first: 100) { nodes { name } } }"
UPLOAD = """
mutation($p: ID!, $f: Upload!, $n: String!) {
  uploadDataset(projectId: $p, file: $f, name: $n) { id name status }
}"""


def mutations(team: Team) -> list[tuple[str, dict, str]]:
    """(mutation, variables, the field its error names), each with NUL in one text."""
    project = team.project_id
    return [
        ("mutation($n: String!) { createProject(input: {name: $n}) { id } }", {"n": NUL}, "name"),
        (
            'mutation($n: String!) { createProject(input: {name: "ok", description: $n}) { id } }',
            {"n": NUL},
            "description",
        ),
        (
            "mutation($p: ID!, $n: String!) {"
            " updateProject(input: {id: $p, description: $n}) { id } }",
            {"p": project, "n": NUL},
            "description",
        ),
        (
            "mutation($n: String!) { createApiKey(input: {name: $n}) { secret } }",
            {"n": NUL},
            "name",
        ),
        (
            "mutation($n: String!) { updateProfile(input: {displayName: $n}) { id } }",
            {"n": NUL},
            "display_name",
        ),
        (
            "mutation($p: ID!, $n: String!) { createConnection(projectId: $p, name: $n,"
            ' url: "postgresql://u:p@db.example.com/x") { id } }',
            {"p": project, "n": NUL},
            "name",
        ),
    ]


async def upload(client: httpx.AsyncClient, team: Team, name: str) -> dict:
    operations = {"query": UPLOAD, "variables": {"p": team.project_id, "f": None, "n": name}}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("people.csv", b"age,city\n31,Lyon\n42,Oslo\n", "text/csv")},
        headers={"Authorization": f"Bearer {team.tokens['owner']}"},
    )
    return response.json()


async def test_text_with_nul_is_refused_naming_the_field(client, team: Team) -> None:
    for query, variables, field in mutations(team):
        result = await graphql(client, query, variables, token=team.tokens["owner"])
        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert error["extensions"]["reason"] == "NUL_IN_TEXT", error
        assert [f["field"] for f in error["extensions"]["fields"]] == [field], error
        assert "NUL" in error["message"]
    refused = await upload(client, team, NUL)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    assert refused["errors"][0]["extensions"]["reason"] == "NUL_IN_TEXT", refused
    # Nothing was made of them.
    listed = await graphql(client, PROJECTS, token=team.tokens["owner"])
    assert all("\u0000" not in p["name"] for p in listed["data"]["projects"]["nodes"])


async def test_other_characters_are_kept_as_sent(client, team: Team) -> None:
    name = "Ünïcode ✓ 名前 \u202eevil"
    made = await graphql(
        client,
        "mutation($n: String!) { createProject(input: {name: $n}) { name } }",
        {"n": name},
        token=team.tokens["owner"],
    )
    assert made == {"data": {"createProject": {"name": name}}}, made
    uploaded = await upload(client, team, name)
    assert uploaded["data"]["uploadDataset"]["name"] == name, uploaded
    assert uploaded["data"]["uploadDataset"]["status"] == "READY", uploaded
