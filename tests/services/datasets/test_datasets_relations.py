"""The relations between a dataset's tables over real gRPC, PostgreSQL, NATS and storage: keys
and links detected and corrected, sequences suggested and set, the split that keeps families
and sequences whole, and a linked parent key kept when a table's metadata changes. The tables
themselves (adding, naming, reading them) are in ``test_datasets_tables``."""

from __future__ import annotations

import grpc
import pytest

from common.context import Principal
from synthetica.datasets.v1 import datasets_pb2 as pb
from tests.services.datasets.test_datasets_tables import (
    add_table,
    fixture,
)


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
