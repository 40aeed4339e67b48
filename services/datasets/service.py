"""Datasets domain logic: projects, members and their roles, dataset rows and their events.

Every function takes the session as a keyword and runs in one transaction. Access rule: a
user who is not a member of a project gets NOT_FOUND for it and everything in it (its
existence is not revealed); a member whose role is too low gets PERMISSION_DENIED.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
)
from common.events import new_event
from common.ids import parse_id
from common.outbox import enqueue
from common.pagination import MAX_PAGE_SIZE, paginate
from services.datasets.ingest import IngestOptions
from services.datasets.models import (
    EDITOR,
    FAILED,
    INGESTING,
    OWNER,
    READY,
    ROLE_RANK,
    VIEWER,
    Dataset,
    InvitationSent,
    Project,
    ProjectInvitation,
    ProjectMember,
    outbox,
)
from synthetica.events.v1 import events_pb2

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000


def _now() -> datetime:
    return datetime.now(UTC)


def validate_name(value: str, field: str = "name") -> str:
    name = value.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidArgument(f"{field} must be 1 to {MAX_NAME_CHARS} characters", field=field)
    return name


def _description(value: str) -> str:
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise InvalidArgument(
            f"description must be at most {MAX_DESCRIPTION_CHARS} characters", field="description"
        )
    return value.strip()


# --- access -----------------------------------------------------------------------------


def member_role(session: Session, project_id: uuid.UUID, user_id: str) -> str | None:
    """The user's role in the project (None: not a member). A member's first use of the
    project marks them joined (see ProjectMember.joined_at)."""
    if not user_id:
        return None
    uid = parse_id(user_id, "user_id")
    row = session.execute(
        select(ProjectMember.role, ProjectMember.joined_at).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == uid
        )
    ).first()
    if row is None:
        return None
    if row.joined_at is None:
        session.execute(
            update(ProjectMember)
            .where(ProjectMember.project_id == project_id, ProjectMember.user_id == uid)
            .values(joined_at=_now())
        )
    return row.role


def require_role(
    session: Session, *, project_id: str | uuid.UUID, user_id: str, required: str
) -> tuple[Project, str]:
    """The project and the caller's role in it, when that role is at least ``required``."""
    pid = project_id if isinstance(project_id, uuid.UUID) else parse_id(project_id, "project_id")
    role = member_role(session, pid, user_id)
    project = session.get(Project, pid) if role else None
    if project is None or role is None:
        raise NotFound("project not found", reason="PROJECT_NOT_FOUND")
    _require_rank(role, required)
    return project, role


def _require_rank(role: str, required: str) -> None:
    if ROLE_RANK[role] < ROLE_RANK[required]:
        raise PermissionDenied(
            f"this needs the {required} role in the project; you are {role}",
            reason="PROJECT_ROLE_TOO_LOW",
            metadata={"required_role": required, "role": role},
        )


def check_access(*, session: Session, project_id: str, user_id: str) -> str | None:
    """The user's role in the project, None when not a member (or no such project)."""
    return member_role(session, parse_id(project_id, "project_id"), user_id)


# --- projects ---------------------------------------------------------------------------


def create_project(
    *, session: Session, user_id: str, email: str, name: str, description: str
) -> tuple[Project, str]:
    project = Project(
        name=validate_name(name),
        description=_description(description),
        owner_id=parse_id(user_id, "user"),
    )
    session.add(project)
    session.flush()
    session.add(
        ProjectMember(project_id=project.id, user_id=project.owner_id, email=email, role=OWNER)
    )
    session.flush()
    return project, OWNER


def get_project(*, session: Session, user_id: str, project_id: str) -> tuple[Project, str]:
    return require_role(session, project_id=project_id, user_id=user_id, required=VIEWER)


def list_projects(
    *, session: Session, user_id: str, page_size: int, page_token: str
) -> tuple[list[tuple[Project, str]], str]:
    uid = parse_id(user_id, "user_id")
    # Listing one's projects is using them: every membership of the user is joined.
    session.execute(
        update(ProjectMember)
        .where(ProjectMember.user_id == uid, ProjectMember.joined_at.is_(None))
        .values(joined_at=_now())
    )
    query = select(Project).join(
        ProjectMember,
        (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == uid),
    )
    projects, next_token = paginate(
        session,
        query,
        created_at=Project.created_at,
        row_id=Project.id,
        page_size=page_size,
        page_token=page_token,
        newest_first=True,
    )
    roles = dict(
        session.execute(
            select(ProjectMember.project_id, ProjectMember.role).where(
                ProjectMember.user_id == uid,
                ProjectMember.project_id.in_([p.id for p in projects]),
            )
        ).all()
    )
    return [(p, roles[p.id]) for p in projects], next_token


def _batch_ids(values: list[str], field: str) -> list[uuid.UUID]:
    if len(values) > MAX_PAGE_SIZE:
        raise InvalidArgument(f"at most {MAX_PAGE_SIZE} ids at once", field=field)
    return [parse_id(v, field) for v in dict.fromkeys(values)]


