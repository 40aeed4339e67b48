"""Datasets domain logic: projects and the roles in them, dataset rows and their events
(members and invitations are in ``members``; the tables added to a dataset and the relations
between its tables in ``table_service``).

Every function takes the session as a keyword and runs in one transaction. Access rule: a
user who is not a member of a project gets NOT_FOUND for it and everything in it (its
existence is not revealed); a member whose role is too low gets PERMISSION_DENIED.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from common.events import new_event
from common.ids import parse_id
from common.outbox import enqueue
from common.pagination import MAX_PAGE_SIZE, paginate

# change_events: every change of projects, members and datasets goes to the outbox as it flushes.
from services.datasets import change_events, files, storage_quota  # noqa: F401
from services.datasets.ingest import IngestOptions
from services.datasets.models import (
    EDITOR,
    INGESTING,
    OWNER,
    READY,
    ROLE_RANK,
    VIEWER,
    Connection,
    Dataset,
    DatasetTable,
    Project,
    ProjectMember,
    outbox,
)
from services.datasets.tables import default_table_name, first_table_name
from synthetica.events.v1 import events_pb2

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000

# The rows a project owns that its members reach by their own id.
Owned = TypeVar("Owned", Dataset, Connection)


def utcnow() -> datetime:
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
            .values(joined_at=utcnow())
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
    require_rank(role, required)
    return project, role


def require_rank(role: str, required: str) -> None:
    if ROLE_RANK[role] < ROLE_RANK[required]:
        raise PermissionDenied(
            f"this needs the {required} role in the project; you are {role}",
            reason="PROJECT_ROLE_TOO_LOW",
            metadata={"required_role": required, "role": role},
        )


def _as_member(entity: type[Owned]) -> Select[Any]:
    """A row of ``entity`` with the caller's role in its project, for the parameters
    ``entity_id`` and ``user_id``."""
    return (
        select(entity, ProjectMember.role)
        .join(ProjectMember, ProjectMember.project_id == entity.project_id)
        .where(entity.id == bindparam("entity_id"), ProjectMember.user_id == bindparam("user_id"))
    )


# Built once, not per call: building a statement cost a dataset's read a third of its time.
# A dataset comes with its added tables, joined (one statement, not a second query).
AS_MEMBER: dict[type, Select[Any]] = {
    Dataset: _as_member(Dataset).options(joinedload(Dataset.added_tables)),
    Connection: _as_member(Connection),
}


def get_as_member(
    session: Session,
    entity: type[Owned],
    entity_id: uuid.UUID,
    *,
    user_id: str,
    required: str,
    statement: Select[Any] | None = None,
) -> Owned:
    """The row of a project's dataset or connection with the caller's role in the project
    checked, in one query (``AS_MEMBER``'s, unless ``statement`` is given): NotFound for a
    non-member (or no such row), PermissionDenied below ``required``."""
    params = {"entity_id": entity_id, "user_id": parse_id(user_id, "user_id")}
    row = (
        session.execute(AS_MEMBER[entity] if statement is None else statement, params)
        # A joined collection repeats the row once per related row.
        .unique()
        .one_or_none()
    )
    if row is None:
        noun = entity.__tablename__.removesuffix("s")
        raise NotFound(f"{noun} not found", reason=f"{noun.upper()}_NOT_FOUND")
    found, role = row
    require_rank(role, required)
    return found


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
        .values(joined_at=utcnow())
    )
    query = select(Project).join(
        ProjectMember,
        (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == uid),
    )
    projects, next_token = paginate(
        session, query, page_size=page_size, page_token=page_token, newest_first=True
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


def describe_project(project: Project, *, name: str | None, description: str | None) -> None:
    """Renames the project and changes its description (None: left as it is)."""
    if name is not None:
        project.name = validate_name(name)
    if description is not None:
        project.description = _description(description)
    project.updated_at = utcnow()


def delete_project(*, session: Session, user_id: str, project_id: str) -> list[str]:
    """Deletes the project, its members and datasets (one dataset.deleted event each);
    returns the dataset ids whose files the caller removes after the commit."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=OWNER)
    datasets = list(session.scalars(select(Dataset).where(Dataset.project_id == project.id)))
    for dataset in datasets:
        _deleted_event(session, dataset)
        session.delete(dataset)
    storage_quota.release_for_project(session=session, project_id=project.id)
    session.flush()
    session.delete(project)
    return [str(d.id) for d in datasets]


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
    table_name: str = "",
) -> Dataset:
    """The row of an upload whose bytes are stored, INGESTING until the worker reports."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=EDITOR)
    name = validate_name(name)
    dataset = Dataset(
        id=uuid.UUID(dataset_id),
        project_id=project.id,
        name=name,
        table_name=table_name or default_table_name(file_name, name),
        file_name=file_name,
        status=INGESTING,
        created_by=parse_id(user_id, "user_id"),
        options=options.stored(),
        size_bytes=size_bytes,
        added_tables=[],
    )
    session.add(dataset)
    session.flush()
    return dataset


def get_dataset(
    *,
    session: Session,
    user_id: str,
    dataset_id: str,
    required: str = VIEWER,
    statement: Select[Any] | None = None,
) -> Dataset:
    """The dataset, its added tables and the caller's role in its project checked, in one
    query: NotFound for a non-member (or no such dataset), PermissionDenied below
    ``required``."""
    did = parse_id(dataset_id, "dataset_id")
    if not user_id:
        raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
    return get_as_member(
        session, Dataset, did, user_id=user_id, required=required, statement=statement
    )


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
    return list_in_project(session, Dataset, user_id, project_id, page_size, page_token)


def list_in_project(
    session: Session,
    entity: type[Owned],
    user_id: str,
    project_id: str,
    page_size: int,
    page_token: str,
) -> tuple[list[Owned], str]:
    """A page of a project's datasets or connections, newest first, for any member."""
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=VIEWER)
    return paginate(
        session,
        select(entity).where(entity.project_id == project.id),
        page_size=page_size,
        page_token=page_token,
        newest_first=True,
    )


