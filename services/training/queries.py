"""Reading the training service's models, jobs and batches back: one by id, or a page of them
newest first (plain functions taking a session, as ``service``'s)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import InvalidArgument, NotFound
from common.ids import parse_id
from common.pagination import MAX_PAGE_SIZE, paginate
from services.training import models as m


def get_job(*, session: Session, job_id: str) -> m.Job:
    job = session.get(m.Job, parse_id(job_id, "job_id"))
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def get_model(*, session: Session, model_id: str) -> m.Model:
    model = session.get(m.Model, parse_id(model_id, "model_id"))
    if model is None:
        raise NotFound(f"model {model_id} not found")
    return model


def get_models(*, session: Session, model_ids: list[str]) -> list[m.Model]:
    """The models among ``model_ids`` that exist (at most a page of ids, each well formed)."""
    if len(model_ids) > MAX_PAGE_SIZE:
        raise InvalidArgument(f"at most {MAX_PAGE_SIZE} ids at once", field="model_ids")
    ids = [parse_id(v, "model_ids") for v in dict.fromkeys(model_ids)]
    return list(session.scalars(select(m.Model).where(m.Model.id.in_(ids))))


def get_batch(*, session: Session, batch_id: str) -> m.Batch:
    batch = session.get(m.Batch, parse_id(batch_id, "batch_id"))
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    return batch


def _list_newest_first(
    session: Session,
    table: type[m.Base],
    *,
    ids: dict[str, str],
    values: dict[str, str],
    page_size: int,
    page_token: str,
) -> tuple[list[Any], str]:
    """One page of ``table``, newest first, filtered on every non-empty id or value."""
    query = select(table)
    for column, value in ids.items():
        if value:
            query = query.where(getattr(table, column) == parse_id(value, column))
    for column, value in values.items():
        if value:
            query = query.where(getattr(table, column) == value)
    return paginate(session, query, page_size=page_size, page_token=page_token, newest_first=True)


def list_jobs(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    status: str = "",
    kind: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Job], str]:
    """Newest first. Scoped to a project, or to an owner's jobs across projects."""
    return _list_newest_first(
        session,
        m.Job,
        ids={"project_id": project_id, "owner_id": owner_id},
        values={"status": status, "kind": kind},
        page_size=page_size,
        page_token=page_token,
    )


def list_models(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    dataset_id: str = "",
    status: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Model], str]:
    return _list_newest_first(
        session,
        m.Model,
        ids={"project_id": project_id, "owner_id": owner_id, "dataset_id": dataset_id},
        values={"status": status},
        page_size=page_size,
        page_token=page_token,
    )


def list_batches(
    *,
    session: Session,
    project_id: str = "",
    owner_id: str = "",
    model_id: str = "",
    dataset_id: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Batch], str]:
    return _list_newest_first(
        session,
        m.Batch,
        ids={
            "project_id": project_id,
            "owner_id": owner_id,
            "model_id": model_id,
            "dataset_id": dataset_id,
        },
        values={},
        page_size=page_size,
        page_token=page_token,
    )
