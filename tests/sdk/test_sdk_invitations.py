"""Joining a project with an invitation from the SDK and the ``synthetica`` command line:
the token (or the whole link the dashboard shows) an owner sent, once."""

from __future__ import annotations

import httpx
import pytest

from synthetica_client import Client
from synthetica_client._projects import token_of_invitation
from synthetica_client.errors import NotFound
from tests.sdk.conftest import cli, in_thread
from tests.support import graphql, unique_email

INVITE = """mutation($p: ID!, $e: String!, $r: ProjectRole!) {
  addProjectMember(projectId: $p, email: $e, role: $r) { invitationToken }
}"""


async def invitation(stack, owner, project_id: str, role: str) -> str:
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        result = await graphql(
            http, INVITE, {"p": project_id, "e": unique_email("inv"), "r": role}, token=owner.token
        )
    return result["data"]["addProjectMember"]["invitationToken"]


async def test_an_invitee_joins_with_the_link_from_the_sdk_and_the_command_line(stack):
    owner, first, second = await stack.account(), await stack.account(), await stack.account()

    def create() -> str:
        with Client(stack.url, token=owner.token) as c:
            return c.projects.create("Invited").id

    project_id = await in_thread(create)
    # The link as the dashboard shows it: the token in the fragment.
    link = f"{stack.url}/invitations#" + await invitation(stack, owner, project_id, "EDITOR")

    def join(token: str) -> tuple[str, str]:
        with Client(stack.url, token=first.token) as c:
            joined = c.projects.join(token)
            return joined.id, getattr(joined.my_role, "value", joined.my_role)

    assert await in_thread(join, link) == (project_id, "EDITOR")
    with pytest.raises(NotFound, match="no such invitation"):
        await in_thread(join, link)

    token = await invitation(stack, owner, project_id, "VIEWER")
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(second)}
    # A link of the older form, with the token in the path, still works.
    ran = await cli("projects", "join", f"{stack.url}/invitations/{token}/", env=env)
    assert ran.code == 0, ran.err
    assert ran.out.strip() == f"Joined project Invited as VIEWER: {project_id}"
    again = await cli("projects", "join", token, env=env)
    assert again.code == 1 and again.err.startswith("error: NOT_FOUND: ")


@pytest.mark.parametrize(
    "given",
    [
        "syninv_abc-_9",
        "  syninv_abc-_9\n",
        "https://synthetica.example.com/invitations#syninv_abc-_9",
        "https://synthetica.example.com/invitations/#syninv_abc-_9",
        "https://synthetica.example.com/invitations/syninv_abc-_9",
        "https://synthetica.example.com/invitations/syninv_abc-_9/",
        "http://127.0.0.1:8000/invitations#syninv%5Fabc-_9",
    ],
)
def test_the_token_is_found_in_every_form_of_link(given):
    assert token_of_invitation(given) == "syninv_abc-_9"
