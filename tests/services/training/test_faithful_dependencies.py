"""A column that another one determines in every real row (a country's continent, ISO codes
and centroid) keeps its real value in every synthetic row, for every engine, and the report
counts the rows that do not.

Before, gaussian_copula wrote "Indonesia, Europe, HTI, 284" in the first rows, and no score
of the report noticed."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import ReportOptions, build_report
from services.training.engines.base import InvalidConditionError
from services.training.engines.sampling import validate_conditions
from services.training.engines.trainset import stream_profile
from tests.corpus import gapminder_csv
from tests.services.training.faithful_world import Ingested, ingested, sample, train

COUNTRY = ["country", "continent", "iso_alpha", "iso_num", "centroid_lon", "centroid_lat"]


@pytest.fixture(scope="module")
def gapminder(work) -> Ingested:
    return ingested(gapminder_csv(work / "gapminder.csv"), work)


def _real_combinations(rows: pd.DataFrame, real: pd.DataFrame) -> float:
    """The share of ``rows`` whose country, continent, codes and centroid are a real row's."""
    combinations = set(real[COUNTRY].itertuples(index=False, name=None))
    found = [row in combinations for row in rows[COUNTRY].itertuples(index=False, name=None)]
    return float(np.mean(found))


def _report(table: Ingested, synthetic: pd.DataFrame):
    holdout = table.frame.sample(frac=0.3, random_state=0)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=500)
    return build_report(
        table.frame.drop(holdout.index), holdout, synthetic, table.metadata, options
    )


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_row_pairs_a_country_with_its_own_continent_codes_and_centroid(
    engine, gapminder, work
):
    trained = train(gapminder, engine, work)
    synthetic = pd.read_parquet(sample(trained, 1_000, work))
    assert _real_combinations(synthetic, gapminder.frame) == 1.0
    assert synthetic.dtypes.to_dict() == gapminder.frame.dtypes.to_dict()
    # The other columns are still the engine's: years and populations vary per country.
    assert synthetic.groupby("country")["year"].nunique().max() > 1
    report = _report(gapminder, synthetic)
    assert [(d.source, d.violation_count) for d in report.dependencies] == [("country", 0)]

    # A condition on a derived column holds: Asian countries only, with their own codes.
    asian = gapminder.frame.loc[gapminder.frame["continent"] == "Asia", "country"]
    rows = pd.read_parquet(sample(trained, 200, work, seed=3, conditions={"continent": "Asia"}))
    assert len(rows) == 200 and (rows["continent"] == "Asia").all()
    assert rows["country"].isin(asian).all()
    assert _real_combinations(rows, gapminder.frame) == 1.0


def test_conditions_no_row_can_meet_are_refused_at_once(gapminder):
    # Instead of failing after twenty rounds of drawing rows that all break them.
    profile, _ = stream_profile(gapminder.parquet, gapminder.metadata)
    met = validate_conditions(profile, {"country": "Indonesia", "continent": "Asia"})
    assert met == {"country": "Indonesia", "continent": "Asia"}
    with pytest.raises(InvalidConditionError, match="'Indonesia' goes with another continent"):
        validate_conditions(profile, {"country": "Indonesia", "continent": "Europe"})
    # Within the range of centroids, but no country's.
    with pytest.raises(InvalidConditionError, match=r"no value of country goes with 33\.5"):
        validate_conditions(profile, {"centroid_lat": 33.5})


def test_lists_ranges_and_two_derived_columns_that_no_row_can_meet_are_refused_at_once(
    gapminder,
):
    # Each was accepted, and generation drew rows that all broke it round after round.
    profile, _ = stream_profile(gapminder.parquet, gapminder.metadata)
    refused = {
        "country 'France' goes with another continent": {
            "country": "France",
            "continent": ["Asia"],
        },
        "no value of country goes with 'Asia' and the conditions on country": {
            "country": ["France", "Spain"],
            "continent": "Asia",
        },
        "no value of country goes with 'FRA' and the conditions on continent": {
            "continent": "Asia",
            "iso_alpha": "FRA",
        },
        "no value of country goes with {'gt': 33.1, 'lt': 33.2}": {
            "centroid_lat": {"gt": 33.1, "lt": 33.2}
        },
        "country 'France' goes with another centroid_lat": {
            "country": "France",
            "centroid_lat": {"lt": 0},
        },
    }
    for message, conditions in refused.items():
        with pytest.raises(InvalidConditionError, match=re.escape(message)):
            validate_conditions(profile, conditions)
    met = {"country": ["France", "Japan"], "continent": "Asia", "centroid_lat": {"gt": 30}}
    assert validate_conditions(profile, met)["continent"] == "Asia"


def test_the_report_counts_the_rows_of_a_batch_that_pairs_them_otherwise(gapminder):
    # Each column shuffled on its own: every column's shares are the real ones, and most
    # rows pair a country with another's continent (what generation did before).
    real = gapminder.frame
    rng = np.random.default_rng(4)
    shuffled = real.apply(lambda column: column.to_numpy()[rng.permutation(len(real))])
    report = _report(gapminder, shuffled)
    (check,) = report.dependencies
    assert check.source == "country"
    assert check.columns == COUNTRY[1:]
    assert check.violation_count > 0.9 * len(shuffled)
    assert check.column_violation_counts[0] > 0.6 * len(shuffled)  # five continents
    assert check.violation_count == round((1 - _real_combinations(shuffled, real)) * len(real))


def test_adult_derives_education_num_from_education_and_nothing_else(adult):
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    names = list(adult.frame.columns)
    education, number = names[3], names[4]
    assert [(d.source, d.columns) for d in profile.dependencies] == [(education, (number,))]
    assert len(profile.dependencies[0].rows) == 16


def test_a_small_table_whose_codes_hardly_repeat_derives_nothing(work):
    # Each product has one category here, but only because 36 of its 40 codes occur once:
    # nothing says a new row of a product would keep it.
    rng = np.random.default_rng(5)
    codes = [f"P-{i:03d}" for i in range(36)] + ["P-900", "P-900", "P-901", "P-901"]
    names = sorted(set(codes))
    category = dict(zip(names, rng.choice(["tools", "garden", "kitchen"], 38), strict=True))
    table = pd.DataFrame(
        {
            "product": codes,
            "category": [category[c] for c in codes],
            "price": rng.integers(5, 90, 40),
        }
    )
    path = work / "products.csv"
    table.to_csv(path, index=False)
    products = ingested(path, work)
    assert products.metadata["columns"]["product"]["sdtype"] == "categorical"
    profile, _ = stream_profile(products.parquet, products.metadata)
    assert profile.dependencies == ()
