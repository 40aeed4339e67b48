"""Project settings over gRPC: UpdateProject refuses an unknown privacy gate and changes
nothing; CheckProjectAccess tells services the settings and, when asked, the owners, also for
a user who is not a member (the project exists: it says so with settings, never with a role)."""

from __future__ import annotations

import grpc
import pytest

from common.clients import make_channel, service_metadata
from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.datasets.v1 import datasets_pb2_grpc
from tests.support import AuthCaller, unique_email


@pytest.fixture
async def stubs(datasets_server, auth_server, service_token):
    channel = make_channel(datasets_server.address)
    auth = AuthCaller(auth_server.address, service_token)
    yield datasets_pb2_grpc.DatasetsServiceStub(channel), auth
    await channel.close()
    await auth.close()


async def test_settings_are_validated_and_told_to_services(stubs, service_token):
    stub, auth = stubs
    owner = await auth.register(unique_email("settings"))
    stranger = await auth.register(unique_email("stranger"))
    md = auth.bearer(owner.tokens.access_token)
    project = (await stub.CreateProject(pb.CreateProjectRequest(name="P"), metadata=md)).project
    assert project.settings.privacy_gate == pb.PRIVACY_GATE_OFF
    assert project.settings.approval_required is False

    for bad in (pb.PRIVACY_GATE_UNSPECIFIED, 99):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.UpdateProject(
                pb.UpdateProjectRequest(project_id=project.id, privacy_gate=bad, name="Renamed"),
                metadata=md,
            )
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    unchanged = await stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=md)
    assert unchanged.project.name == "P"

    changed = await stub.UpdateProject(
        pb.UpdateProjectRequest(
            project_id=project.id, privacy_gate=pb.PRIVACY_GATE_BLOCK, approval_required=True
        ),
        metadata=md,
    )
    assert changed.project.settings.privacy_gate == pb.PRIVACY_GATE_BLOCK
    assert changed.project.settings.approval_required is True
    assert changed.project.name == "P"

    service = service_metadata(service_token, service_name="training")
    access = await stub.CheckProjectAccess(
        pb.CheckProjectAccessRequest(
            project_id=project.id,
            user_id=stranger.user.id,
            required_role=pb.PROJECT_ROLE_VIEWER,
            include_owners=True,
        ),
        metadata=service,
    )
    assert access.allowed is False and access.role == pb.PROJECT_ROLE_UNSPECIFIED
    assert access.settings.privacy_gate == pb.PRIVACY_GATE_BLOCK
    assert list(access.owner_ids) == [owner.user.id]
    quiet = await stub.CheckProjectAccess(
        pb.CheckProjectAccessRequest(
            project_id=project.id, user_id=owner.user.id, required_role=pb.PROJECT_ROLE_OWNER
        ),
        metadata=service,
    )
    assert quiet.allowed is True and list(quiet.owner_ids) == []
