"""The facts of every change to what projects, memberships and datasets show, written to the
outbox in the transaction of the change (so none is lost and none is published for a change
that rolled back).

They are taken from the session as it flushes, not written by each write path: a project
renamed, a member added, removed or given another role, a dataset renamed, its metadata
edited, its status moved by ingestion, a table added or removed, its relations or rules
changed: every ORM write of these rows is seen, including write paths added later. Caches
of these answers (the gateway's, gateway/read_cache.py) drop what the events name.

Bulk statements bypass the session's bookkeeping: the one that deletes memberships
(``members.cancel_invitation``) calls ``member_removed`` itself. Deleting a dataset keeps
its explicit ``dataset.deleted`` (``service._deleted_event``); the other writes of
``update(...)`` here only mark a membership joined, which no answer cached shows.
"""

from __future__ import annotations

import uuid
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from common.enums import to_proto
from common.events import new_event
from common.outbox import enqueue
from services.datasets.enums import DatasetStatus
from services.datasets.models import (
    EDITOR,
    OWNER,
    VIEWER,
    Dataset,
    DatasetTable,
    Project,
    ProjectMember,
    outbox,
)
from synthetica.datasets.v1 import datasets_pb2
from synthetica.events.v1 import events_pb2

# Set in session.info by members.accept_invitation: the member it adds took up an invitation.
INVITATION_ACCEPTED = "invitation_accepted"

_ROLES = {
    VIEWER: datasets_pb2.PROJECT_ROLE_VIEWER,
    EDITOR: datasets_pb2.PROJECT_ROLE_EDITOR,
    OWNER: datasets_pb2.PROJECT_ROLE_OWNER,
}


def role_number(role: str | None) -> int:
    return _ROLES.get(role or "", datasets_pb2.PROJECT_ROLE_UNSPECIFIED)


# Stored, never shown by GetDataset (GetDatasetStats reads the statistics): a change of only
# these (an ingestion attempt taking over) is no news.
NOT_SHOWN = frozenset({"ingest_attempt", "stats", "options"})


def _changed(obj: Any) -> list[str]:
    """The attributes of ``obj`` with changes pending in this flush that answers show."""
    state = inspect(obj)
    return [
        attr.key for attr in state.attrs if attr.key not in NOT_SHOWN and attr.history.has_changes()
    ]


def _publish(session: Session, body: Message, *, user_id: Any = "", project_id: Any = "") -> None:
    user = "" if user_id is None else str(user_id)
    project = "" if project_id is None else str(project_id)
    enqueue(session, outbox, new_event(body, user_id=user, project_id=project))


def member_removed(
    session: Session, *, project_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> None:
    """For memberships deleted by a bulk statement, which the flush does not see."""
    body = events_pb2.ProjectMemberRemoved(
        project_id=str(project_id), user_id=str(user_id), role=role_number(role)
    )
    _publish(session, body, user_id=user_id, project_id=project_id)


def _dataset_updated(session: Session, dataset_id: uuid.UUID, changed: list[str]) -> None:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset in session.deleted:
        return
    body = events_pb2.DatasetUpdated(
        dataset_id=str(dataset_id),
        name=dataset.name,
        status=to_proto(DatasetStatus(dataset.status), datasets_pb2.DatasetStatus),
        changed=sorted(set(changed)),
    )
    _publish(session, body, user_id=dataset.created_by, project_id=dataset.project_id)


def _member_events(session: Session) -> None:
    accepted = bool(session.info.get(INVITATION_ACCEPTED))
    for obj in session.new:
        if isinstance(obj, ProjectMember):
            body: Message = events_pb2.ProjectMemberAdded(
                project_id=str(obj.project_id),
                user_id=str(obj.user_id),
                role=role_number(obj.role),
                invitation_accepted=accepted,
            )
            _publish(session, body, user_id=obj.user_id, project_id=obj.project_id)
    for obj in session.deleted:
        if isinstance(obj, ProjectMember):
            member_removed(session, project_id=obj.project_id, user_id=obj.user_id, role=obj.role)
    for obj in session.dirty:
        if not isinstance(obj, ProjectMember):
            continue
        history = inspect(obj).attrs.role.history
        if history.has_changes() and history.deleted and history.deleted[0] != obj.role:
            body = events_pb2.ProjectMemberRoleChanged(
                project_id=str(obj.project_id),
                user_id=str(obj.user_id),
                role=role_number(obj.role),
                previous_role=role_number(history.deleted[0]),
            )
            _publish(session, body, user_id=obj.user_id, project_id=obj.project_id)


def _project_events(session: Session) -> None:
    for obj in session.dirty:
        if isinstance(obj, Project) and _changed(obj):
            body = events_pb2.ProjectUpdated(project_id=str(obj.id), name=obj.name)
            _publish(session, body, user_id=obj.owner_id, project_id=obj.id)
    for obj in session.deleted:
        if isinstance(obj, Project):
            body = events_pb2.ProjectDeleted(project_id=str(obj.id))
            _publish(session, body, user_id=obj.owner_id, project_id=obj.id)


def _dataset_events(session: Session) -> None:
    changed: dict[uuid.UUID, list[str]] = {}
    for obj in session.dirty:
        if isinstance(obj, Dataset) and (keys := _changed(obj)):
            changed.setdefault(obj.id, []).extend(keys)
    for objs in (session.new, session.dirty, session.deleted):
        for obj in objs:
            if isinstance(obj, DatasetTable) and obj.dataset_id is not None:
                if obj in session.dirty and not _changed(obj):
                    continue
                changed.setdefault(obj.dataset_id, []).append("added_tables")
    for dataset_id, keys in changed.items():
        _dataset_updated(session, dataset_id, keys)


@event.listens_for(Session, "before_flush")
def _changes_to_outbox(session: Session, _context: Any, _instances: Any) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    _member_events(session)
    _project_events(session)
    _dataset_events(session)
