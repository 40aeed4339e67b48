"""Project settings: the guarantees owners set for everybody in a project (the privacy gate on
downloads of synthetic batches, approval of editors' training and generation requests), and
how other services read them (with the project's owners, to notify them).

Owners change them with UpdateProject; an admin may change them on any project, member or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.contracts.privacy_gate import PrivacyGate
from common.errors import NotFound
from common.ids import parse_id
from services.datasets import service
from services.datasets.models import OWNER, Project, ProjectMember


@dataclass(frozen=True)
class ProjectSettingsUpdate:
    """The settings an UpdateProject changes (None: left as they are)."""

    privacy_gate: PrivacyGate | None = None
    approval_required: bool | None = None


def update_project(
    *,
    session: Session,
    user_id: str,
    project_id: str,
    name: str | None,
    description: str | None,
    settings: ProjectSettingsUpdate,
    is_admin: bool,
) -> tuple[Project, str | None]:
    """The project changed, and the caller's role (None for an admin who is not a member).
    Owners change everything; an admin changes the settings of any project."""
    if is_admin and name is None and description is None:
        project, role = _project_for_admin(session, project_id, user_id)
        project.updated_at = service.utcnow()
    else:
        project, role = service.require_role(
            session, project_id=project_id, user_id=user_id, required=OWNER
        )
        service.describe_project(project, name=name, description=description)
    if settings.privacy_gate is not None:
        project.privacy_gate = settings.privacy_gate
    if settings.approval_required is not None:
        project.approval_required = settings.approval_required
    return project, role


def _project_for_admin(
    session: Session, project_id: str, user_id: str
) -> tuple[Project, str | None]:
    pid = parse_id(project_id, "project_id")
    project = session.get(Project, pid)
    if project is None:
        raise NotFound("project not found", reason="PROJECT_NOT_FOUND")
    return project, service.member_role(session, pid, user_id)


def project_policy(
    *, session: Session, project_id: str, include_owners: bool
) -> tuple[Project, list[str]] | None:
    """The project (for its settings) and, when asked, its owners' user ids; None when there
    is no such project."""
    project = session.get(Project, parse_id(project_id, "project_id"))
    if project is None:
        return None
    owners: list[str] = []
    if include_owners:
        rows = session.scalars(
            select(ProjectMember.user_id).where(
                ProjectMember.project_id == project.id, ProjectMember.role == OWNER
            )
        )
        owners = [str(user_id) for user_id in rows]
    return project, owners


def access_and_policy(
    *, session: Session, project_id: str, user_id: str, include_owners: bool
) -> tuple[str | None, Project | None, list[str]]:
    """What CheckProjectAccess answers, in one transaction: the user's role (None: not a
    member), the project (None: no such project) and, when asked, its owners."""
    role = service.check_access(session=session, project_id=project_id, user_id=user_id)
    policy = project_policy(session=session, project_id=project_id, include_owners=include_owners)
    if policy is None:
        return None, None, []
    return role, *policy
