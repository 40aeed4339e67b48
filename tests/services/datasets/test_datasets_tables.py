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
from services.datasets.client import DatasetsClient
from services.datasets.settings import DatasetsSettings
from services.datasets.tables import default_table_name, validate_table_name
from synthetica.datasets.v1 import datasets_pb2 as pb

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "relational"


@pytest.fixture
async def client(datasets_server, service_token):
    settings = DatasetsSettings(
        database_url="unused", service_token=service_token, datasets_addr=datasets_server.address
    )
    client = DatasetsClient(settings, service_name="training")
    yield client
    await client.close()


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
    assert {p.rsplit("/", 1)[-1] for p in table_files} == {
        "data.parquet",
        "train.parquet",
        "holdout.parquet",
    }
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


async def update_relationships(ds, md, dataset_id: str, **fields):
    request = pb.UpdateDatasetRelationshipsRequest(dataset_id=dataset_id, **fields)
    return (await ds.stub.UpdateDatasetRelationships(request, metadata=md)).dataset


def link(parent: str, parent_column: str, child: str, child_column: str) -> pb.ForeignKey:
    return pb.ForeignKey(
        parent_table=parent,
        parent_column=parent_column,
        child_table=child,
        child_column=child_column,
    )


async def test_keys_are_detected_problems_reported_and_the_user_corrects_them(ds, client):
    owner, viewer = await ds.user(), await ds.user()
    project = await ds.project(owner.md)
    await ds.add(owner.md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
    dataset = await ds.upload(owner.md, project.id, fixture("flights"), file_name="flights.csv")
    for name in ("airlines", "planes", "airports"):
        dataset = await add_table(ds, owner.md, dataset.id, fixture(name), name)

    keys = {t.name: t.metadata.primary_key for t in dataset.tables}
    assert keys == {
        "flights": "flight_id",
        "airlines": "carrier",
        "planes": "tailnum",
        "airports": "faa",  # unique codes, typed id at ingestion
    }
    # carrier: every flight's airline exists; tailnum: 17 % of the planes are missing (< 95 %);
    # dest is not named after faa, so that link is the user's to make.
    assert list(dataset.foreign_keys) == [link("airlines", "carrier", "flights", "carrier")]
    assert [p.orphan_count for p in dataset.referential_problems] == [0]

    # The user links flights to airports by destination: the real orphans are reported.
    dataset = await update_relationships(
        ds,
        owner.md,
        dataset.id,
        tables=[pb.TableKeys(table="airports", primary_key="faa")],
        foreign_keys=[link("airports", "faa", "flights", "dest")],
        replace_foreign_keys=True,
    )
    assert list(dataset.foreign_keys) == [link("airports", "faa", "flights", "dest")]
    [problems] = dataset.referential_problems
    assert problems.orphan_count == 26
    assert set(problems.orphan_examples) == {"BQN", "PSE", "SJU", "STT"}
    assert any("26 rows name a parent that does not exist" in w for w in dataset.warnings)
    assert dataset.tables[3].metadata.primary_key == "faa"
    schema = client.relational_schema(dataset)
    assert [t.name for t in schema.order()] == ["airlines", "planes", "airports", "flights"]

    for fields, field in (
        ({"foreign_keys": [link("airports", "nope", "flights", "dest")]}, "foreignKeys[0]"),
        ({"foreign_keys": [link("airports", "faa", "ghosts", "dest")]}, "foreignKeys[0]"),
        (
            {
                "foreign_keys": [
                    link("airports", "faa", "flights", "dest"),
                    link("airlines", "carrier", "flights", "carrier"),
                ]
            },
            "foreignKeys[1]",
        ),
        (
            {"tables": [pb.TableKeys(table="flights", primary_key="carrier")]},
            "tables.flights.primaryKey",
        ),
        (
            {
                "tables": [
                    pb.TableKeys(
                        table="flights",
                        primary_key="flight_id",
                        sequence=pb.SequenceSpec(entity_key="tailnum", order_column="when"),
                    )
                ]
            },
            "tables.flights.sequence.orderColumn",
        ),
    ):
        fields.setdefault("replace_foreign_keys", "foreign_keys" in fields)
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await update_relationships(ds, owner.md, dataset.id, **fields)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, fields
        assert field in (info.value.details() or ""), info.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await update_relationships(ds, owner.md, dataset.id, tables=[pb.TableKeys(table="x")])
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await update_relationships(ds, viewer.md, dataset.id, replace_foreign_keys=True)
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    got = (
        await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=viewer.md)
    ).dataset
    assert list(got.foreign_keys) == [link("airports", "faa", "flights", "dest")]


