"""Template jobs through the training service over gRPC, on a real worker: built-in and custom
schemas to batches with previews and four download formats, foreign keys between tables,
determinism, templates private to their owner, and the conformance report evaluation writes for
a template batch. Requests refused before any job: test_template_requests.py."""

from __future__ import annotations

import asyncio
import io
import json
import threading

import grpc
import pandas as pd
import pyarrow.parquet as pq
import pytest

from common.clients import make_channel
from common.storage import Storage
from services.training.engines import EngineCancelled
from services.training.payloads import TemplatePayload
from services.training.templates.jobs import plan_request, write_batch
from synthetica.datasets.v1 import datasets_pb2
from synthetica.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import TrainingWorld, frame
from tests.support import User, field_violations, stream_events

pytestmark = pytest.mark.usefixtures("training_worker")

SHOP = {
    "tables": [
        {
            "name": "customers",
            "count": 40,
            "fields": [
                {"name": "id", "type": "int", "distribution": "sequence", "unique": True},
                {"name": "name", "type": "name"},
            ],
        },
        {
            "name": "orders",
            "rows_per_parent": 3,
            "fields": [
                {"name": "order_id", "type": "uuid", "unique": True},
                {
                    "name": "customer_id",
                    "type": "int",
                    "foreign_key": {"table": "customers", "field": "id"},
                },
                {"name": "amount", "type": "float", "min": 1, "max": 500},
            ],
        },
    ]
}


async def _generated(world: TrainingWorld, user: User, **request: object) -> training_pb2.Batch:
    """Runs a template job to its end and returns the READY batch."""
    started = await world.training.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(**request), metadata=user.md
    )
    assert started.job.kind == training_pb2.JOB_KIND_TEMPLATE
    assert started.batch.status == training_pb2.BATCH_STATUS_GENERATING
    batch = await world.succeeded_batch(user, started)
    assert batch.status == training_pb2.BATCH_STATUS_READY
    return batch


async def test_builtin_template_to_a_batch_in_four_formats(world, nats_url):
    user = await world.user()
    project_id = await world.project(user)
    batch = await _generated(
        world, user, builtin="user", project_id=project_id, count=300, seed=11, locale="de_DE"
    )
    assert batch.template_id == "user"
    assert batch.row_count == 300
    assert list(batch.tables) == ["users"]
    assert batch.expires_at.ToDatetime() > batch.created_at.ToDatetime()

    csv = frame(await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV))
    assert len(csv) == 300 and {"first_name", "email", "date_of_birth"} <= set(csv.columns)
    assert csv["id"].is_unique
    lines = (await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_JSONL)).splitlines()
    assert [json.loads(line)["email"] for line in lines] == list(csv["email"])
    parquet = pq.read_table(
        io.BytesIO(await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_PARQUET))
    )
    assert parquet.num_rows == 300
    sql = (await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_SQL)).decode()
    assert 'CREATE TABLE "users"' in sql and 'INSERT INTO "users"' in sql

    preview = await world.training.PreviewBatch(
        training_pb2.PreviewBatchRequest(batch_id=batch.id, limit=5), metadata=user.md
    )
    assert len(preview.rows_json) == 5
    assert json.loads(preview.rows_json[0])["email"] == csv["email"][0]

    events = await stream_events(nats_url, "synthetica.events.>")
    generated = [e.batch_generated for e in events if e.batch_generated.batch_id == batch.id]
    assert generated and generated[0].template_id == "user" and generated[0].row_count == 300
    updates = [e.job_updated for e in events if e.job_updated.job_id == batch.job_id]
    assert updates[0].status == "queued" and updates[-1].status == "succeeded"
    assert any(u.status == "running" and "rows generated" in u.message for u in updates)


async def test_same_seed_gives_byte_identical_csv(world):
    user = await world.user()
    project_id = await world.project(user)
    request = {"builtin": "ecommerce_transaction", "project_id": project_id, "count": 200}
    first = await _generated(world, user, **request, seed=5)
    second = await _generated(world, user, **request, seed=5)
    other = await _generated(world, user, **request, seed=6)
    for table in first.tables:
        same = [
            await world.download(user, b.id, training_pb2.EXPORT_FORMAT_CSV, table=table)
            for b in (first, second, other)
        ]
        assert same[0] == same[1]
        assert same[0] != same[2]


