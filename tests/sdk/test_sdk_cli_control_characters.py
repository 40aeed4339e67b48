"""The command line prints a teammate's names with their control characters shown, not sent
to the terminal: a project named with ESC sequences (clear the screen, retitle the window,
colour what follows) reached the terminal of every member who listed projects, as rich
strips only BEL, BS, VT, FF and CR."""

from __future__ import annotations

import httpx

from tests.sdk.conftest import cli
from tests.support import graphql

HOSTILE = "evil\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b0m"


async def test_a_project_name_with_escape_sequences_is_shown_escaped(stack):
    teammate, member = await stack.account(), await stack.account()
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        created = await graphql(
            http,
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id name } }",
            {"input": {"name": HOSTILE}},
            token=teammate.token,
        )
    project = created["data"]["createProject"]
    assert project["name"] == HOSTILE  # the server keeps the name as it was given
    await stack.add_member(teammate, project["id"], member.email, "VIEWER")

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(member)}
    ran = await cli("projects", "ls", env=env)

    assert ran.code == 0, ran.err
    assert not any(
        (0x00 <= ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) < 0xA0 for c in ran.out
    )
    assert r"evil\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b0m" in ran.out
    assert project["id"] in ran.out
