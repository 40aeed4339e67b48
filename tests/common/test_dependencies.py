"""Which columns another column determines (`common.contracts.dependencies`): on real tables,
the dependencies a user would name, and none where one would be an accident."""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.data import gapminder

from common.contracts.dependencies import Dependency, DependencyFinder, find_dependencies
from tests import adult

GAPMINDER_CATEGORIES = ["country", "continent", "iso_alpha"]


def _found(deps: list[Dependency]) -> list[tuple[str, tuple[str, ...]]]:
    return [(d.source, d.columns) for d in deps]


def test_a_country_determines_its_continent_codes_and_centroid_and_is_their_one_source():
    table = gapminder(datetimes=False, centroids=True, pretty_names=False)
    deps = find_dependencies(table, GAPMINDER_CATEGORIES, list(table.columns))
    # iso_alpha and country determine each other: the first in column order is the source.
    assert _found(deps) == [
        ("country", ("continent", "iso_alpha", "iso_num", "centroid_lon", "centroid_lat"))
    ]
    mapping = {row[0]: row[1:] for row in deps[0].rows}
    assert len(mapping) == 142
    assert mapping["Indonesia"] == ("Asia", "IDN", 360, 120.0, 0.0)
    # Stored and read back as JSON, the same mapping.
    assert Dependency.from_dict(deps[0].to_dict()) == deps[0]


def test_the_same_dependencies_when_the_rows_come_in_batches():
    table = gapminder(datetimes=False, centroids=True, pretty_names=False)
    finder = DependencyFinder(GAPMINDER_CATEGORIES, list(table.columns))
    for start in range(0, len(table), 250):
        finder.add(table.iloc[start : start + 250])
    whole = find_dependencies(table, GAPMINDER_CATEGORIES, list(table.columns))
    assert _found(finder.dependencies()) == _found(whole)
    assert set(finder.dependencies()[0].rows) == set(whole[0].rows)


def test_adult_derives_education_num_from_education_and_nothing_else():
    table = adult.frame()
    categories = [c for c in table.columns if table[c].dtype == object]
    deps = find_dependencies(table, categories, list(table.columns))
    assert _found(deps) == [("education", ("education-num",))]


def test_a_finer_column_is_the_source_of_what_a_coarser_one_determines():
    # zip → city → state, in the order city, zip, state: city is never a source (it is
    # derived from zip), so nothing is derived from a derived column.
    rng = np.random.default_rng(0)
    zips = rng.integers(0, 30, 400)
    table = pd.DataFrame(
        {
            "city": [f"city{z // 3}" for z in zips],
            "zip": [f"{10000 + z}" for z in zips],
            "state": [f"state{z // 9}" for z in zips],
            "amount": rng.normal(size=400),
        }
    )
    deps = find_dependencies(table, ["city", "zip", "state"], list(table.columns))
    assert _found(deps) == [("zip", ("city", "state"))]


def test_no_dependency_from_few_repeats_a_constant_or_a_value_that_varies():
    rng = np.random.default_rng(1)
    # 40 rows, 32 of them with a code of their own: each code "determines" the label.
    codes = [f"c{i}" for i in range(32)] + ["x", "x", "y", "y", "z", "z", "w", "w"]
    few = pd.DataFrame({"code": codes, "label": rng.choice(["a", "b", "c"], 40)})
    assert find_dependencies(few, ["code", "label"], ["code", "label"]) == []
    # Four codes that repeat a lot are still too few.
    four = pd.DataFrame({"code": np.repeat(["a", "b", "c", "d"], 25)})
    four["label"] = four["code"].str.upper()
    assert find_dependencies(four, ["code"], ["code", "label"]) == []
    five = pd.DataFrame({"code": np.repeat(["a", "b", "c", "d", "e"], 20)})
    five["label"] = five["code"].str.upper()
    five["constant"] = "same"
    five["noise"] = rng.normal(size=100)
    assert _found(find_dependencies(five, ["code"], list(five.columns))) == [("code", ("label",))]


def test_a_missing_value_is_a_value_of_either_column():
    table = pd.DataFrame(
        {"code": ["a", "b", None, "d", "e"] * 4, "label": ["A", None, "N", "D", "E"] * 4}
    )
    (dep,) = find_dependencies(table, ["code"], ["label"])
    assert set(dep.rows) == {("a", "A"), ("b", None), (None, "N"), ("d", "D"), ("e", "E")}
    rows = pd.DataFrame({"code": [None, "b", "a", "zzz"], "label": ["X", "B", "A", "Q"]})
    assert dep.broken(rows)["label"].tolist() == [True, True, False, False]
    dep.derive(rows)
    assert rows["label"].tolist() == ["N", None, "A", "Q"]
