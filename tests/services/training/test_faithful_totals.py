"""A number column that is the sum of others in every real row (plotly's Montreal election:
`total` = `Coderre` + `Bergeron` + `Joly`) is their sum in every synthetic row too, and a
category column that names the largest of them (`winner`) names it in every synthetic row.
So is a column that is another exact formula of them (ggplot2's txhousing: a decimal `date`
= `year` + `month`/12 - 1/12; a synthetic row read "2013, month 2, date 2011.25").

Before, a user downloading the election's synthetic rows read "629, 360, 634, total 1516,
winner Bergeron" (the votes add up to 1623, and Joly had the most) in the first row; no row
added up, and 32 of 50 winners had fewer votes than another candidate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.contracts.leaders import Leader, find_leaders
from common.contracts.totals import Total, find_totals
from services.training.engines.trainset import stream_profile
from tests.corpus import TXHOUSING
from tests.services.training.faithful_world import Ingested, ingested, sample, train

VOTES = ["Coderre", "Bergeron", "Joly"]


@pytest.fixture(scope="module")
def election(work) -> Ingested:
    from plotly.data import election

    path = work / "election.csv"
    election().to_csv(path, index=False)
    return ingested(path, work)


def _adds_up(rows: pd.DataFrame) -> pd.Series:
    return rows["total"] == rows[VOTES].sum(axis=1)


def _winner_leads(rows: pd.DataFrame) -> pd.Series:
    return rows["winner"] == rows[VOTES].idxmax(axis=1)


def test_the_profile_keeps_the_total_its_parts_and_the_winner(election):
    assert _adds_up(election.frame).all() and _winner_leads(election.frame).all()
    profile, _ = stream_profile(election.parquet, election.metadata)
    assert profile.totals == (Total("total", tuple(VOTES)),)
    assert profile.leaders == (Leader("winner", tuple(VOTES)),)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_total_is_the_sum_of_its_votes_and_the_winner_has_the_most(
    engine, election, work
):
    trained = train(election, engine, work)
    synthetic = pd.read_parquet(sample(trained, 500, work))
    assert _adds_up(synthetic).all() and _winner_leads(synthetic).all()
    assert set(synthetic["winner"]) == set(VOTES)
    assert synthetic.dtypes.to_dict() == election.frame.dtypes.to_dict()
    # Within the real totals' range (bounds on: rows adding up beyond it are drawn again),
    # and still spread like them, not one sum.
    real = election.frame["total"]
    assert synthetic["total"].between(real.min(), real.max()).all()
    assert synthetic["total"].nunique() > 100

    # A range on the total holds, and so does the sum.
    rows = pd.read_parquet(sample(trained, 100, work, seed=3, conditions={"total": {"gte": 8000}}))
    assert len(rows) == 100 and (rows["total"] >= 8000).all() and _adds_up(rows).all()
    # So does a winner: rows where another candidate has the most are drawn again.
    rows = pd.read_parquet(sample(trained, 100, work, seed=4, conditions={"winner": "Joly"}))
    assert len(rows) == 100 and (rows["winner"] == "Joly").all() and _winner_leads(rows).all()


def test_totals_with_gaps_and_floats_are_found_and_coincidences_are_not():
    rng = np.random.default_rng(6)
    n = 40
    lines = pd.DataFrame(
        {
            "net": rng.integers(100, 9_000, n) / 100,
            "tax": rng.integers(0, 2_000, n) / 100,
            "year": rng.integers(2001, 2020, n),
        }
    )
    lines["gross"] = lines["net"] + lines["tax"]
    lines.loc[[3, 9], "tax"] = np.nan  # the rule holds wherever every value is present
    columns = ["net", "tax", "year", "gross"]
    assert find_totals(lines, columns) == [Total("gross", ("net", "tax"))]
    # Too few rows to tell a sum from a coincidence.
    assert find_totals(lines.head(12), columns) == []
    # A grand total beside a subtotal and its parts adds up two ways: both hold, the grand
    # total set after (and from) the subtotal it reads.
    lines["grand"] = lines["gross"] + lines["year"]
    assert find_totals(lines, [*columns, "grand"]) == [
        Total("gross", ("net", "tax")),
        Total("grand", ("year", "gross")),
    ]
    # One row off: no rule.
    lines.loc[5, "gross"] += 1
    assert find_totals(lines, columns) == []


def _date_of(rows: pd.DataFrame) -> pd.Series:
    return rows["year"] + (rows["month"] - 1) / 12


def test_a_decimal_date_made_of_year_and_month_is_found_written_as_a_formula():
    houses = pd.read_csv(TXHOUSING)
    numbers = [c for c in houses.columns if c != "city"]
    (found,) = find_totals(houses, numbers)
    assert found.description == "date = year + month/12 - 1/12"
    # Written with 3 decimals, the formula holds after that rounding, and sets 3 decimals.
    rounded = houses.assign(date=houses["date"].round(3))
    (found,) = find_totals(rounded, numbers)
    assert found.description == "date = year + month/12 - 1/12" and found.decimals == 3
    # Of the columns one formula links, the one written with more decimals is set.
    rng = np.random.default_rng(8)
    weather = pd.DataFrame({"celsius": rng.normal(20, 8, 300).round(1)})
    weather["fahrenheit"] = weather["celsius"] * 1.8 + 32
    weather["station"] = rng.integers(0, 9, 300)
    assert [t.description for t in find_totals(weather, list(weather.columns))] == [
        "fahrenheit = 9/5·celsius + 32"
    ]
    # Months (1-12) are no formula of a date rounded to whole years and a noisy column.
    houses["date"] = houses["date"].round(0)
    assert find_totals(houses, numbers) == []


def test_every_synthetic_date_is_its_year_and_month_and_the_cities_are_real(work):
    houses = ingested(TXHOUSING, work)
    trained = train(houses, "gaussian_copula", work)
    synthetic = pd.read_parquet(sample(trained, 500, work))
    assert np.allclose(synthetic["date"], _date_of(synthetic), rtol=0, atol=1e-9)
    assert set(synthetic["city"]) == set(houses.frame["city"])


def test_a_category_naming_the_largest_column_is_found_only_when_every_row_agrees():
    rng = np.random.default_rng(7)
    scores = pd.DataFrame(rng.integers(0, 100, (40, 3)), columns=["home", "away", "draw"])
    scores["size"] = rng.integers(0, 1_000, 40)  # never named: not one of the columns
    scores["best"] = scores[["home", "away", "draw"]].idxmax(axis=1)
    scores["kind"] = rng.choice(["home", "away"], 40)  # names columns, but not the largest
    numbers = ["home", "away", "draw", "size"]
    assert find_leaders(scores, ["best", "kind"], numbers) == [
        Leader("best", ("home", "away", "draw"))
    ]
    assert find_leaders(scores.head(15), ["best"], numbers) == []  # too few rows to tell
