"""A whole-number column of a few values keeps to them: mtcars' cylinders are 4, 6 or 8,
never 7; its gears 3, 4 or 5; its carburettors 1, 2, 3, 4, 6 or 8.

Before: gaussian_copula wrote cars of 5 and 7 cylinders and 7 carburettors (in a 32-row
table the columns are too varied to be categories, and too few values to make a grid).
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.training.engines.trainset import stream_profile
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    ingested,
    sample,
    train,
    unmended,
)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_cylinders_gears_and_carburettors_are_real_counts(engine, work):
    cars = ingested(FIXTURES / "mtcars.csv", work)
    assert cars.metadata["columns"]["cyl"]["sdtype"] == "numerical"
    trained = train(cars, engine, work)
    rows = pd.read_parquet(sample(trained, 500, work))
    for column in ("cyl", "gear", "carb"):
        real = set(cars.frame[column])
        assert set(rows[column]) <= real, (column, sorted(set(rows[column]) - real))
    assert set(rows["cyl"]) == {4, 6, 8}
    if engine == "gaussian_copula":  # what a user saw: learned as a continuous number
        assert not set(unmended(trained, 500)["cyl"].round()) <= {4, 6, 8}
        # A condition's value stands, a level or not.
        asked = pd.read_parquet(sample(trained, 20, work, seed=3, conditions={"cyl": 5}))
        assert set(asked["cyl"]) == {5}


def test_columns_of_many_values_are_left_as_they_are(work):
    adult = ingested(shared_tables()["adult-test"], work)
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    levels = {c.name: c.levels for c in profile.columns if c.kind == "numeric"}
    # Age, weight, hours: more than 20 values each, nothing to keep to.
    assert levels["column_1"] is None and levels["column_13"] is None
    batch = pd.read_parquet(sample(train(adult, "gaussian_copula", work), 1_000, work))
    assert batch["column_1"].nunique() > 40  # ages as varied as before
