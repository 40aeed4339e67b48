"""Inviting by email reveals nothing about who has an account.

The reproduction: addProjectMember answered NO_SUCH_USER for an email without an account and
success for one with, without limit. Now both answer the same pending invitation, the
project's member list shows both the same way until the account uses the project, and the
calls are limited per inviting user. An invitation to an email without an account is taken
with its token, shown once to the inviter: registering the email takes nothing (no address is
verified here, so the first to register it got the project)."""

from __future__ import annotations

import grpc
import pytest

from synthetica.datasets.v1 import datasets_pb2 as pb
from tests.conftest import migrated_database
from tests.services.datasets.conftest import DatasetsCaller
from tests.support import PASSWORD, start_datasets, unique_email


async def invite(ds, owner, project_id: str, email: str, role=pb.PROJECT_ROLE_VIEWER):
    response = await ds.stub.AddProjectMember(
        pb.AddProjectMemberRequest(project_id=project_id, email=email, role=role),
        metadata=owner.md,
    )
    return response.member


async def members(ds, user, project_id: str) -> list[pb.ProjectMember]:
    response = await ds.stub.ListProjectMembers(
        pb.ListProjectMembersRequest(project_id=project_id), metadata=user.md
    )
    return list(response.members)


def seen(member: pb.ProjectMember) -> tuple:
    """What an owner can tell about an invitee (the email aside)."""
    return (member.user_id, member.role, member.pending)


async def test_an_invitation_does_not_tell_whether_the_email_has_an_account(ds):
    owner, registered = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    nobody = unique_email("nobody")

    answers = [await invite(ds, owner, project.id, e) for e in (registered.email, nobody)]
    assert seen(answers[0]) == seen(answers[1]) == ("", pb.PROJECT_ROLE_VIEWER, True)

    listed = {m.email: m for m in await members(ds, owner, project.id)}
    assert (
        seen(listed[registered.email]) == seen(listed[nobody]) == ("", pb.PROJECT_ROLE_VIEWER, True)
    )
    assert seen(listed[owner.email]) == (owner.id, pb.PROJECT_ROLE_OWNER, False)


async def test_an_account_has_access_at_once_and_joins_by_using_the_project(ds):
    owner, invitee = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    await invite(ds, owner, project.id, invitee.email, pb.PROJECT_ROLE_EDITOR)

    got = await ds.stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=invitee.md)
    assert got.project.my_role == pb.PROJECT_ROLE_EDITOR
    listed = {m.email: m for m in await members(ds, owner, project.id)}
    assert seen(listed[invitee.email]) == (invitee.id, pb.PROJECT_ROLE_EDITOR, False)


async def invite_for_token(ds, owner, project_id: str, email: str, role=pb.PROJECT_ROLE_EDITOR):
    response = await ds.stub.AddProjectMember(
        pb.AddProjectMemberRequest(project_id=project_id, email=email, role=role),
        metadata=owner.md,
    )
    return response.invitation_token


async def accept(ds, user, token: str) -> pb.Project:
    response = await ds.stub.AcceptProjectInvitation(
        pb.AcceptProjectInvitationRequest(token=token), metadata=user.md
    )
    return response.project


async def refused(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value.code(), info.value.details() or ""


async def registered_as(ds, email: str):
    """A user who registered ``email`` (nobody checks that it is theirs)."""
    registered = await ds.auth.register(email, password=PASSWORD)
    md = ds.auth.bearer(registered.tokens.access_token)
    return type("Registered", (), {"id": registered.user.id, "email": email, "md": md})


async def test_the_first_to_register_the_invited_email_cannot_take_the_invitation(ds):
    """The reproduction: an invitation to an email without an account went to whoever
    registered that email first. Now it goes to whoever presents its token, which only the
    inviter was shown."""
    owner = await ds.user()
    project = await ds.project(owner.md)
    email = unique_email("invited")
    token = await invite_for_token(ds, owner, project.id, email)
    assert token.startswith("syninv_")

    squatter = await registered_as(ds, email)
    invitee = await ds.user()  # the real invitee, under another address
    joined = await accept(ds, invitee, token)
    assert (joined.id, joined.my_role) == (project.id, pb.PROJECT_ROLE_EDITOR)
    listed = {m.email: m for m in await members(ds, owner, project.id)}
    assert email not in listed
    assert seen(listed[invitee.email]) == (invitee.id, pb.PROJECT_ROLE_EDITOR, False)

    # The squatter: no project, and the token is used up.
    assert (
        list((await ds.stub.ListProjects(pb.ListProjectsRequest(), metadata=squatter.md)).projects)
        == []
    )
    code, _ = await refused(
        ds.stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=squatter.md)
    )
    assert code == grpc.StatusCode.NOT_FOUND
    code, details = await refused(accept(ds, squatter, token))
    assert code == grpc.StatusCode.NOT_FOUND and "no such invitation" in details