async def test_a_sequence_is_suggested_and_set_only_by_the_user(ds, client):
    user = await ds.user()
    project = await ds.project(user.md)
    dataset = await ds.upload(user.md, project.id, fixture("airports"), file_name="airports.csv")
    dataset = await add_table(ds, user.md, dataset.id, fixture("weather"), "weather")

    weather = dataset.tables[1]
    assert not weather.HasField("sequence")
    assert weather.suggested_sequence == pb.SequenceSpec(
        entity_key="origin", order_column="time_hour"
    )
    dataset = await update_relationships(
        ds,
        user.md,
        dataset.id,
        tables=[
            pb.TableKeys(table="airports", primary_key="faa"),
            pb.TableKeys(table="weather", sequence=weather.suggested_sequence),
        ],
        foreign_keys=[link("airports", "faa", "weather", "origin")],
        replace_foreign_keys=True,
    )
    assert dataset.tables[1].sequence == weather.suggested_sequence
    schema = client.relational_schema(dataset)
    assert schema.table("weather").sequence is not None
    assert schema.parent_key("weather") is not None
    assert [p.orphan_count for p in dataset.referential_problems] == [0]


async def sides(client, dataset_id: str, owner: Principal, table: str, column: str):
    train = await client.read_dataset(dataset_id, "train", on_behalf_of=owner, table=table)
    holdout = await client.read_dataset(dataset_id, "holdout", on_behalf_of=owner, table=table)
    return set(train.column(column).to_pylist()), set(holdout.column(column).to_pylist())


async def test_the_split_keeps_families_and_sequences_whole(ds, client):
    user = await ds.user()
    owner = Principal(user_id=user.id, role="member")
    project = await ds.project(user.md)
    dataset = await ds.upload(
        user.md, project.id, fixture("flights"), file_name="flights.csv", holdout_fraction=0.3
    )
    dataset = await add_table(ds, user.md, dataset.id, fixture("airlines"), "airlines")
    assert len(dataset.foreign_keys) == 1

    train, holdout = await sides(client, dataset.id, owner, "airlines", "carrier")
    assert train and holdout and not train & holdout
    flights_train, flights_holdout = await sides(client, dataset.id, owner, "flights", "carrier")
    # Every flight is on its airline's side: no airline's flights are split.
    assert flights_train <= train and flights_holdout <= holdout
    got = (
        await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=user.md)
    ).dataset
    flights = got.tables[0]
    read = await client.read_dataset(dataset.id, "holdout", on_behalf_of=owner, table="flights")
    assert flights.holdout_row_count == read.num_rows == got.holdout_row_count
    assert flights.train_row_count + flights.holdout_row_count == 842

    # A sequential table alone: each symbol's whole series on one side.
    stocks = await ds.upload(
        user.md, project.id, fixture("stocks"), file_name="stocks.csv", holdout_fraction=0.4
    )
    sequence = pb.SequenceSpec(entity_key="symbol", order_column="date")
    stocks = await update_relationships(
        ds, user.md, stocks.id, tables=[pb.TableKeys(table="stocks", sequence=sequence)]
    )
    train, holdout = await sides(client, stocks.id, owner, "stocks", "symbol")
    assert not train & holdout and train | holdout == {"MSFT", "AMZN", "IBM", "GOOG", "AAPL"}
    assert stocks.tables[0].train_row_count + stocks.tables[0].holdout_row_count == 560


async def test_a_tables_metadata_is_corrected_by_name_and_a_linked_key_kept(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    dataset = await ds.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")
    dataset = await add_table(ds, user.md, dataset.id, fixture("airlines"), "airlines")
    assert len(dataset.foreign_keys) == 1

    fixed = await ds.stub.UpdateDatasetMetadata(
        pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset.id,
            table="airlines",
            metadata=pb.DatasetMetadata(columns=[pb.ColumnMetadata(name="name", sdtype="id")]),
        ),
        metadata=user.md,
    )
    sdtypes = {c.name: c.sdtype for c in fixed.dataset.tables[1].metadata.columns}
    assert sdtypes["name"] == "id"
    assert {c.name: c.sdtype for c in fixed.dataset.metadata.columns}["carrier"] != "id"

    # airlines.carrier is what flights.carrier links to: it stays the key while linked.
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await ds.stub.UpdateDatasetMetadata(
            pb.UpdateDatasetMetadataRequest(
                dataset_id=dataset.id, table="airlines", clear_primary_key=True
            ),
            metadata=user.md,
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "updateDatasetRelationships" in (info.value.details() or "")
