"""Datasets of several tables over real gRPC, PostgreSQL, NATS and storage: every dataset
lists its tables (a single-table one exactly one), reads name their table, and the shape
comes back as the shared RelationalSchema."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest

from common.context import Principal
from common.contracts.relational import MAX_TABLES
from common.errors import InvalidArgument, NotFound
from services.datasets.tables import default_table_name, validate_table_name
from synthetica.datasets.v1 import datasets_pb2 as pb

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "relational"


async def test_a_single_table_dataset_has_one_table_mirroring_it(ds, client):
    user = await ds.user()
    project = await ds.project(user.md)
    flights = (FIXTURES / "flights.csv").read_bytes()

    dataset = await ds.upload(user.md, project.id, flights, file_name="flights.csv")

    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    [table] = dataset.tables
    assert table.name == "flights" and table.file_name == "flights.csv"
    assert (table.row_count, table.train_row_count, table.holdout_row_count) == (
        dataset.row_count,
        dataset.train_row_count,
        dataset.holdout_row_count,
    ) and dataset.row_count == 842
    assert table.metadata == dataset.metadata and not table.HasField("sequence")
    assert list(dataset.foreign_keys) == []

    schema = client.relational_schema(dataset)
    assert schema.is_single_table and [t.name for t in schema.order()] == ["flights"]
    assert schema.tables[0].columns[:3] == ["flight_id", "time_hour", "carrier"]
    assert schema.tables[0].primary_key == (dataset.metadata.primary_key or None)

    owner = Principal(user_id=user.id, role="member")
    first = await client.read_dataset(dataset.id, "all", on_behalf_of=owner)
    named = await client.read_dataset(dataset.id, "all", on_behalf_of=owner, table="flights")
    assert first.num_rows == named.num_rows == 842 and first.equals(named)
    with pytest.raises(NotFound):
        await client.read_dataset(dataset.id, "all", on_behalf_of=owner, table="airlines")


async def test_reading_a_table_the_dataset_lacks_is_not_found(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    dataset = await ds.upload(user.md, project.id, b"a,b\n1,x\n2,y\n", file_name="t.csv")
    call = ds.stub.ReadDataset(
        pb.ReadDatasetRequest(
            dataset_id=dataset.id, split=pb.DATASET_SPLIT_ALL, table="../t/../../etc"
        ),
        metadata=user.md,
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in call:
            pass
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("file_name", "dataset_name", "expected"),
    [
        ("orders.csv", "", "orders"),
        ("Adult (train).csv.gz", "", "adult_train"),
        ("2024-sales.parquet", "", "t_2024_sales"),
        ("", "Customers EU", "customers_eu"),
        ("…", "—", "table"),
    ],
)
def test_the_first_table_is_named_after_the_file(file_name, dataset_name, expected):
    assert default_table_name(file_name, dataset_name) == expected
    assert validate_table_name(expected) == expected


@pytest.mark.parametrize("name", ["", "../etc", "a/b", "orders.csv", "1st", "a b", "x" * 64, "é"])
def test_table_names_with_paths_or_odd_characters_are_refused(name):
    with pytest.raises(InvalidArgument) as info:
        validate_table_name(name)
    assert info.value.reason == "INVALID_TABLE_NAME"


async def add_table(ds, md, dataset_id: str, data: bytes, table_name: str, **kw):
    header = pb.UploadHeader(
        dataset_id=dataset_id,
        table_name=table_name,
        file_name=kw.pop("file_name", f"{table_name or 'file'}.csv"),
        wait_seconds=kw.pop("wait_seconds", 120),
        options=pb.IngestOptions(**kw),
    )

    async def messages():
        yield pb.UploadDatasetRequest(header=header)
        yield pb.UploadDatasetRequest(chunk=data)

    return (await ds.stub.UploadDataset(messages(), metadata=md, timeout=180)).dataset


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.csv").read_bytes()


async def test_tables_added_to_a_dataset_are_ingested_stored_and_read_apart(
    ds, client, storage_files
):
    user = await ds.user()
    project = await ds.project(user.md)
    flights = await ds.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")

    dataset = await add_table(ds, user.md, flights.id, fixture("airlines"), "airlines")

    assert dataset.id == flights.id and dataset.status == pb.DATASET_STATUS_READY
    assert [t.name for t in dataset.tables] == ["flights", "airlines"]
    airlines = dataset.tables[1]
    assert airlines.status == pb.DATASET_STATUS_READY, airlines.error
    assert airlines.row_count == 14 and airlines.file_name == "airlines.csv"
    assert [c.name for c in airlines.metadata.columns] == ["carrier", "name"]
    assert dataset.row_count == 842  # the top-level fields stay the first table's

    owner = Principal(user_id=user.id, role="member")
    read = await client.read_dataset(dataset.id, "all", on_behalf_of=owner, table="airlines")
    assert read.num_rows == 14 and "UA" in read.column("carrier").to_pylist()
    train = await client.read_dataset(dataset.id, "train", on_behalf_of=owner, table="airlines")
    assert train.num_rows == airlines.train_row_count
    stats = json.loads(
        (
            await ds.stub.GetDatasetStats(
                pb.GetDatasetStatsRequest(dataset_id=dataset.id, table="airlines"), metadata=user.md
            )
        ).stats_json
    )
    assert [c["name"] for c in stats["columns"]] == ["carrier", "name"]
    preview = await ds.stub.PreviewRows(
        pb.PreviewRowsRequest(dataset_id=dataset.id, table="airlines", limit=2), metadata=user.md
    )
    assert list(preview.columns) == ["carrier", "name"] and len(preview.rows_json) == 2

    # Each table's files under its own folder, named by ids, the upload gone.
    stored = {str(p.relative_to(p.parents[3])) for p in storage_files() if dataset.id in str(p)}
    table_files = {p for p in stored if "/tables/" in p}
    assert {p.rsplit("/", 1)[-1] for p in table_files} == {"data.parquet", "split.parquet"}
    assert "airlines" not in "".join(stored)

    await ds.stub.DeleteDataset(pb.DeleteDatasetRequest(dataset_id=dataset.id), metadata=user.md)
    assert [p for p in storage_files() if dataset.id in str(p)] == []


async def test_who_may_add_a_table_and_what_names_are_refused(ds, storage_files):
    owner, viewer, editor, stranger = [await ds.user() for _ in range(4)]
    project = await ds.project(owner.md)
    await ds.add(owner.md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
    await ds.add(owner.md, project.id, editor, pb.PROJECT_ROLE_EDITOR)
    dataset = await ds.upload(owner.md, project.id, fixture("flights"), file_name="flights.csv")
    before = storage_files()
    airlines = fixture("airlines")

    for user, code in (
        (viewer, grpc.StatusCode.PERMISSION_DENIED),
        (stranger, grpc.StatusCode.NOT_FOUND),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await add_table(ds, user.md, dataset.id, airlines, "airlines")
        assert info.value.code() == code
    for name in ("../airlines", "a/b", "x" * 64, "air lines", "1st"):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await add_table(ds, owner.md, dataset.id, airlines, name)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, name
        assert "table name" in (info.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await add_table(ds, owner.md, dataset.id, airlines, "flights")  # the first table's
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert storage_files() == before

    added = await add_table(ds, editor.md, dataset.id, airlines, "airlines")
    assert [t.name for t in added.tables] == ["flights", "airlines"]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await add_table(ds, owner.md, dataset.id, airlines, "airlines")
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_a_table_that_cannot_be_ingested_fails_alone_and_can_be_replaced(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    dataset = await ds.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")

    with pytest.raises(grpc.aio.AioRpcError) as info:
        await add_table(ds, user.md, dataset.id, b"carrier,name\n", "airlines")
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    got = (
        await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=user.md)
    ).dataset
    assert got.status == pb.DATASET_STATUS_READY
    failed = got.tables[1]
    assert (failed.name, failed.status, failed.error_code) == (
        "airlines",
        pb.DATASET_STATUS_FAILED,
        "HEADER_ONLY",
    )
    call = ds.stub.ReadDataset(
        pb.ReadDatasetRequest(dataset_id=dataset.id, split=pb.DATASET_SPLIT_ALL, table="airlines"),
        metadata=user.md,
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in call:
            pass
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    replaced = await add_table(ds, user.md, dataset.id, fixture("airlines"), "airlines")
    assert [(t.name, t.status) for t in replaced.tables] == [
        ("flights", pb.DATASET_STATUS_READY),
        ("airlines", pb.DATASET_STATUS_READY),
    ]


async def test_a_dataset_holds_at_most_twenty_tables(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    dataset = await ds.upload(user.md, project.id, b"id\n1\n2\n", file_name="t0.csv")
    for index in range(1, MAX_TABLES):
        # Each waited for, so no ingestion is left queued for the next test.
        await add_table(ds, user.md, dataset.id, b"id\n1\n2\n", f"t{index}")

    with pytest.raises(grpc.aio.AioRpcError) as info:
        await add_table(ds, user.md, dataset.id, b"id\n1\n", "t20")

    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "20 tables" in (info.value.details() or "")
    got = (
        await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=user.md)
    ).dataset
    assert [t.name for t in got.tables] == [f"t{i}" for i in range(MAX_TABLES)]
