"""A 1,000-row slice of openintro's hfi (the Human Freedom Index): each country is scored
once a year, so (`countries`, `year`) and (`ISO_code`, `year`) are unique in every row,
though a country repeats over the years and a year over the countries.

Before: the engines learned country and year apart, and 74 (gaussian_copula), 95
(tabular_argn) and 67 (ctgan) of 500 synthetic rows scored a country a second time in the
same year; the report said nothing.
"""

from __future__ import annotations

import pandas as pd
import pytest

from common.contracts.unique_keys import UniqueKey, find_unique_keys
from services.evaluation.report import render_html
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    QUICK_PARAMS,
    ingested,
    reported,
    sample,
    split,
    train,
    unmended,
)

KEY = ["countries", "year"]


def _unavoidable(rows: pd.DataFrame, years: int) -> int:
    """Rows of a country past its number of real years: a repeat whatever a model does."""
    return int((rows["countries"].value_counts() - years).clip(lower=0).sum())


def test_a_country_and_a_year_are_a_key(hfi):
    assert not hfi.frame.duplicated(KEY).any()
    assert find_unique_keys(hfi.frame, hfi.metadata["columns"]) == [
        UniqueKey("ISO_code", "year"),
        UniqueKey("countries", "year"),
    ]


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_no_country_is_scored_twice_in_a_year(engine, hfi, work):
    rows = pd.read_parquet(sample(train(hfi, engine, work, **QUICK_PARAMS[engine]), 500, work))
    years = hfi.frame["year"].nunique()
    repeats = rows.duplicated(KEY)
    assert repeats.sum() == _unavoidable(rows, years), rows.loc[repeats, KEY].head()
    assert set(rows["year"]) == set(hfi.frame["year"])  # every real year still written
    assert rows["year"].value_counts(normalize=True).max() < 0.2


def test_the_report_counts_countries_scored_twice_in_a_year(hfi, work):
    trained = train(hfi, "gaussian_copula", work)
    real, _ = split(hfi)

    def check(rows: pd.DataFrame):
        report = reported(hfi, rows)
        return report, next(c for c in report.unique_keys if c.name == "countries")

    raw = unmended(trained, 500)  # what gaussian_copula wrote before
    broken = int(raw.duplicated(KEY).sum())
    assert broken > 50
    before, key = check(raw)
    assert (key.time, key.violation_count, key.real_rows) == ("year", broken, len(real))
    assert key.unavoidable_count == _unavoidable(raw, real["year"].nunique())
    assert "Keys repeated" in render_html(before)
    after, key = check(pd.read_parquet(sample(trained, 500, work)))
    assert key.violation_count == 0
    assert "Keys repeated" not in render_html(after)


def test_no_other_table_has_such_a_key(work):
    tables = {**shared_tables(), **{p.stem: p for p in FIXTURES.glob("*.csv")}}
    found = []
    for name, path in tables.items():
        table = ingested(path, work)
        found += [
            (name, *k.columns) for k in find_unique_keys(table.frame, table.metadata["columns"])
        ]
    assert sorted(found) == [("hfi", "ISO_code", "year"), ("hfi", "countries", "year")]
