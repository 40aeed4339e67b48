"""DatasetsService's member RPCs: adding, removing and re-roling a project's members, listing
them, and telling another service whether a user may act on a project. DatasetsServicer serves
them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from common.context import Principal
from common.db import Database
from common.errors import InvalidArgument, PermissionDenied
from common.interceptors import require_principal, require_service
from common.pagination import page_of
from services.datasets import convert, members, models, project_settings, service
from services.datasets.settings import DatasetsSettings
from synthetica.datasets.v1 import datasets_pb2


def calling_user() -> Principal:
    """A user, or a service acting on behalf of one: project data always belongs to someone."""
    principal = require_principal()
    if not principal.user_id:
        raise PermissionDenied("this call must be made for a user", reason="USER_REQUIRED")
    return principal


class MemberRpcs:
    """The members half of DatasetsServicer, which provides these attributes."""

    db: Database
    settings: DatasetsSettings
    # email -> the auth service's user (or None): addProjectMember invites by email.
    lookup_user: Callable[[str], Any]

    # --- members ------------------------------------------------------------------------

    async def AddProjectMember(
        self, request: datasets_pb2.AddProjectMemberRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.AddProjectMemberResponse:
        """Answers alike whether or not the email has an account (see members.add_member);
        rate limited per inviting user."""
        user = calling_user()
        role = convert.ROLE_NAMES.get(request.role, "")
        email = request.email.strip().lower()
        if not email or len(email) > 320 or "@" not in email:
            raise InvalidArgument("email must be an email address", field="email")
        await self.db.call(members.record_invitation, settings=self.settings, user_id=user.user_id)
        # Checked before the lookup, so a stranger learns nothing about who has an account.
        await self.db.call(
            service.require_role,
            project_id=request.project_id,
            user_id=user.user_id,
            required=models.OWNER,
        )
        invited = await self.lookup_user(email)
        member, token = await self.db.call(
            members.add_member,
            settings=self.settings,
            user_id=user.user_id,
            project_id=request.project_id,
            email=email,
            member_user_id=invited.id if invited is not None else None,
            role=role,
        )
        return datasets_pb2.AddProjectMemberResponse(
            member=convert.member_to_proto(member), invitation_token=token
        )

    async def AcceptProjectInvitation(
        self,
        request: datasets_pb2.AcceptProjectInvitationRequest,
        context: grpc.aio.ServicerContext,
    ) -> datasets_pb2.AcceptProjectInvitationResponse:
        user = calling_user()
        project, role = await self.db.call(
            members.accept_invitation,
            user_id=user.user_id,
            email=user.email,
            token=request.token.strip(),
        )
        return datasets_pb2.AcceptProjectInvitationResponse(
            project=convert.project_to_proto(project, role)
        )

    async def RemoveProjectMember(
        self, request: datasets_pb2.RemoveProjectMemberRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.RemoveProjectMemberResponse:
        # An email alone names an invitation not yet taken up.
        if not request.user_id and request.email:
            remove, whom = members.cancel_invitation, {"email": request.email}
        else:
            remove, whom = members.remove_member, {"member_user_id": request.user_id}
        await self.db.call(
            remove, user_id=calling_user().user_id, project_id=request.project_id, **whom
        )
        return datasets_pb2.RemoveProjectMemberResponse()

    async def ChangeMemberRole(
        self, request: datasets_pb2.ChangeMemberRoleRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ChangeMemberRoleResponse:
        member = await self.db.call(
            members.change_member_role,
            user_id=calling_user().user_id,
            project_id=request.project_id,
            member_user_id=request.user_id,
            role=convert.ROLE_NAMES.get(request.role, ""),
        )
        return datasets_pb2.ChangeMemberRoleResponse(
            member=convert.member_to_proto(
                members.Invited(
                    member.project_id,
                    member.email,
                    member.role,
                    str(member.user_id),
                    member.added_at,
                    pending=member.joined_at is None,
                )
            )
        )

    async def ListProjectMembers(
        self, request: datasets_pb2.ListProjectMembersRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListProjectMembersResponse:
        principal = calling_user()
        listed, next_token = await self.db.call(
            members.list_members,
            user_id=principal.user_id,
            project_id=request.project_id,
            **page_of(request),
            reveal_pending=principal.is_service,
        )
        return datasets_pb2.ListProjectMembersResponse(
            members=[convert.member_to_proto(m) for m in listed], next_page_token=next_token
        )

    async def CheckProjectAccess(
        self, request: datasets_pb2.CheckProjectAccessRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CheckProjectAccessResponse:
        require_service("this call is for services only", reason="SERVICE_ONLY")
        required = convert.ROLE_NAMES.get(request.required_role)
        if required is None:
            raise InvalidArgument("required_role must be set", field="required_role")
        role, project, owners = await self.db.call(
            project_settings.access_and_policy,
            project_id=request.project_id,
            user_id=request.user_id,
            include_owners=request.include_owners,
        )
        allowed = role is not None and models.ROLE_RANK[role] >= models.ROLE_RANK[required]
        return datasets_pb2.CheckProjectAccessResponse(
            allowed=allowed,
            role=convert.ROLES[role] if role else datasets_pb2.PROJECT_ROLE_UNSPECIFIED,
            settings=convert.settings_to_proto(project) if project else None,
            owner_ids=owners,
        )
