"""Every change of what a project, a membership or a dataset shows is published, typed, from
the outbox of the transaction that made it (what the gateways' read caches drop entries on):
members added, given another role, removed, cancelled before they used the project, or taken
up from an invitation; projects renamed and deleted; datasets edited and ingested."""

from __future__ import annotations

import asyncio

from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.events.v1 import events_pb2
from tests.support import stream_events


async def published(nats_url: str, subject: str, **fields: object) -> events_pb2.Event:
    """The event on ``subject`` whose body has these field values (polled: the outbox relay
    publishes within a second)."""
    for _ in range(100):
        for event in await stream_events(nats_url, "synthetica.events." + subject):
            body = getattr(event, event.WhichOneof("body"))
            if all(getattr(body, key) == value for key, value in fields.items()):
                return event
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {subject} event with {fields}")


async def dataset_update(
    nats_url: str, dataset_id: str, attribute: str
) -> events_pb2.DatasetUpdated:
    """The first dataset.updated of the READY dataset that names ``attribute`` as changed."""
    for _ in range(100):
        for event in await stream_events(nats_url, "synthetica.events.dataset.updated"):
            body = event.dataset_updated
            ready = body.status == pb.DATASET_STATUS_READY
            if body.dataset_id == dataset_id and attribute in body.changed and ready:
                return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"no dataset.updated of {dataset_id} changing {attribute}")


async def test_member_changes_are_published(ds, nats_url):
    owner, member = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    await ds.add(owner.md, project.id, member, pb.PROJECT_ROLE_EDITOR)
    added = await published(
        nats_url, "project_member.added", project_id=project.id, user_id=member.id
    )
    assert added.type == "project_member.added" and added.project_id == project.id
    assert added.project_member_added.role == pb.PROJECT_ROLE_EDITOR
    assert not added.project_member_added.invitation_accepted

    await ds.stub.ChangeMemberRole(
        pb.ChangeMemberRoleRequest(
            project_id=project.id, user_id=member.id, role=pb.PROJECT_ROLE_VIEWER
        ),
        metadata=owner.md,
    )
    changed = await published(
        nats_url, "project_member_role.changed", project_id=project.id, user_id=member.id
    )
    assert changed.project_member_role_changed.role == pb.PROJECT_ROLE_VIEWER
    assert changed.project_member_role_changed.previous_role == pb.PROJECT_ROLE_EDITOR

    await ds.stub.RemoveProjectMember(
        pb.RemoveProjectMemberRequest(project_id=project.id, user_id=member.id),
        metadata=owner.md,
    )
    removed = await published(
        nats_url, "project_member.removed", project_id=project.id, user_id=member.id
    )
    assert removed.project_member_removed.role == pb.PROJECT_ROLE_VIEWER


async def test_a_cancelled_membership_and_an_accepted_invitation_are_published(ds, nats_url):
    owner, pending = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    # An account is a member at once, before it uses the project; cancelling ends that.
    await ds.add(owner.md, project.id, pending, pb.PROJECT_ROLE_VIEWER)
    await ds.stub.RemoveProjectMember(
        pb.RemoveProjectMemberRequest(project_id=project.id, email=pending.email),
        metadata=owner.md,
    )
    await published(nats_url, "project_member.removed", project_id=project.id, user_id=pending.id)

    email = f"later-{project.id[:8]}@example.com"
    invited = await ds.stub.AddProjectMember(
        pb.AddProjectMemberRequest(project_id=project.id, email=email, role=pb.PROJECT_ROLE_EDITOR),
        metadata=owner.md,
    )
    registered = await ds.auth.register(email)
    await ds.stub.AcceptProjectInvitation(
        pb.AcceptProjectInvitationRequest(token=invited.invitation_token),
        metadata=ds.auth.bearer(registered.tokens.access_token),
    )
    added = await published(
        nats_url, "project_member.added", project_id=project.id, user_id=registered.user.id
    )
    assert added.project_member_added.invitation_accepted
    assert added.project_member_added.role == pb.PROJECT_ROLE_EDITOR


async def test_project_and_dataset_changes_are_published(ds, nats_url):
    owner = await ds.user()
    project = await ds.project(owner.md)
    dataset = await ds.upload(owner.md, project.id, b"a,b\n1,x\n2,y\n3,z\n")
    ingested = await dataset_update(nats_url, dataset.id, "status")
    assert ingested.name == dataset.name

    await ds.stub.UpdateDatasetMetadata(
        pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset.id, metadata=pb.DatasetMetadata(target_column="b")
        ),
        metadata=owner.md,
    )
    await dataset_update(nats_url, dataset.id, "table_metadata")

    await ds.stub.UpdateProject(
        pb.UpdateProjectRequest(project_id=project.id, name="Renamed"), metadata=owner.md
    )
    renamed = await published(nats_url, "project.updated", project_id=project.id)
    assert renamed.project_updated.name == "Renamed"

    await ds.stub.DeleteProject(pb.DeleteProjectRequest(project_id=project.id), metadata=owner.md)
    await published(nats_url, "project.deleted", project_id=project.id)
    await published(nats_url, "dataset.deleted", dataset_id=dataset.id)
