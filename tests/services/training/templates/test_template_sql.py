"""A template batch of linked tables downloads as one SQL script (format=sql without table=),
as a model batch of several tables does: every CREATE TABLE with its keys and REFERENCES,
parents first, then the rows; loaded into PostgreSQL as is."""

from __future__ import annotations

import json
import uuid

import grpc
import pytest

from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2
from tests.support import loaded_sql

pytestmark = pytest.mark.usefixtures("training_worker")


def _shop(suffix: str) -> dict:
    """Three linked tables; orders are referred to by a second key (``number``), and a hidden
    key takes part in no constraint (it is not written)."""
    return {
        "tables": [
            {
                "name": f"customers_{suffix}",
                "count": 30,
                "fields": [
                    {"name": "id", "type": "int", "distribution": "sequence", "unique": True},
                    {"name": "name", "type": "name"},
                ],
            },
            {
                "name": f"orders_{suffix}",
                "rows_per_parent": 2,
                "fields": [
                    {"name": "order_id", "type": "uuid"},
                    {"name": "number", "type": "int", "distribution": "sequence"},
                    {
                        "name": "customer_id",
                        "type": "int",
                        "foreign_key": {"table": f"customers_{suffix}", "field": "id"},
                    },
                    {"name": "amount", "type": "float", "min": 1, "max": 500},
                ],
            },
            {
                "name": f"lines_{suffix}",
                "rows_per_parent": 3,
                "fields": [
                    {"name": "line", "type": "int", "distribution": "sequence", "hidden": True},
                    {
                        "name": "order_id",
                        "type": "uuid",
                        "foreign_key": {"table": f"orders_{suffix}", "field": "order_id"},
                    },
                    {
                        "name": "order_number",
                        "type": "int",
                        "foreign_key": {"table": f"orders_{suffix}", "field": "number"},
                    },
                    {"name": "quantity", "type": "int", "min": 1, "max": 9},
                ],
            },
        ]
    }


async def _generated_shop(world, user, project_id: str, suffix: str):
    """The finished template job of ``_shop(suffix)`` (GenerateFromTemplate's answer)."""
    started = await world.training.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(
            schema_json=json.dumps(_shop(suffix)), project_id=project_id, count=1, seed=3
        ),
        metadata=user.md,
    )
    job = await world.wait_job(user, started.job.id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    return started


async def test_linked_template_tables_load_into_postgresql_as_one_script(world, database_url):
    user = await world.user()
    project_id = await world.project(user)
    suffix = uuid.uuid4().hex[:8]
    customers, orders, lines = (f"{name}_{suffix}" for name in ("customers", "orders", "lines"))
    started = await _generated_shop(world, user, project_id, suffix)

    script = (await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_SQL)).decode()
    created = [script.index(f'CREATE TABLE "{name}"') for name in (customers, orders, lines)]
    assert created == sorted(created)
    assert script.index("COMMIT;") > script.index(f'INSERT INTO "{lines}"')
    assert '"line"' not in script

    with loaded_sql(database_url, script, drop=(lines, orders, customers)) as conn:
        joined = conn.exec_driver_sql(
            f'SELECT count(*) FROM "{lines}" l JOIN "{orders}" o USING (order_id) '
            f'JOIN "{customers}" c ON c.id = o.customer_id '
            f'JOIN "{orders}" n ON n.number = l.order_number'
        ).scalar()
        constraints = dict(
            conn.exec_driver_sql(
                "SELECT table_name || ' ' || constraint_type, count(*) "
                "FROM information_schema.table_constraints WHERE table_name IN "
                f"('{customers}', '{orders}', '{lines}') AND constraint_type <> 'CHECK' "
                "GROUP BY 1"
            ).all()
        )
    assert joined == 30 * 2 * 3
    assert constraints == {
        f"{customers} PRIMARY KEY": 1,
        f"{orders} PRIMARY KEY": 1,
        f"{orders} UNIQUE": 1,
        f"{orders} FOREIGN KEY": 1,
        f"{lines} FOREIGN KEY": 2,
    }


async def test_one_table_alone_and_the_script_for_viewers_only(world):
    user, viewer, stranger = await world.user(), await world.user(), await world.user()
    project_id = await world.project(user)
    await world.add_member(user, project_id, viewer.email, datasets_pb2.PROJECT_ROLE_VIEWER)
    suffix = uuid.uuid4().hex[:8]
    started = await _generated_shop(world, user, project_id, suffix)
    script = (
        await world.download(
            user, started.batch.id, training_pb2.EXPORT_FORMAT_SQL, table=f"orders_{suffix}"
        )
    ).decode()
    assert script.count("CREATE TABLE") == 1
    assert "REFERENCES" not in script

    whole = await world.download(viewer, started.batch.id, training_pb2.EXPORT_FORMAT_SQL)
    assert whole.count(b"REFERENCES") == 3
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.download(stranger, started.batch.id, training_pb2.EXPORT_FORMAT_SQL)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND  # not even its existence