def batch_get_projects(
    *, session: Session, user_id: str, project_ids: list[str]
) -> list[tuple[Project, str]]:
    """The projects among ``project_ids`` that the user is a member of, with the user's role;
    the others are left out, as if they did not exist."""
    ids = _batch_ids(project_ids, "project_ids")
    rows = session.execute(
        select(Project, ProjectMember.role)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(Project.id.in_(ids), ProjectMember.user_id == parse_id(user_id, "user_id"))
    ).all()
    return [(project, role) for project, role in rows]


def batch_get_datasets(*, session: Session, user_id: str, dataset_ids: list[str]) -> list[Dataset]:
    """The datasets among ``dataset_ids`` in projects the user is a member of."""
    ids = _batch_ids(dataset_ids, "dataset_ids")
    member_of = select(ProjectMember.project_id).where(
        ProjectMember.user_id == parse_id(user_id, "user_id")
    )
    return list(
        session.scalars(
            select(Dataset).where(Dataset.id.in_(ids), Dataset.project_id.in_(member_of))
        )
    )


def update_project(
    *,
    session: Session,
    user_id: str,
    project_id: str,
    name: str | None,
    description: str | None,
) -> tuple[Project, str]:
    project, role = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    if name is not None:
        project.name = validate_name(name)
    if description is not None:
        project.description = _description(description)
    project.updated_at = _now()
    return project, role


def delete_project(*, session: Session, user_id: str, project_id: str) -> list[str]:
    """Deletes the project, its members and datasets (one dataset.deleted event each);
    returns the dataset ids whose files the caller removes after the commit."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    datasets = list(session.scalars(select(Dataset).where(Dataset.project_id == project.id)))
    for dataset in datasets:
        _deleted_event(session, dataset)
        session.delete(dataset)
    session.flush()
    session.delete(project)
    return [str(d.id) for d in datasets]


# --- members ----------------------------------------------------------------------------


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
    now = _now()
    since = now - timedelta(seconds=settings.invitations_window_seconds)
    count, oldest = session.execute(
        select(func.count(), func.min(InvitationSent.created_at)).where(
            InvitationSent.user_id == uid, InvitationSent.created_at > since
        )
    ).one()
    if count >= settings.invitations_per_user:
        wait = settings.invitations_window_seconds - (now - oldest).total_seconds()
        raise ResourceExhausted(
            "too many invitations; try again later",
            reason="INVITATIONS_RATE_LIMITED",
            retry_after_seconds=max(1.0, wait),
        )
    session.add(InvitationSent(user_id=uid, created_at=now))


def add_member(
    *,
    session: Session,
    settings: Any,
    user_id: str,
    project_id: str,
    email: str,
    member_user_id: str | None,
    role: str,
) -> Invited:
    """Invites ``email`` (``member_user_id``: its account, if it has one). An account becomes
    a member at once, seen by the others as pending until it first uses the project; an
    email without an account gets a pending invitation, taken up when it registers. Both
    answer alike. Inviting a member again changes their role."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    role = _role_value(role)
    if member_user_id is not None:
        member = session.get(ProjectMember, (project.id, parse_id(member_user_id, "user_id")))
        if member is not None:
            if member.role != role:
                _keep_an_owner(session, project.id, member)
            member.role = role
            return _invited(member)
    _check_pending_room(session, settings, project.id, email)
    if member_user_id is not None:
        member = ProjectMember(
            project_id=project.id, user_id=uuid.UUID(member_user_id), email=email, role=role
        )
        session.add(member)
        session.flush()
        return _invited(member)
    invitation = session.get(ProjectInvitation, (project.id, email))
    if invitation is None:
        invitation = ProjectInvitation(
            project_id=project.id, email=email, role=role, invited_by=parse_id(user_id, "user")
        )
        session.add(invitation)
    invitation.role = role
    session.flush()
    return Invited(project.id, email, role, "", invitation.created_at, pending=True)


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


def accept_invitations(*, session: Session, email: str, user_id: str) -> int:
    """Turns the pending invitations of ``email`` into memberships of the account that
    registered it (idempotent: a redelivered event finds nothing left to do)."""
    email = email.strip().lower()
    uid = parse_id(user_id, "user_id")
    invitations = list(
        session.scalars(
            select(ProjectInvitation).where(ProjectInvitation.email == email).with_for_update()
        )
    )
    for invitation in invitations:
        if session.get(ProjectMember, (invitation.project_id, uid)) is None:
            session.add(
                ProjectMember(
                    project_id=invitation.project_id, user_id=uid, email=email, role=invitation.role
                )
            )
        session.delete(invitation)
    return len(invitations)


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
    session.execute(
        delete(ProjectMember).where(
            ProjectMember.project_id == project.id,
            ProjectMember.email == email,
            ProjectMember.joined_at.is_(None),
        )
    )


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


# --- datasets ---------------------------------------------------------------------------


