"""Datasets of several tables over real gRPC, PostgreSQL, NATS and storage: every dataset
lists its tables (a single-table one exactly one), reads name their table, and the shape
comes back as the shared RelationalSchema."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from common.context import Principal
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
