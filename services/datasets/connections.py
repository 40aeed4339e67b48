"""Connection rows: a project's saved databases, with the same access rules as its datasets
(viewers see them; editors and owners create, delete, test and use them; a non-member gets
NOT_FOUND)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.errors import AlreadyExists, FailedPrecondition
from common.ids import parse_id
from services.datasets.models import EDITOR, Connection
from services.datasets.service import (
    get_as_member,
    list_in_project,
    require_role,
    validate_name,
)


def create_connection(
    *,
    session: Session,
    user_id: str,
    project_id: str,
    name: str,
    dialect: str,
    masked_url: str,
    sealed_url: bytes,
    max_per_project: int,
) -> Connection:
    project, _ = require_role(session, project_id=project_id, user_id=user_id, required=EDITOR)
    name = validate_name(name)
    count = session.scalar(
        select(func.count()).select_from(Connection).where(Connection.project_id == project.id)
    )
    if (count or 0) >= max_per_project:
        raise FailedPrecondition(
            f"a project has at most {max_per_project} connections", reason="TOO_MANY_CONNECTIONS"
        )
    taken = session.scalar(
        select(Connection.id).where(Connection.project_id == project.id, Connection.name == name)
    )
    if taken is not None:
        raise AlreadyExists(
            f"the project has a connection named {name!r}", reason="CONNECTION_NAME_TAKEN"
        )
    connection = Connection(
        project_id=project.id,
        name=name,
        dialect=dialect,
        masked_url=masked_url,
        sealed_url=sealed_url,
        created_by=parse_id(user_id, "user_id"),
    )
    session.add(connection)
    session.flush()
    return connection


def get_connection(
    *, session: Session, user_id: str, connection_id: str, required: str = EDITOR
) -> Connection:
    cid = parse_id(connection_id, "connection_id")
    return get_as_member(session, Connection, cid, user_id=user_id, required=required)


def list_connections(
    *, session: Session, user_id: str, project_id: str, page_size: int, page_token: str
) -> tuple[list[Connection], str]:
    return list_in_project(session, Connection, user_id, project_id, page_size, page_token)


def delete_connection(*, session: Session, user_id: str, connection_id: str) -> uuid.UUID:
    connection = get_connection(session=session, user_id=user_id, connection_id=connection_id)
    session.delete(connection)
    return connection.id
