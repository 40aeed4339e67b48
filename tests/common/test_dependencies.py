"""Which columns another column determines (`common.contracts.dependencies`): on real tables,
the dependencies a user would name, and none where one would be an accident."""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.data import gapminder

from common.contracts.dependencies import (
    MAX_MAPPING_CHARS,
    MAX_MAPPING_VALUES,
    Dependency,
    DependencyFinder,
    find_dependencies,
)
from tests import adult
from tests.corpus import shared_tables

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
    numbers = [c for c in table.columns if c not in categories]
    # Number columns as numbered sources too: age, hours and education-num find nothing new
    # (education-num determines education back, but comes later in column order).
    deps = find_dependencies(table, categories, list(table.columns), numbers)
    assert _found(deps) == [("education", ("education-num",))]


def test_the_shared_tables_number_columns_determine_nothing():
    # No false alarm: housing's RAD (9 values), haberman's year, wine's integer qualities...
    for name, path in shared_tables().items():
        if name.startswith("adult"):
            continue
        table = pd.read_csv(path)
        categories = [c for c in table.columns if table[c].dtype == object]
        numbers = [c for c in table.columns if c not in categories]
        assert numbers, name
        assert find_dependencies(table, categories, list(table.columns), numbers) == [], name


def test_a_number_column_is_a_source_only_when_whole_and_repeating_enough():
    # 10 chicks of 6 weighings each, one diet each: the chick determines its diet.
    rng = np.random.default_rng(2)
    chick = np.repeat(np.arange(1, 11), 6)
    diet = rng.choice(["a", "b", "c"], 10)[chick - 1]
    table = pd.DataFrame({"chick": chick, "diet": diet, "weight": rng.normal(90, 20, 60)})
    assert _found(find_dependencies(table, [], ["diet"], ["chick"])) == [("chick", ("diet",))]
    # The same as numbers with a fraction: a measure, not an id.
    measured = table.assign(chick=table["chick"] + 0.5)
    assert find_dependencies(measured, [], ["diet"], ["chick"]) == []
    # Fewer than 5 rows per value: 15 values of 4 rows each in 60 rows.
    few = table.assign(chick=np.repeat(np.arange(15), 4), diet=np.repeat(diet[:15], 4))
    assert find_dependencies(few, [], ["diet"], ["chick"]) == []
    # As a category, those 15 values of 4 rows each are a source.
    assert _found(find_dependencies(few, ["chick"], ["diet"])) == [("chick", ("diet",))]


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


def _wide(rows: int, noise_columns: int, seed: int = 0) -> pd.DataFrame:
    """A country and its continent, then many category columns of noise."""
    rng = np.random.default_rng(seed)
    countries = rng.integers(0, 50, rows)
    columns = {"country": [f"country{c}" for c in countries]}
    columns["continent"] = [f"continent{c % 5}" for c in countries]
    for index in range(noise_columns):
        columns[f"noise{index}"] = rng.integers(0, 5, rows).astype(str).astype(object)
    return pd.DataFrame(columns)


def test_a_table_of_a_thousand_category_columns_finds_its_one_dependency():
    # The upload's most columns: a million pairs, once a millisecond each (over 5 minutes).
    table = _wide(5_000, 998)
    deps = find_dependencies(table, list(table.columns), list(table.columns))
    assert _found(deps) == [("country", ("continent",))]


def test_a_thousand_copies_of_one_column_are_derived_from_the_first():
    # Every pair passes every row: the pairs followed through all rows are bounded.
    base = np.random.default_rng(2).integers(0, 50, 5_000).astype(str).astype(object)
    table = pd.DataFrame({f"c{i}": base for i in range(1_000)})
    (dep,) = find_dependencies(table, list(table.columns), list(table.columns))
    assert dep.source == "c0"
    assert dep.columns == tuple(f"c{i}" for i in range(1, 1_000))
    assert len(dep.rows) == 50


def test_a_mapping_is_bounded_in_values_and_characters():
    # A source of 10,000 values that determines 300 columns: the mapping keeps the columns
    # that fit in MAX_MAPPING_VALUES, the others are the engine's.
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 10_000, 50_000)
    table = pd.DataFrame(
        {"code": codes.astype(str)} | {f"d{i}": (codes * (i + 7) % 9973) for i in range(300)}
    )
    (dep,) = find_dependencies(table, ["code"], list(table.columns))
    assert len(dep.rows) * (1 + len(dep.columns)) <= MAX_MAPPING_VALUES
    assert dep.columns == tuple(f"d{i}" for i in range(len(dep.columns)))
    assert len(dep.columns) == MAX_MAPPING_VALUES // len(dep.rows) - 1
    # 1,000 labels of 20,000 characters are more text than a mapping holds; short ones fit.
    codes = np.repeat(np.arange(1_000), 2)
    long = pd.DataFrame(
        {
            "code": [f"c{c}" for c in codes],
            "label": [f"{c}" + "x" * 20_000 for c in codes],
            "short": [f"s{c % 7}" for c in codes],
        }
    )
    (dep,) = find_dependencies(long, ["code"], list(long.columns))
    assert dep.columns == ("short",)
    assert sum(len(str(v)) for row in dep.rows for v in row) <= MAX_MAPPING_CHARS


def test_a_row_breaks_a_mapping_by_its_value_whatever_the_values_type():
    table = pd.DataFrame({"code": list("abcde") * 4, "n": [1, 2, 3, None, 5] * 4})
    (dep,) = find_dependencies(table, ["code"], ["n"])
    rows = pd.DataFrame(
        {
            "code": ["a", "b", "c", "d", "e", "a", "d", None, "zzz"],
            "n": [1.0, np.int64(2), "3", np.nan, 5, 2, 4.0, 1, 9],
        },
        dtype=object,
    )
    # 3 and "3" differ, 1 and 1.0 do not, a missing value goes with "d" and nothing breaks
    # a source value the real rows never had.
    assert dep.broken(rows)["n"].tolist() == [
        False, False, True, False, False, True, True, False, False
    ]  # fmt: skip
