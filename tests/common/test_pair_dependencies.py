"""The rules of `common.contracts.pair_dependencies` and `.concatenations` on real rows:
nycflights13's routes and MASS's Cars93 (tests/fixtures/faithful)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from common.contracts.concatenations import ConcatenationFinder, find_concatenations
from common.contracts.pair_dependencies import PairDependencyFinder, find_pair_dependencies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "faithful"
CATEGORIES = ["carrier", "origin", "dest"]
TARGETS = ["month", "day", "dep_delay", "arr_delay", "flight", "air_time", "distance"]


@pytest.fixture(scope="module")
def flights() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "flights_routes.csv")


def _found(rows: pd.DataFrame) -> list[tuple[tuple[str, str], tuple[str, ...]]]:
    found = find_pair_dependencies(rows, CATEGORIES, [*CATEGORIES, *TARGETS])
    return [(d.sources, d.columns) for d in found]


def test_the_route_fixes_the_distance_in_a_whole_table_and_batch_by_batch(flights):
    assert _found(flights) == [(("origin", "dest"), ("distance",))]
    finder = PairDependencyFinder(CATEGORIES, [*CATEGORIES, *TARGETS])
    for start in range(0, len(flights), 300):
        finder.add(flights.iloc[start : start + 300])
    (pair,) = finder.dependencies()
    assert pair.sources == ("origin", "dest") and sum(pair.counts) == len(flights)
    # A later batch with a flight of another length leaves its route free (EGE in the whole
    # table: 1,725 and 1,726 miles from EWR): generation and the report leave it alone.
    odd = flights.iloc[:300].copy()
    flown = odd.groupby(["origin", "dest"])["origin"].transform("size")
    rare = int(np.flatnonzero(flown.to_numpy() == 1)[0])  # a route flown once in these rows
    odd.loc[odd.index[rare], "distance"] += 1
    finder.add(odd)
    (pair,) = finder.dependencies()
    (free,) = pair.free
    assert [pair.rows[i][:2] for i in free] == [tuple(odd.loc[odd.index[rare], ["origin", "dest"]])]
    rows = odd.iloc[: rare + 1].copy()
    rows["distance"] = -1
    pair.derive(rows)
    assert (rows["distance"] == -1).tolist() == [i == rare for i in range(rare + 1)]
    assert pair.broken(rows)[0]["distance"].sum() == 0
    # Disagreeing routes past 1 % of the rows end it.
    odd = flights.copy()
    odd.loc[odd.index[::40], "distance"] += 1
    finder.add(odd)
    assert finder.dependencies() == []


def test_a_few_rows_are_not_evidence_enough(flights):
    # Destinations flown to from one airport only, and 3 + 2 flights to LAX from JFK and EWR:
    # the destination alone all but fixes the distance; five rows could agree by chance.
    origins = flights.groupby("dest")["origin"].nunique()
    single = flights[flights["dest"].isin(origins[origins == 1].index)]
    lax = flights[flights["dest"] == "LAX"]
    few = pd.concat([single, lax[lax.origin == "JFK"].head(3), lax[lax.origin == "EWR"].head(2)])
    assert _found(few) == []
    # With 30 and 20 of them, it is.
    many = pd.concat([single, lax[lax.origin == "JFK"].head(30), lax[lax.origin == "EWR"].head(20)])
    assert _found(many) == [(("origin", "dest"), ("distance",))]


def test_independent_columns_give_no_pair():
    rng = np.random.default_rng(3)
    rows = pd.DataFrame(
        {
            "a": rng.choice(list("abcde"), 5_000),
            "b": rng.choice(list("vwxyz"), 5_000),
            "c": rng.choice(list("pq"), 5_000),
            "n": rng.integers(0, 3, 5_000),
        }
    )
    assert find_pair_dependencies(rows, ["a", "b", "c"], ["a", "b", "c", "n"]) == []


def test_the_make_is_found_as_the_manufacturer_and_model_and_a_broken_row_ends_it():
    cars = pd.read_csv(FIXTURES / "cars93.csv")
    categories = ["Manufacturer", "Model", "Type", "AirBags", "DriveTrain", "Origin", "Make"]
    (make,) = find_concatenations(cars, categories)
    assert make.description == 'Make = Manufacturer + " " + Model'
    assert not make.broken(cars).any()
    finder = ConcatenationFinder(categories)
    finder.add(cars)
    odd = cars.copy()
    odd.loc[7, "Make"] = "Buick LeSabre Custom"
    finder.add(odd)
    assert finder.found() == []
    # A column that merely starts like another (the type's first letters) is no recipe.
    cars["Code"] = cars["Type"].str[:3] + "-" + cars["Origin"].where(cars.index % 7 > 0, "x")
    assert [c.column for c in find_concatenations(cars, [*categories, "Code"])] == ["Make"]


def test_a_mapping_too_large_to_store_is_not_kept(flights):
    # The same routes, each airport written with 20,000 characters: 182 routes' names would
    # be 7 million characters in the model.
    rows = flights.copy()
    for column in ("origin", "dest"):
        rows[column] = rows[column] + "x" * 20_000
    assert _found(rows) == []
    assert _found(flights) == [(("origin", "dest"), ("distance",))]
