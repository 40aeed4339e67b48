"""A list's ``after`` cursor is the server's own page token, but a client sends any text: one
that decodes to a time and an id that is no id is a bad cursor (BAD_USER_INPUT), not a
server error, for every list that pages by token."""

from __future__ import annotations

import base64
import json

import pytest

from tests.gateway.team import Team
from tests.support import error_code, graphql

pytestmark = pytest.mark.usefixtures("training_worker")


def _cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


HOSTILE = (
    _cursor("2026-01-01T00:00:00+00:00", "not-an-id"),
    _cursor("2026-01-01T00:00:00+00:00", "' OR 1=1 --"),
    _cursor("2026-01-01T00:00:00+00:00", 7),
    _cursor("2026-01-01T00:00:00+00:00", "x" * 10_000),
    "%%%not base64",
    _cursor(1, 2),
)
LISTS = {
    "batches": "query($p: ID, $a: String) { batches(projectId: $p, after: $a) { nodes { id } } }",
    "models": "query($p: ID, $a: String) { models(projectId: $p, after: $a) { nodes { id } } }",
    "jobs": "query($p: ID, $a: String) { jobs(projectId: $p, after: $a) { nodes { id } } }",
    "datasets": (
        "query($p: ID!, $a: String) { datasets(projectId: $p, after: $a) { nodes { id } } }"
    ),
}


async def test_a_forged_cursor_is_bad_input_on_every_list(client, team: Team) -> None:
    for name, query in LISTS.items():
        for cursor in HOSTILE:
            result = await graphql(
                client, query, {"p": team.project_id, "a": cursor}, token=team.tokens["viewer"]
            )
            assert "errors" in result, (name, cursor[:40], result)
            assert error_code(result) == "BAD_USER_INPUT", (name, cursor[:40], result)
    # The server's own cursor still pages.
    first = await graphql(
        client,
        "query($p: ID) { batches(projectId: $p, first: 1) { pageInfo { endCursor } } }",
        {"p": team.project_id},
        token=team.tokens["viewer"],
    )
    assert "errors" not in first, first
    cursor = first["data"]["batches"]["pageInfo"]["endCursor"]
    rest = await graphql(
        client, LISTS["batches"], {"p": team.project_id, "a": cursor}, token=team.tokens["viewer"]
    )
    assert "errors" not in rest, rest


async def test_first_below_one_is_refused_by_its_name_on_every_list(client, team: Team) -> None:
    """``first: 0`` gave the default page of 50 nodes and ``first: -1`` an error about a
    ``page_size`` the caller never sent."""
    for name, query in LISTS.items():
        paged = query.replace("after: $a", "after: $a, first: $f").replace(
            "$a: String)", "$a: String, $f: Int!)"
        )
        for first in (0, -1):
            result = await graphql(
                client, paged, {"p": team.project_id, "f": first}, token=team.tokens["viewer"]
            )
            assert error_code(result) == "BAD_USER_INPUT", (name, first, result)
            fields = result["errors"][0]["extensions"]["fields"]
            assert [f["field"] for f in fields] == ["first"], (name, first, result)
        one = await graphql(
            client, paged, {"p": team.project_id, "f": 1}, token=team.tokens["viewer"]
        )
        assert "errors" not in one, (name, one)
        assert len(one["data"][name]["nodes"]) <= 1
