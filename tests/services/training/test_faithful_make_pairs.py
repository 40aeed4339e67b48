"""A joined column's parts come out as a real value spells them: in MASS's Cars93 every
synthetic car's model is made by its real manufacturer (`Make` = `Manufacturer` + " " +
`Model`), for every engine.

Before, each of Cars93's 93 models occurs once, so no column fixes another, and the make was
written from whatever manufacturer and model the engine drew side by side: gaussian_copula
wrote 222 of 300 cars such as "Subaru Swift", "Audi Century" and "Mazda Civic", a make no real
row has, and the report, checking the recipe only, counted none."""

from __future__ import annotations

import pandas as pd
import pytest

from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_model_is_made_by_its_real_manufacturer(engine, cars93, work):
    real = cars93.frame
    trained = train(cars93, engine, work)
    rows = pd.read_parquet(sample(trained, 300, work))
    makers = dict(zip(real["Model"], real["Manufacturer"], strict=True))
    assert list(rows["Manufacturer"]) == [makers[model] for model in rows["Model"]]
    assert (rows["Make"] == rows["Manufacturer"] + " " + rows["Model"]).all()
    assert set(rows["Make"]) <= set(real["Make"])
    # The maker's origin (a column the maker fixes) follows the maker kept.
    origins = dict(zip(real["Manufacturer"], real["Origin"], strict=True))
    assert list(rows["Origin"]) == [origins[maker] for maker in rows["Manufacturer"]]
    # A condition on a part holds, with its real models only.
    fords = pd.read_parquet(sample(trained, 50, work, seed=3, conditions={"Manufacturer": "Ford"}))
    assert (fords["Manufacturer"] == "Ford").all()
    assert set(fords["Model"]) <= set(real.loc[real["Manufacturer"] == "Ford", "Model"])


def test_models_without_a_joined_column_are_left_to_the_engine(work):
    """Thirty unique models beside their makers: no column is joined, nothing is kept."""
    models = ingested(FIXTURES / "cars93_models.csv", work)
    profile, _ = stream_profile(models.parquet, models.metadata)
    assert (profile.concatenations, profile.dependencies) == ((), ())