def create_dataset(
    *,
    session: Session,
    user_id: str,
    project_id: str,
    dataset_id: str,
    name: str,
    file_name: str,
    options: IngestOptions,
    size_bytes: int,
) -> Dataset:
    """The row of an upload whose bytes are stored, INGESTING until the worker reports."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=EDITOR)
    dataset = Dataset(
        id=uuid.UUID(dataset_id),
        project_id=project.id,
        name=validate_name(name),
        file_name=file_name,
        status=INGESTING,
        created_by=parse_id(user_id, "user_id"),
        options=options.stored(),
        size_bytes=size_bytes,
    )
    session.add(dataset)
    session.flush()
    return dataset


def get_dataset(
    *, session: Session, user_id: str, dataset_id: str, required: str = VIEWER
) -> Dataset:
    """The dataset with the caller's role in its project checked, in one query: NotFound for
    a non-member (or no such dataset), PermissionDenied below ``required``."""
    did = parse_id(dataset_id, "dataset_id")
    if not user_id:
        raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
    row = session.execute(
        select(Dataset, ProjectMember.role)
        .join(ProjectMember, ProjectMember.project_id == Dataset.project_id)
        .where(Dataset.id == did, ProjectMember.user_id == parse_id(user_id, "user_id"))
    ).one_or_none()
    if row is None:
        raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
    dataset, role = row
    _require_rank(role, required)
    return dataset


def get_ready_dataset(*, session: Session, user_id: str, dataset_id: str) -> Dataset:
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id)
    require_ready(dataset)
    return dataset


def require_ready(dataset: Dataset) -> None:
    if dataset.status != READY:
        raise FailedPrecondition(
            f"the dataset is {dataset.status}, not ready", reason="DATASET_NOT_READY"
        )


def list_datasets(
    *, session: Session, user_id: str, project_id: str, page_size: int, page_token: str
) -> tuple[list[Dataset], str]:
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=VIEWER)
    return paginate(
        session,
        select(Dataset).where(Dataset.project_id == project.id),
        created_at=Dataset.created_at,
        row_id=Dataset.id,
        page_size=page_size,
        page_token=page_token,
        newest_first=True,
    )


def finish_ingestion(
    *, session: Session, dataset_id: str, outcome: dict[str, Any]
) -> Dataset | None:
    """Records the worker's outcome and its event; None when the dataset was deleted meanwhile."""
    dataset = session.get(Dataset, uuid.UUID(dataset_id), with_for_update=True)
    if dataset is None or dataset.status != INGESTING:
        return dataset
    if outcome["ok"]:
        _mark_ready(dataset, outcome)
        body = events_pb2.DatasetUploaded(
            dataset_id=dataset_id,
            name=dataset.name,
            row_count=dataset.row_count,
            column_count=len(dataset.columns),
        )
        event = new_event(body, user_id=str(dataset.created_by), project_id=str(dataset.project_id))
    else:
        dataset.status = FAILED
        dataset.error = outcome["message"]
        dataset.error_code = outcome["code"].upper()
        event = new_event(
            events_pb2.DatasetFailed(dataset_id=dataset_id, name=dataset.name, error=dataset.error),
            user_id=str(dataset.created_by),
            project_id=str(dataset.project_id),
        )
    dataset.updated_at = _now()
    enqueue(session, outbox, event)
    return dataset


def _mark_ready(dataset: Dataset, outcome: dict[str, Any]) -> None:
    dataset.status = READY
    for field in ("size_bytes", "row_count", "train_row_count", "holdout_row_count"):
        setattr(dataset, field, outcome[field])
    dataset.columns = outcome["columns"]
    dataset.detected = outcome["detected"]
    dataset.warnings = outcome["warnings"]
    dataset.table_metadata = outcome["metadata"]
    dataset.stats = outcome["stats"]


def existing_dataset_ids(*, session: Session, dataset_ids: list[str]) -> list[str]:
    """Which of these ids (folder names in storage; anything else is skipped) have a row."""
    ids = []
    for value in dataset_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    if not ids:
        return []
    return [str(i) for i in session.scalars(select(Dataset.id).where(Dataset.id.in_(ids)))]


def ingesting_ids(*, session: Session) -> list[str]:
    return [str(i) for i in session.scalars(select(Dataset.id).where(Dataset.status == INGESTING))]


def save_metadata(
    *, session: Session, user_id: str, dataset_id: str, metadata: dict[str, Any]
) -> Dataset:
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    require_ready(dataset)
    dataset.table_metadata = metadata
    dataset.updated_at = _now()
    return dataset


def delete_dataset(*, session: Session, user_id: str, dataset_id: str) -> Dataset:
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    _deleted_event(session, dataset)
    session.delete(dataset)
    return dataset


def _deleted_event(session: Session, dataset: Dataset) -> None:
    enqueue(
        session,
        outbox,
        new_event(
            events_pb2.DatasetDeleted(dataset_id=str(dataset.id)),
            user_id=str(dataset.created_by),
            project_id=str(dataset.project_id),
        ),
    )
