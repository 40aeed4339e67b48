"""Columns one column determines but for a few of its values
(`common.contracts.near_dependencies`): mpg's model and class, and none where it would be an
accident or where too many values disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.contracts.dependencies import find_dependencies
from common.contracts.near_dependencies import NearDependencyFinder
from tests import adult
from tests.corpus import shared_tables
from tests.services.training.faithful_world import FIXTURES


def _near(
    table: pd.DataFrame, sources: list[str], batch: int = 10_000
) -> list[tuple[str, tuple[str, ...], int]]:
    exact = find_dependencies(table, sources, list(table.columns))
    finder = NearDependencyFinder(sources, list(table.columns))
    for start in range(0, len(table), batch):  # in batches, as training reads them
        finder.add(table.iloc[start : start + batch])
    return [(d.source, d.columns, len(d.rows)) for d in finder.dependencies(exact)]


def _categories(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if table[c].dtype == object or table[c].nunique() <= 20]


def test_mpg_keeps_the_class_of_the_36_models_sold_in_one():
    mpg = pd.read_csv(FIXTURES / "mpg.csv")
    assert _near(mpg, _categories(mpg), batch=100) == [("model", ("class",), 36)]


def test_adult_and_the_shared_tables_have_none():
    table = adult.frame()
    assert _near(table, _categories(table)) == []
    for name, path in shared_tables().items():
        table = pd.read_csv(path, skipinitialspace=True)
        assert _near(table, _categories(table)) == [], name


def test_none_when_more_values_disagree_or_the_values_hardly_repeat():
    mpg = pd.read_csv(FIXTURES / "mpg.csv")
    # Two more models changed class: 4 of 38 disagree (over 10 %), in 27 rows.
    changed = mpg["model"].isin(["a4", "mustang"]) & (mpg["year"] == 2008)
    assert _near(mpg.assign(**{"class": mpg["class"].mask(changed, "2seater")}), ["model"]) == []
    # 10 codes of 2 rows each, one disagreeing, two labels half and half: 9 codes agreeing
    # happen by chance once in 2 ** 9 = 512 tables, too often. With 3 rows each, 9 agreeing
    # codes would be once in 4 ** 9 (262,144): kept.
    rng = np.random.default_rng(1)
    labels = np.array(["x", "y"] * 5)[rng.permutation(10)]
    for rows, found in ((2, []), (3, [("code", ("label",), 9)])):
        codes = np.repeat(np.arange(10), rows)
        written = labels[codes]
        written[0] = "y" if written[0] == "x" else "x"
        table = pd.DataFrame({"code": codes.astype(str), "label": written})
        assert _near(table, ["code"]) == found
