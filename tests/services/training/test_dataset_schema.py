"""What a train job learns from the datasets service's answer: one table, or linked tables and
sequences (`access.dataset_schema`), and which engines may learn it
(`service.check_engine_learns`)."""

from __future__ import annotations

import pytest

from common.errors import InvalidArgument
from services.training.access import dataset_schema
from services.training.engines.base import get_engine
from services.training.service import check_engine_learns
from synthetica.datasets.v1 import datasets_pb2


def _table(name: str, *columns: str, primary_key: str = "", sequence=None):
    table = datasets_pb2.DatasetTable(
        name=name,
        metadata=datasets_pb2.DatasetMetadata(
            columns=[datasets_pb2.ColumnMetadata(name=c) for c in columns],
            primary_key=primary_key,
        ),
    )
    if sequence:
        table.sequence.CopyFrom(
            datasets_pb2.SequenceSpec(entity_key=sequence[0], order_column=sequence[1])
        )
    return table


def _link(parent: str, child: str) -> datasets_pb2.ForeignKey:
    """The foreign key from ``child`` ("table.column") to ``parent``."""
    parent_table, parent_column = parent.split(".")
    child_table, child_column = child.split(".")
    return datasets_pb2.ForeignKey(
        parent_table=parent_table,
        parent_column=parent_column,
        child_table=child_table,
        child_column=child_column,
    )


AIRLINES_FLIGHTS = datasets_pb2.Dataset(
    id="d1",
    tables=[
        _table("airlines", "carrier", "name", primary_key="carrier"),
        _table("flights", "flight_id", "carrier", "dep_delay", primary_key="flight_id"),
    ],
    foreign_keys=[_link("airlines.carrier", "flights.carrier")],
)
ROUTE_CHAIN = datasets_pb2.Dataset(
    id="d4",
    tables=[
        _table("airlines", "carrier", "name", primary_key="carrier"),
        _table("routes", "route_id", "carrier", "dest", primary_key="route_id"),
        _table("flights", "flight_id", "route_id", "dep_delay", primary_key="flight_id"),
    ],
    foreign_keys=[
        _link("airlines.carrier", "routes.carrier"),
        _link("routes.route_id", "flights.route_id"),
    ],
)
STOCKS = datasets_pb2.Dataset(
    id="d2", tables=[_table("stocks", "symbol", "date", "price", sequence=("symbol", "date"))]
)
ONE_TABLE = datasets_pb2.Dataset(id="d3", tables=[_table("adult", "age", "income")])


def test_a_dataset_of_linked_tables_is_read_as_its_schema():
    schema = dataset_schema(AIRLINES_FLIGHTS)
    assert [t.name for t in schema.order()] == ["airlines", "flights"]
    link = schema.parent_key("flights")
    assert link is not None and (link.parent_table, link.child_column) == ("airlines", "carrier")
    assert not schema.is_single_table


def test_a_sequential_table_is_not_a_single_table():
    schema = dataset_schema(STOCKS)
    sequence = schema.tables[0].sequence
    assert sequence is not None and sequence.entity_key == "symbol"
    assert not schema.is_single_table


def test_a_dataset_stored_before_tables_existed_is_one_table():
    assert dataset_schema(datasets_pb2.Dataset(id="old", name="adult")).is_single_table


@pytest.mark.parametrize(
    ("dataset", "engines", "refused"),
    [
        (AIRLINES_FLIGHTS, {"hma", "tabular_argn"}, {"par", "ctgan", "gaussian_copula"}),
        # SDV's community HMA refuses more than two levels: said before the job starts.
        (ROUTE_CHAIN, {"tabular_argn"}, {"hma", "par", "ctgan"}),
        (STOCKS, {"par", "tabular_argn"}, {"hma", "tvae"}),
        (ONE_TABLE, {"ctgan", "tabular_argn"}, {"hma", "par"}),
    ],
)
def test_only_an_engine_that_learns_the_dataset_may_train_on_it(dataset, engines, refused):
    schema = dataset_schema(dataset)
    for name in engines:
        check_engine_learns(get_engine(name), schema)
    for name in refused:
        with pytest.raises(InvalidArgument, match=r"engines that can:.*tabular_argn") as caught:
            check_engine_learns(get_engine(name), schema)
        assert caught.value.violations[0].field == "engine"


def test_hma_is_refused_a_chain_deeper_than_it_learns_saying_why():
    schema = dataset_schema(ROUTE_CHAIN)
    assert schema.depth() == 3 and dataset_schema(AIRLINES_FLIGHTS).depth() == 2
    with pytest.raises(InvalidArgument, match=r"hma cannot learn this dataset \(3 tables, 3 lev"):
        check_engine_learns(get_engine("hma"), schema)