async def test_saved_two_table_schema_every_child_points_at_a_parent(world):
    user = await world.user()
    project_id = await world.project(user)
    saved = await world.training.CreateTemplate(
        training_pb2.CreateTemplateRequest(
            name="shop", description="customers and orders", schema_json=json.dumps(SHOP)
        ),
        metadata=user.md,
    )
    assert not saved.template.builtin and saved.template.owner_id == user.id
    batch = await _generated(
        world, user, template_id=saved.template.id, project_id=project_id, count=1
    )
    assert batch.template_id == saved.template.id
    assert list(batch.tables) == ["customers", "orders"]
    assert batch.row_count == 40 + 120

    customers = frame(
        await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV, table="customers")
    )
    orders = frame(
        await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV, table="orders")
    )
    assert len(customers) == 40 and len(orders) == 120
    assert orders["customer_id"].isin(customers["id"]).all()
    sql = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_SQL, table="orders")
    assert b'CREATE TABLE "orders"' in sql

    preview = await world.training.PreviewBatch(
        training_pb2.PreviewBatchRequest(batch_id=batch.id, limit=3, table="orders"),
        metadata=user.md,
    )
    assert list(preview.columns) == ["order_id", "customer_id", "amount"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV, table="invoices")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "customers, orders" in caught.value.details()
    assert "table" in field_violations(caught.value)


