"""A number keeps, within each value of a category column, the range the real rows give it:
no doctorate under 24 in adult, no 6 kg Adelie penguin, for every engine.

A user generated 2,000 rows of adult with gaussian_copula and saw 21-year-olds with a
doctorate; adult's youngest doctorate is 24, its youngest from a professional school 25.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from common.contracts.category_ranges import (
    CategoryRange,
    CategoryRangeFinder,
    find_category_ranges,
    mend_ranges,
)
from services.training.engines.profile import TableProfile
from services.training.engines.trainset import stream_profile
from tests.corpus import shared_tables
from tests.services.training.faithful_world import sample, train, unmended


def _outside(rows: pd.DataFrame, real: pd.DataFrame, number: str, category: str) -> int:
    """Rows whose number lies outside the real rows' range for their category."""
    ranges = real.groupby(category)[number].agg(["min", "max"])
    low, high = rows[category].map(ranges["min"]), rows[category].map(ranges["max"])
    return int(((rows[number] < low) | (rows[number] > high)).sum())


def test_adult_keeps_the_youngest_doctorate_24(adult):
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    names = list(adult.frame.columns)
    age, education = names[0], names[3]
    (by_education,) = (r for r in profile.category_ranges if r.columns == (education, age))
    lows = dict(zip(by_education.values, by_education.lows, strict=True))
    assert lows["Doctorate"] == 24 and lows["Prof-school"] == 25
    assert "Doctorate: from 24" in by_education.named()
    # A small group bounds nothing: 51 rows of preschool (19 to 75) could be any age.
    assert "Preschool" not in lows and "HS-grad" not in lows
    # Models written before keep loading: their profile has no such field.
    stored = json.loads(json.dumps(profile.to_dict()))
    assert TableProfile.from_dict(stored) == profile
    del stored["category_ranges"]
    assert TableProfile.from_dict(stored).category_ranges == ()


def test_no_doctorate_is_21(adult, work):
    names = list(adult.frame.columns)
    age, education = names[0], names[3]
    trained = train(adult, "gaussian_copula", work)
    raw = unmended(trained, 2_000)
    assert _outside(raw, adult.frame, age, education) > 10  # what the user saw
    rows = pd.read_parquet(sample(trained, 2_000, work))
    assert _outside(rows, adult.frame, age, education) == 0
    assert not ((rows[education] == "Doctorate") & (rows[age] < 24)).any()
    # The ages are the engine's, moved between rows: their shares hardly move.
    assert abs(rows[age].mean() - raw[age].mean()) < 1


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_penguin_weighs_what_its_species_weighs(engine, penguins, work):
    # palmerpenguins: Adelies weigh 2,850 to 4,775 g, Gentoos 3,950 to 6,300 g. gaussian_copula
    # gave hundreds of its 1,000 rows a mass, a bill or a flipper no penguin of their species has.
    real = penguins.frame
    profile, _ = stream_profile(penguins.parquet, penguins.metadata)
    trained = train(penguins, engine, work)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    by_species = [r for r in profile.category_ranges if r.category == "species"]
    assert {r.number for r in by_species} == {
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
    }
    for bound in profile.category_ranges:
        assert not bound.broken(rows).any(), bound.description
    adelie, gentoo = rows["species"] == "Adelie", rows["species"] == "Gentoo"
    assert not (adelie & (rows["body_mass_g"] > 4_775)).any()
    assert not (gentoo & (rows["body_mass_g"] < 3_950)).any()
    if engine == "gaussian_copula":
        raw = unmended(trained, 1_000)
        assert _outside(raw, real, "body_mass_g", "species") > 100
        # Swapped between rows where they can, the masses keep their real spread (KS 0.05; the
        # engine's own, 0.03).
        mass = rows["body_mass_g"].dropna()
        assert ks_2samp(mass, real["body_mass_g"].dropna()).statistic < 0.1


def test_swapping_keeps_every_value_of_the_column():
    # Heavy Adelies and light Gentoos trade masses: both end within their species' range,
    # and the column holds exactly the values it held.
    bound = CategoryRange(
        category="species",
        number="mass",
        values=("Adelie", "Gentoo"),
        lows=(2_850.0, 3_950.0),
        highs=(4_775.0, 6_300.0),
    )
    rows = pd.DataFrame(
        {
            "species": ["Adelie"] * 30 + ["Gentoo"] * 30,
            "mass": [5_500.0] * 10 + [3_500.0] * 20 + [3_000.0] * 10 + [5_000.0] * 20,
        }
    )
    before = sorted(rows["mass"])
    assert mend_ranges(rows, [bound], np.random.default_rng(4)) == 20
    assert not bound.broken(rows).any()
    assert sorted(rows["mass"]) == before


def test_a_condition_on_the_number_keeps_it():
    bound = CategoryRange("education", "age", ("Doctorate",), (24.0,), (None,))
    rows = pd.DataFrame({"education": ["Doctorate", "HS-grad"], "age": [21, 30]})
    assert mend_ranges(rows, [bound], np.random.default_rng(0), frozen={"age"}) == 0
    assert rows["age"].tolist() == [21, 30]
    # Without one, the 21-year-old doctorate takes the only age that fits: 30.
    assert mend_ranges(rows, [bound], np.random.default_rng(0)) == 2
    assert rows["age"].tolist() == [30, 21]


def test_real_rows_learned_elsewhere_keep_adults_ranges():
    # The false alarm: adult's published test rows against the ranges of its training rows.
    names = [f"c{i}" for i in range(15)]
    read = {"header": None, "names": names, "skipinitialspace": True, "na_values": "?"}
    real = pd.read_csv(shared_tables()["adult-train"], **read)
    other = pd.read_csv(shared_tables()["adult-test"], **read)
    categories = [n for n in names if real[n].dtype == object]
    numbers = [n for n in names if n not in categories and n != "c4"]  # c4: set by education
    ranges = find_category_ranges(real, categories, numbers)
    assert ranges
    outside = np.zeros(len(other), dtype=bool)
    for bound in ranges:
        outside |= bound.broken(other)
    assert outside.mean() < 0.002


def test_independent_columns_bound_nothing():
    rng = np.random.default_rng(6)
    table = pd.DataFrame(
        {
            "shop": rng.choice(list("ABCDEFGH"), 5_000),
            "spend": rng.gamma(2.0, 30.0, 5_000).round(2),
            "items": rng.poisson(4, 5_000),
        }
    )
    assert find_category_ranges(table, ["shop"], ["spend", "items"]) == []


def test_a_table_read_in_batches_finds_the_same_ranges(adult):
    names = list(adult.frame.columns)
    categories = [n for n in names if adult.frame[n].dtype == object]
    numbers = [n for n in names if n not in categories]
    whole = find_category_ranges(adult.frame, categories, numbers)
    finder = CategoryRangeFinder(categories, numbers)
    for start in range(0, len(adult.frame), 5_000):
        finder.add(adult.frame.iloc[start : start + 5_000])
    assert finder.found() == whole
