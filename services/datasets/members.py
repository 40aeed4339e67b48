"""Project members and invitations: who may do what in a project.

Adding a member answers alike whether or not the email has an account: an account has
access at once and shows as a member once it uses the project; an email without one is
invited, and the invitation is taken by whoever presents its token (shown once to the
inviter, who passes it on, as a Slack or GitHub invitation link). Registering the email does
not take it: no email address is verified here, so the first to register it could.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
)
from common.ids import parse_id
from common.pagination import paginate
from common.windows import refuse_past_limit
from services.datasets.change_events import INVITATION_ACCEPTED, member_removed
from services.datasets.models import (
    OWNER,
    ROLE_RANK,
    VIEWER,
    InvitationSent,
    Project,
    ProjectInvitation,
    ProjectMember,
)
from services.datasets.service import require_role, utcnow


def _role_value(role: str) -> str:
    if role not in ROLE_RANK:
        raise InvalidArgument("role must be owner, editor or viewer", field="role")
    return role


def _member(session: Session, project_id: uuid.UUID, user_id: str) -> ProjectMember:
    member = session.get(ProjectMember, (project_id, parse_id(user_id, "user_id")))
    if member is None:
        raise NotFound("this user is not a member of the project", reason="MEMBER_NOT_FOUND")
    return member


def _keep_an_owner(session: Session, project_id: uuid.UUID, member: ProjectMember) -> None:
    owners = session.scalar(
        select(func.count()).where(
            ProjectMember.project_id == project_id, ProjectMember.role == OWNER
        )
    )
    if member.role == OWNER and owners <= 1:
        raise FailedPrecondition(
            "a project needs at least one owner: make someone else owner first",
            reason="LAST_OWNER",
        )


@dataclass(frozen=True)
class Invited:
    """What an owner learns from an invitation: the email and role, and the member's id
    only once they have joined (never whether the email has an account)."""

    project_id: uuid.UUID
    email: str
    role: str
    user_id: str
    added_at: datetime | None
    pending: bool


def record_invitation(*, session: Session, settings: Any, user_id: str) -> None:
    """Counts an addProjectMember call of ``user_id``; raises ResourceExhausted past the
    limit. Runs in its own transaction, before the invitation, so a refused or failed call
    counts too."""
    uid = parse_id(user_id, "user_id")
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"invitations {uid}"})
    now = utcnow()
    refuse_past_limit(
        session,
        InvitationSent.created_at,
        InvitationSent.user_id == uid,
        limit=settings.invitations_per_user,
        window_seconds=settings.invitations_window_seconds,
        now=now,
        message="too many invitations; try again later",
        reason="INVITATIONS_RATE_LIMITED",
    )
    session.add(InvitationSent(user_id=uid, created_at=now))


# An invitation's token: a prefix that names it, and 256 random bits.
TOKEN_PREFIX = "syninv_"  # noqa: S105 - a prefix, not a secret
MAX_TOKEN_LENGTH = 100


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_member(
    *,
    session: Session,
    settings: Any,
    user_id: str,
    project_id: str,
    email: str,
    member_user_id: str | None,
    role: str,
) -> tuple[Invited, str]:
    """Invites ``email`` (``member_user_id``: its account, if it has one), and a new token.
    An account becomes a member at once, seen by the others as pending until it first uses
    the project; an email without an account gets a pending invitation, taken with the token
    (a new one each time it is invited: the one before no longer works). Both answer alike,
    token included (an account's joins nothing). Inviting a member again changes their role."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    role = _role_value(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    if member_user_id is not None:
        member = session.get(ProjectMember, (project.id, parse_id(member_user_id, "user_id")))
        if member is not None:
            if member.role != role:
                _keep_an_owner(session, project.id, member)
            member.role = role
            return _invited(member), token
    _check_pending_room(session, settings, project.id, email)
    if member_user_id is not None:
        member = ProjectMember(
            project_id=project.id, user_id=uuid.UUID(member_user_id), email=email, role=role
        )
        session.add(member)
        session.flush()
        return _invited(member), token
    invitation = session.get(ProjectInvitation, (project.id, email))
    if invitation is None:
        invitation = ProjectInvitation(
            project_id=project.id, email=email, role=role, invited_by=parse_id(user_id, "user")
        )
        session.add(invitation)
    invitation.role = role
    invitation.token_hash = _token_hash(token)
    session.flush()
    return Invited(project.id, email, role, "", invitation.created_at, pending=True), token


def _check_pending_room(session: Session, settings: Any, project_id: uuid.UUID, email: str) -> None:
    pending = session.scalar(
        select(func.count()).where(
            ProjectMember.project_id == project_id, ProjectMember.joined_at.is_(None)
        )
    ) + session.scalar(
        select(func.count()).where(
            ProjectInvitation.project_id == project_id, ProjectInvitation.email != email
        )
    )
    if pending >= settings.max_pending_invitations_per_project:
        raise FailedPrecondition(
            f"the project has {pending} invitations nobody has taken up yet; "
            "cancel some before inviting more",
            reason="TOO_MANY_PENDING_INVITATIONS",
        )


def _invited(member: ProjectMember, *, reveal_pending: bool = False) -> Invited:
    pending = member.joined_at is None
    return Invited(
        member.project_id,
        member.email,
        member.role,
        "" if pending and not reveal_pending else str(member.user_id),
        member.added_at,
        pending=pending,
    )


def accept_invitation(
    *, session: Session, user_id: str, email: str, token: str
) -> tuple[Project, str]:
    """Makes the caller a member of the invitation's project, with its role, and consumes
    it; the project and the caller's role. NotFound alike for a token never given, taken,
    withdrawn or replaced, and for a caller who is a member of its project already (the
    token of an account invited, which joined at once, joins nothing: so an owner trying
    the tokens learns nothing about who has an account)."""
    uid = parse_id(user_id, "user_id")
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidArgument("this is not an invitation token", field="token")
    invitation = session.scalar(
        select(ProjectInvitation)
        .where(ProjectInvitation.token_hash == _token_hash(token))
        .with_for_update()
    )
    if invitation is None or session.get(ProjectMember, (invitation.project_id, uid)):
        raise NotFound(
            "no such invitation: it was taken, withdrawn or replaced by a newer one, or you"
            " are a member of its project already",
            reason="INVITATION_NOT_FOUND",
        )
    session.info[INVITATION_ACCEPTED] = True
    session.add(
        ProjectMember(
            project_id=invitation.project_id,
            user_id=uid,
            # Who joined, as their account says (the invitation named an address nobody
            # verified); the invited one when the caller's token carries none.
            email=(email or invitation.email).strip().lower(),
            role=invitation.role,
            joined_at=utcnow(),
        )
    )
    session.delete(invitation)
    session.flush()
    return require_role(
        session, project_id=str(invitation.project_id), user_id=user_id, required=VIEWER
    )


def cancel_invitation(*, session: Session, user_id: str, project_id: str, email: str) -> None:
    """Owners withdraw what is pending for ``email``: an invitation, or a membership not yet
    used (the same thing, seen from the project)."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    email = email.strip().lower()
    session.execute(
        delete(ProjectInvitation).where(
            ProjectInvitation.project_id == project.id, ProjectInvitation.email == email
        )
    )
    cancelled = session.execute(
        delete(ProjectMember)
        .where(
            ProjectMember.project_id == project.id,
            ProjectMember.email == email,
            ProjectMember.joined_at.is_(None),
        )
        .returning(ProjectMember.user_id, ProjectMember.role)
    )
    for member_id, role in cancelled.all():
        member_removed(session, project_id=project.id, user_id=member_id, role=role)


def remove_member(*, session: Session, user_id: str, project_id: str, member_user_id: str) -> None:
    """Owners remove anyone; any member may leave (remove themselves)."""
    required = VIEWER if member_user_id == user_id else OWNER
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=required)
    member = _member(session, project.id, member_user_id)
    _keep_an_owner(session, project.id, member)
    session.delete(member)


def change_member_role(
    *, session: Session, user_id: str, project_id: str, member_user_id: str, role: str
) -> ProjectMember:
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    role = _role_value(role)
    member = _member(session, project.id, member_user_id)
    if role != OWNER:
        _keep_an_owner(session, project.id, member)
    member.role = role
    return member


def list_members(
    *,
    session: Session,
    user_id: str,
    project_id: str,
    page_size: int,
    page_token: str,
    reveal_pending: bool = False,
) -> tuple[list[Invited], str]:
    """Members, oldest first; the last page also lists the invitations to emails without an
    account. A member who has not used the project yet looks just like such an invitation
    (no user id) unless ``reveal_pending`` (services, which notify invitees)."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=VIEWER)
    members, token = paginate(
        session,
        select(ProjectMember).where(ProjectMember.project_id == project.id),
        created_at=ProjectMember.added_at,
        row_id=ProjectMember.user_id,
        page_size=page_size,
        page_token=page_token,
    )
    listed = [_invited(m, reveal_pending=reveal_pending) for m in members]
    if not token:
        invitations = session.scalars(
            select(ProjectInvitation)
            .where(ProjectInvitation.project_id == project.id)
            .order_by(ProjectInvitation.created_at, ProjectInvitation.email)
        )
        listed += [
            Invited(i.project_id, i.email, i.role, "", i.created_at, pending=True)
            for i in invitations
        ]
    return listed, token