async def test_a_private_template_is_invisible_to_others_and_a_shared_one_readable(world):
    owner, stranger, member = await world.user(), await world.user(), await world.user()
    project_id = await world.project(owner)
    await world.add_member(owner, project_id, member.email, datasets_pb2.PROJECT_ROLE_EDITOR)
    private = (
        await world.training.CreateTemplate(
            training_pb2.CreateTemplateRequest(name="mine", schema_json=json.dumps(SHOP)),
            metadata=owner.md,
        )
    ).template
    shared = (
        await world.training.CreateTemplate(
            training_pb2.CreateTemplateRequest(
                name="ours", schema_json=json.dumps(SHOP), project_id=project_id
            ),
            metadata=owner.md,
        )
    ).template
    assert shared.project_id == project_id

    stranger_project = await world.project(stranger)
    for template_id in (private.id, shared.id):
        for call in (
            world.training.GetTemplate(
                training_pb2.GetTemplateRequest(template_id=template_id), metadata=stranger.md
            ),
            world.training.GenerateFromTemplate(
                training_pb2.GenerateFromTemplateRequest(
                    template_id=template_id, project_id=stranger_project, count=5
                ),
                metadata=stranger.md,
            ),
            world.training.DeleteTemplate(
                training_pb2.DeleteTemplateRequest(template_id=template_id), metadata=stranger.md
            ),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert await world.jobs(stranger) == []
    stranger_list = await world.training.ListTemplates(
        training_pb2.ListTemplatesRequest(), metadata=stranger.md
    )
    assert not {private.id, shared.id} & {t.id for t in stranger_list.templates}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.ListTemplates(
            training_pb2.ListTemplatesRequest(project_id=project_id), metadata=stranger.md
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    # A member reads and uses the shared template, but only its owner deletes it.
    listed = await world.training.ListTemplates(
        training_pb2.ListTemplatesRequest(project_id=project_id), metadata=member.md
    )
    assert [t.id for t in listed.templates if not t.builtin] == [shared.id]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.GetTemplate(
            training_pb2.GetTemplateRequest(template_id=private.id), metadata=member.md
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    batch = await _generated(world, member, template_id=shared.id, project_id=project_id, count=1)
    assert batch.owner_id == member.id
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.DeleteTemplate(
            training_pb2.DeleteTemplateRequest(template_id=shared.id), metadata=member.md
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED

    await world.training.DeleteTemplate(
        training_pb2.DeleteTemplateRequest(template_id=shared.id), metadata=owner.md
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.GetTemplate(
            training_pb2.GetTemplateRequest(template_id=shared.id), metadata=owner.md
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_builtins_are_readable_by_name_with_their_options(world):
    user = await world.user()
    template = (
        await world.training.GetTemplate(
            training_pb2.GetTemplateRequest(template_id="finance_transactions"), metadata=user.md
        )
    ).template
    assert template.builtin and template.options["fraud_rate"] == 0.01
    assert [t["name"] for t in json.loads(template.schema_json)["tables"]] == [
        "accounts",
        "transactions",
    ]


def test_write_batch_reports_progress_per_chunk_and_stops_on_cancel(tmp_path):
    storage = Storage(str(tmp_path))
    request = TemplatePayload(
        builtin="user", options={}, count=2_500, seed=1, locale="en_US", chunk_rows=1_000
    )
    updates = []
    result = write_batch(
        storage,
        plan_request(request),
        prefix="b/j",
        chunk_rows=1_000,
        on_progress=updates.append,
        cancel=threading.Event(),
    )
    assert [round(u.percent) for u in updates] == [40, 80, 100]
    assert updates[-1].message == "2,500 of 2,500 rows generated"
    assert result.rows == 2_500
    assert pq.ParquetFile(storage.path(result.keys[0])).metadata.num_row_groups == 3

    cancel = threading.Event()

    def cancel_after_first(update) -> None:
        cancel.set()

    with pytest.raises(EngineCancelled):
        write_batch(
            storage,
            plan_request(request),
            prefix="b/k",
            chunk_rows=1_000,
            on_progress=cancel_after_first,
            cancel=cancel,
        )


@pytest.mark.slow
async def test_a_million_user_rows(world):
    user = await world.user()
    project_id = await world.project(user)
    batch = await _generated(
        world, user, builtin="user", project_id=project_id, count=1_000_000, seed=3
    )
    assert batch.row_count == 1_000_000
    data = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_PARQUET)
    table = pq.read_table(io.BytesIO(data), columns=["id"])
    assert table.num_rows == 1_000_000
    assert pd.Series(table.column("id").to_numpy()).is_unique


async def test_a_saved_template_batch_gets_a_conformance_report(world, evaluation_server):
    user = await world.user()
    project_id = await world.project(user)
    saved = await world.training.CreateTemplate(
        training_pb2.CreateTemplateRequest(name="shop", schema_json=json.dumps(SHOP)),
        metadata=user.md,
    )
    batch = await _generated(
        world, user, template_id=saved.template.id, project_id=project_id, count=1, seed=4
    )
    channel = make_channel(evaluation_server.address)
    evaluation = evaluation_pb2_grpc.EvaluationServiceStub(channel)
    try:
        for _ in range(300):
            try:
                report = (
                    await evaluation.GetReport(
                        evaluation_pb2.GetReportRequest(batch_id=batch.id), metadata=user.md
                    )
                ).report
            except grpc.aio.AioRpcError as exc:
                assert exc.code() == grpc.StatusCode.NOT_FOUND, exc
            else:
                if report.status in (
                    evaluation_pb2.REPORT_STATUS_READY,
                    evaluation_pb2.REPORT_STATUS_FAILED,
                ):
                    break
            await asyncio.sleep(0.5)
    finally:
        await channel.close()
    assert report.status == evaluation_pb2.REPORT_STATUS_READY, report.error
    assert report.kind == evaluation_pb2.REPORT_KIND_CONFORMANCE
    conformance = json.loads(report.report_json)["conformance"]
    assert conformance["passed"] and conformance["score"] == 1.0
    orders = next(t for t in conformance["tables"] if t["table"] == "orders")
    assert orders["foreign_keys"][0]["conforming_share"] == 1.0


async def test_csv_downloads_guard_formulas_unless_the_request_says_false(world):
    """DownloadBatch guards CSV when the field is not set at all."""
    user = await world.user()
    schema = {
        "tables": [
            {
                "name": "cells",
                "fields": [{"name": "cell", "type": "category", "categories": ["=1+1", "ok"]}],
            }
        ]
    }
    batch = await _generated(
        world,
        user,
        schema_json=json.dumps(schema),
        project_id=await world.project(user),
        count=50,
        seed=4,
    )
    csv = training_pb2.EXPORT_FORMAT_CSV
    assert set(frame(await world.download(user, batch.id, csv))["cell"]) == {"'=1+1", "ok"}
    raw = await world.download(user, batch.id, csv, csv_formula_guard=False)
    assert set(frame(raw)["cell"]) == {"=1+1", "ok"}
