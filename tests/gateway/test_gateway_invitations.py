"""Invitations through GraphQL: an invitation to an email without an account is taken with
the token addProjectMember shows the inviter once, by whoever the inviter sends it to; the
first to register the invited address gets nothing (no address is verified here)."""

from __future__ import annotations

from tests.gateway.test_gateway_datasets import REGISTER, create_project, new_user
from tests.support import PASSWORD, error_code, graphql, unique_email

INVITE = """mutation($p: ID!, $e: String!) {
  addProjectMember(projectId: $p, email: $e, role: EDITOR) {
    userId email role pending invitationToken
  }
}"""
ACCEPT = "mutation($t: String!) { acceptProjectInvitation(token: $t) { id name myRole } }"
PROJECT = (
    "query($id: ID!) { project(id: $id) { id myRole members { email pending invitationToken } } }"
)


async def test_the_invitee_joins_with_the_token_and_the_first_registrant_does_not(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    invited_email = unique_email("invited")
    added = await graphql(
        client, INVITE, {"p": project_id, "e": invited_email}, token=owner["token"]
    )
    member = added["data"]["addProjectMember"]
    token = member["invitationToken"]
    assert token.startswith("syninv_") and member["pending"] and member["userId"] is None

    registered = await graphql(client, REGISTER, {"email": invited_email, "password": PASSWORD})
    squatter = registered["data"]["register"]["tokens"]["accessToken"]
    assert (
        error_code(await graphql(client, PROJECT, {"id": project_id}, token=squatter))
        == "NOT_FOUND"
    )

    invitee = await new_user(client)
    joined = await graphql(client, ACCEPT, {"t": token}, token=invitee["token"])
    assert joined["data"]["acceptProjectInvitation"] == {
        "id": project_id,
        "name": "Census",
        "myRole": "EDITOR",
    }
    project = await graphql(client, PROJECT, {"id": project_id}, token=invitee["token"])
    assert project["data"]["project"]["myRole"] == "EDITOR"
    # The token is shown once: the member list never carries one.
    members = project["data"]["project"]["members"]
    assert {m["email"] for m in members} == {owner["email"], invitee["email"]}
    assert all(m["invitationToken"] is None for m in members)

    again = await graphql(client, ACCEPT, {"t": token}, token=squatter)
    assert error_code(again) == "NOT_FOUND"
    assert (
        error_code(await graphql(client, PROJECT, {"id": project_id}, token=squatter))
        == "NOT_FOUND"
    )


async def test_an_invitation_to_an_account_answers_alike_and_its_token_joins_nobody(client):
    owner, account = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)
    answers = [
        (await graphql(client, INVITE, {"p": project_id, "e": e}, token=owner["token"]))["data"][
            "addProjectMember"
        ]
        for e in (account["email"], unique_email("nobody"))
    ]
    shapes = [(a["userId"], a["role"], a["pending"], a["invitationToken"][:7]) for a in answers]
    assert shapes[0] == shapes[1] == (None, "EDITOR", True, "syninv_")
    # The account has access at once; its token joins a stranger to nothing.
    seen = await graphql(client, PROJECT, {"id": project_id}, token=account["token"])
    assert seen["data"]["project"]["myRole"] == "EDITOR"
    stranger = await new_user(client)
    refused = await graphql(
        client, ACCEPT, {"t": answers[0]["invitationToken"]}, token=stranger["token"]
    )
    assert error_code(refused) == "NOT_FOUND"
