"""GetDataset's read (``services.datasets.reads``: one Core statement, plain rows) gives the
same answer, every field, as the dataset loaded through the ORM, and the same refusals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from common.db import Database
from common.errors import NotFound
from services.datasets import convert, models, reads, service

COLUMNS = [{"name": "id", "type": "int"}, {"name": "when", "type": "datetime"}]
METADATA = {
    "columns": {"id": {"sdtype": "id"}, "when": {"sdtype": "datetime", "datetime_format": "%Y"}},
    "primary_key": "id",
}


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def _world(db: Database) -> dict[str, str]:
    """An owner, a viewer, an outsider; a dataset of three tables (added out of order) with
    links, a sequence, rules and warnings, and a dataset of one table."""
    owner, viewer, outsider = (str(uuid.uuid4()) for _ in range(3))
    project, _ = db.run(
        service.create_project, user_id=owner, email="o@example.com", name="p", description=""
    )

    def make(*, session) -> tuple[str, str]:
        session.add(
            models.ProjectMember(
                project_id=project.id, user_id=uuid.UUID(viewer), email="v@x.io", role="viewer"
            )
        )
        common = {
            "status": models.READY,
            "created_by": uuid.UUID(owner),
            "columns": COLUMNS,
            "table_metadata": METADATA,
            "stats": {"rows": list(range(50))},
        }
        many = models.Dataset(
            project_id=project.id,
            name="shop",
            table_name="orders",
            file_name="orders.csv",
            detected={"format": "csv", "delimiter": ";", "has_header": True},
            row_count=10,
            train_row_count=8,
            holdout_row_count=2,
            size_bytes=123,
            warnings=["renamed a column"],
            relations={
                "foreign_keys": [
                    {
                        "parent_table": "customers",
                        "parent_column": "id",
                        "child_table": "orders",
                        "child_column": "id",
                    }
                ],
                "sequences": {"events": {"entity_key": "id", "order_column": "when"}},
            },
            rules=[],
            **common,
        )
        session.add(many)
        session.flush()
        for position, name in ((2, "events"), (1, "customers")):
            session.add(
                models.DatasetTable(
                    dataset_id=many.id,
                    position=position,
                    name=name,
                    file_name=f"{name}.csv",
                    row_count=position * 7,
                    warnings=[f"{name} warning"],
                    **common,
                )
            )
        one = models.Dataset(
            project_id=project.id,
            name="single",
            status=models.INGESTING,
            created_by=uuid.UUID(owner),
        )
        session.add(one)
        session.flush()
        return str(many.id), str(one.id)

    many, one = db.run(make)
    return {"owner": owner, "viewer": viewer, "outsider": outsider, "many": many, "one": one}


def _shown(db: Database, user_id: str, dataset_id: str):
    params = reads.show_params(user_id=user_id, dataset_id=dataset_id)
    return convert.dataset_to_proto(reads.shown_dataset(db.rows(reads.SHOW_DATASET, params)))


def _loaded(db: Database, user_id: str, dataset_id: str):
    dataset = db.run(service.get_dataset, user_id=user_id, dataset_id=dataset_id)
    return convert.dataset_to_proto(dataset)


def test_every_member_gets_what_the_orm_loads_every_field(db):
    world = _world(db)
    for member in ("owner", "viewer"):
        for dataset in ("many", "one"):
            shown = _shown(db, world[member], world[dataset])
            assert shown == _loaded(db, world[member], world[dataset])
    many = _shown(db, world["viewer"], world["many"])
    assert [t.name for t in many.tables] == ["orders", "customers", "events"]
    assert [t.row_count for t in many.tables] == [10, 7, 14]
    assert many.tables[2].sequence.order_column == "when"
    assert list(many.warnings) == ["renamed a column"]
    assert [c.sdtype for c in many.metadata.columns] == ["id", "datetime"]
    assert many.detected.delimiter == ";"


def test_an_outsider_an_unknown_dataset_and_no_user_are_not_found(db):
    world = _world(db)
    for user_id, dataset_id in (
        (world["outsider"], world["many"]),
        (world["owner"], str(uuid.uuid4())),
        ("", world["many"]),
    ):
        with pytest.raises(NotFound):
            _shown(db, user_id, dataset_id)
        if user_id:
            with pytest.raises(NotFound):
                _loaded(db, user_id, dataset_id)
