"""GetDataset's read in ONE statement of SQLAlchemy Core: the dataset, its added tables and
the caller's role in its project, without the statistics (GetDatasetStats reads those).

Loading ORM objects cost this read more than half of its CPU: 0.45 ms for the ORM's query
against 0.20 ms for the same rows (making model objects of the rows afterwards cost 0.13 ms
more). The rows become plain objects with the models' attribute names, which
``convert.dataset_to_proto`` reads as it reads the models (tests check the answers match).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Row, bindparam, select

from common.errors import NotFound
from common.ids import parse_id
from services.datasets.models import VIEWER, Dataset, DatasetTable, ProjectMember
from services.datasets.service import require_rank

_DATASETS = Dataset.__table__
_TABLES = DatasetTable.__table__
_MEMBERS = ProjectMember.__table__
# Every column but the statistics, by the models' attribute names.
_DATASET_COLUMNS = [c for c in _DATASETS.c if c.key != "stats"]
_TABLE_COLUMNS = [c for c in _TABLES.c if c.key != "stats"]
_TABLE_PREFIX = "added__"  # no column of a dataset begins so

# Built once: one row per added table (one row with the table's columns NULL when none).
SHOW_DATASET = (
    select(
        *_DATASET_COLUMNS,
        _MEMBERS.c.role.label("member_role"),
        *(c.label(_TABLE_PREFIX + c.key) for c in _TABLE_COLUMNS),
    )
    .join(_MEMBERS, _MEMBERS.c.project_id == _DATASETS.c.project_id)
    .outerjoin(_TABLES, _TABLES.c.dataset_id == _DATASETS.c.id)
    .where(_DATASETS.c.id == bindparam("dataset_id"), _MEMBERS.c.user_id == bindparam("user_id"))
    .order_by(_TABLES.c.position)
)


def show_params(*, user_id: str, dataset_id: str) -> dict[str, Any]:
    """SHOW_DATASET's parameters; NotFound for a caller who is no user."""
    did = parse_id(dataset_id, "dataset_id")
    if not user_id:
        raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
    return {"dataset_id": did, "user_id": parse_id(user_id, "user_id")}


def shown_dataset(rows: Sequence[Row[Any]]) -> Dataset:
    """The dataset as GetDataset shows it to any member, from SHOW_DATASET's rows: NotFound
    for a non-member (or no such dataset), as ``service.get_dataset`` decides."""
    if not rows:
        raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
    first = rows[0]._mapping
    require_rank(first["member_role"], VIEWER)
    tables = [
        _shown(row._mapping, _TABLE_COLUMNS, _TABLE_PREFIX)
        for row in rows
        if row._mapping[_TABLE_PREFIX + "id"] is not None
    ]
    dataset = _shown(first, _DATASET_COLUMNS, "")
    dataset.added_tables = tables
    # Not a session's object: a row with the model's attributes, all convert reads of one.
    return cast(Dataset, dataset)


def _shown(row: Any, columns: list[Any], prefix: str) -> SimpleNamespace:
    return SimpleNamespace(**{c.key: row[prefix + c.key] for c in columns})
