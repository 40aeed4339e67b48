"""Birthdays written with two-digit years (`3/14/55`) are read in the century they fill.

strptime reads 00-68 as 20xx: people born 1955 to 1985 were stored as born 1969-1985 and
2055-2068, and tabular_argn drew 153 of 1,000 synthetic birthdays in years no real row was
in (`4/2/23`, `7/9/99`) from the two clusters.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.services.training.faithful_world import Ingested, exported, ingested, sample, train


def _birthdays(n: int, first: int, last: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    years = rng.integers(first, last + 1, n)
    return [f"{rng.integers(1, 13)}/{rng.integers(1, 29)}/{y % 100:02d}" for y in years]


@pytest.fixture(scope="module")
def people(work) -> Ingested:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"dob": _birthdays(500, 1955, 1985, 1), "income": rng.normal(5e4, 9e3, 500).round(2)}
    )
    csv = work / "people.csv"
    frame.to_csv(csv, index=False)
    return ingested(csv, work)


def test_birthdays_of_1955_to_1985_are_read_so(people):
    years = people.frame["dob"].dt.year
    assert (years.min(), years.max()) == (1955, 1985)
    assert people.metadata["columns"]["dob"]["datetime_format"] == "%-m/%-d/%y"


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_synthetic_birthdays_keep_to_the_real_years(engine, people, work):
    batch = sample(train(people, engine, work), 1_000, work)
    years = pd.read_parquet(batch)["dob"].dt.year
    assert years.between(1955, 1985).all(), sorted(years[~years.between(1955, 1985)])
    written = pd.read_csv(pd.io.common.StringIO(exported(batch, "csv")), dtype=str)["dob"]
    assert written.str.fullmatch(r"\d{1,2}/\d{1,2}/(5[5-9]|[67]\d|8[0-5])").all()


def test_the_pivot_of_strptime_stays_where_the_years_run_through_it(work: Path):
    # 12/31/69 and 1/1/70 beside the 2000s: one run 1969-2005, as strptime reads it; a column
    # of 50-68 alone stays 2050-2068 (no year says otherwise).
    csv = work / "pivot.csv"
    values = ["12/31/69", "1/1/70", "6/15/85", "2/29/00", "3/1/05"] * 5
    pd.DataFrame({"when": values, "n": range(25)}).to_csv(csv, index=False)
    years = ingested(csv, work).frame["when"].dt.year
    assert sorted(set(years)) == [1969, 1970, 1985, 2000, 2005]
    csv = work / "later.csv"
    pd.DataFrame({"when": ["1/1/50", "7/4/68"] * 5, "n": range(10)}).to_csv(csv, index=False)
    assert sorted(set(ingested(csv, work).frame["when"].dt.year)) == [2050, 2068]


def test_years_seen_in_a_later_batch_move_the_earlier_ones(work: Path):
    # JSON Lines are typed 10,000 records a batch: the first batch's years (70-85) alone
    # read as strptime reads them, the later ones (55-68) make all of them 1955-1985.
    path = work / "later_batches.jsonl"
    dates = _birthdays(10_000, 1970, 1985, 2) + _birthdays(15_000, 1955, 1968, 3)
    path.write_text("".join(json.dumps({"dob": d, "n": i}) + "\n" for i, d in enumerate(dates)))
    years = ingested(path, work).frame["dob"].dt.year
    assert (years.min(), years.max()) == (1955, 1985)
    assert years.iloc[:10_000].between(1970, 1985).all()


def test_years_that_tell_no_century_keep_strptimes(work: Path):
    # Every two-digit year (no gap says where the hundred years start), or two years half a
    # century apart: read as strptime reads them.
    for name, years in (("every_year", range(100)), ("two", (70, 20))):
        csv = work / f"{name}.csv"
        values = [f"1/1/{y:02d}" for y in years] * 3
        pd.DataFrame({"when": values, "n": range(len(values))}).to_csv(csv, index=False)
        read = ingested(csv, work).frame["when"].dt.year
        assert read.min() >= 1969 and read.max() <= 2068, name