async def test_a_token_works_once_and_only_its_newest_one(ds):
    owner = await ds.user()
    project = await ds.project(owner.md)
    email = unique_email("twice")
    first = await invite_for_token(ds, owner, project.id, email, pb.PROJECT_ROLE_VIEWER)
    second = await invite_for_token(ds, owner, project.id, email, pb.PROJECT_ROLE_EDITOR)
    assert first != second
    invitee = await ds.user()
    assert (await refused(accept(ds, invitee, first)))[0] == grpc.StatusCode.NOT_FOUND
    assert (await accept(ds, invitee, second)).my_role == pb.PROJECT_ROLE_EDITOR
    other = await ds.user()
    assert (await refused(accept(ds, other, second)))[0] == grpc.StatusCode.NOT_FOUND


async def test_a_withdrawn_invitation_or_a_malformed_token_joins_nothing(ds):
    owner, invitee = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    email = unique_email("withdrawn")
    token = await invite_for_token(ds, owner, project.id, email)
    await ds.stub.RemoveProjectMember(
        pb.RemoveProjectMemberRequest(project_id=project.id, email=email), metadata=owner.md
    )
    assert (await refused(accept(ds, invitee, token)))[0] == grpc.StatusCode.NOT_FOUND
    for bad in ("", "x" * 10_000, token.replace("syninv_", "other_"), "syninv_" + "A" * 200):
        assert (await refused(accept(ds, invitee, bad)))[0] == grpc.StatusCode.INVALID_ARGUMENT


async def test_trying_the_tokens_tells_an_owner_nothing_about_accounts(ds):
    owner, registered = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    tokens = [
        await invite_for_token(ds, owner, project.id, e)
        for e in (registered.email, unique_email("nobody"))
    ]
    # The owner is a member already: both answer alike, and neither invitation is used up.
    answers = [await refused(accept(ds, owner, t)) for t in tokens]
    assert answers[0] == answers[1]
    assert answers[0][0] == grpc.StatusCode.NOT_FOUND
    # The account's token joins nobody else either; the other one still works.
    stranger = await ds.user()
    assert (await refused(accept(ds, stranger, tokens[0])))[0] == grpc.StatusCode.NOT_FOUND
    assert (await accept(ds, stranger, tokens[1])).id == project.id


async def test_an_owner_withdraws_a_pending_invitation_by_email(ds):
    owner, invitee = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    nobody = unique_email("nobody")
    for email in (nobody, invitee.email):
        await invite(ds, owner, project.id, email)
        await ds.stub.RemoveProjectMember(
            pb.RemoveProjectMemberRequest(project_id=project.id, email=email), metadata=owner.md
        )
    assert [m.email for m in await members(ds, owner, project.id)] == [owner.email]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await ds.stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=invitee.md)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


async def test_invitations_are_limited_per_inviting_user(
    ds, postgres_server_url, nats_url, service_token, auth_server, tmp_path
):
    # A datasets service of its own (its own database), with a low limit.
    server = await start_datasets(
        database_url=migrated_database(postgres_server_url),
        nats_url=nats_url,
        service_token=service_token,
        auth_addr=auth_server.address,
        storage_url=str(tmp_path),
        invitations_per_user=3,
    )
    try:
        limited = DatasetsCaller(server.address, ds.auth)
        owner = await limited.user()
        project = await limited.project(owner.md)
        registered = await limited.user()
        for email in (unique_email(), registered.email, unique_email()):
            await invite(limited, owner, project.id, email)
        for email in (unique_email(), registered.email):
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await invite(limited, owner, project.id, email)
            assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        await limited.channel.close()
    finally:
        await server.stop(0)