def existing_dataset_ids(*, session: Session, dataset_ids: list[str]) -> list[str]:
    """Which of these ids (folder names in storage; anything else is skipped) have a row."""
    return existing_ids(session, Dataset, dataset_ids)


def existing_ids(
    session: Session, table: type[Dataset | DatasetTable], values: list[str]
) -> list[str]:
    """Which of these ids (folder names in storage; anything else is skipped) have a row in
    ``table``."""
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    if not ids:
        return []
    return [str(i) for i in session.scalars(select(table.id).where(table.id.in_(ids)))]


def ingesting_ids(*, session: Session) -> list[str]:
    return [str(i) for i in session.scalars(select(Dataset.id).where(Dataset.status == INGESTING))]


def save_metadata(
    *, session: Session, user_id: str, dataset_id: str, metadata: dict[str, Any], table: str = ""
) -> Dataset:
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    row, _ = resolve_table(dataset, table)
    row.table_metadata = metadata
    dataset.updated_at = utcnow()
    return dataset


def delete_dataset(*, session: Session, user_id: str, dataset_id: str) -> Dataset:
    dataset = get_dataset(session=session, user_id=user_id, dataset_id=dataset_id, required=EDITOR)
    _deleted_event(session, dataset)
    session.delete(dataset)
    # Training deletes the batches made from it on dataset.deleted; their bytes go now.
    storage_quota.release_for_datasets(session=session, dataset_ids=[dataset.id])
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


def resolve_table(dataset: Dataset, name: str) -> tuple[Dataset | DatasetTable, str]:
    """The ready table ``name`` of a ready dataset (the first one for an empty name) and the
    unit that names its files (see files.table_unit)."""
    require_ready(dataset)
    if not name or name == first_table_name(dataset):
        return dataset, str(dataset.id)
    table = next((t for t in dataset.added_tables if t.name == name), None)
    if table is None:
        raise NotFound(f"the dataset has no table {name[:80]!r}", reason="TABLE_NOT_FOUND")
    if table.status != READY:
        raise FailedPrecondition(
            f"the table {name!r} is {table.status}, not ready", reason="TABLE_NOT_READY"
        )
    return table, files.table_unit(str(dataset.id), str(table.id))
