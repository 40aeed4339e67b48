"""Inviting by email reveals nothing about who has an account.

The reproduction: addProjectMember answered NO_SUCH_USER for an email without an account and
success for one with, without limit. Now both answer the same pending invitation, the
project's member list shows both the same way until the account uses the project, an
invitation to an email without an account is taken up when that email registers, and the
calls are limited per inviting user."""

from __future__ import annotations

import asyncio
import time

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


async def test_an_invitation_is_taken_up_when_the_email_registers(ds):
    owner = await ds.user()
    project = await ds.project(owner.md)
    email = unique_email("later")
    await invite(ds, owner, project.id, email, pb.PROJECT_ROLE_EDITOR)

    registered = await ds.auth.register(email, password=PASSWORD)
    md = ds.auth.bearer(registered.tokens.access_token)
    deadline = time.monotonic() + 20  # the user.registered event reaches datasets
    while True:
        listed = await ds.stub.ListProjects(pb.ListProjectsRequest(), metadata=md)
        if [p.id for p in listed.projects] == [project.id] or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert [(p.id, p.my_role) for p in listed.projects] == [(project.id, pb.PROJECT_ROLE_EDITOR)]


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
