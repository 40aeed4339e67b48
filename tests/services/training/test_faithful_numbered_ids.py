"""An id written as a number keeps what it determines: in R's ChickWeight each chick is fed
one diet in every real row, but Chick is written 1 to 50, so it was never taken for a
dependency's source and synthetic chicks changed diet from one weighing to the next."""

from __future__ import annotations

import pandas as pd
import pytest

from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import sample, train


def test_a_chick_numbered_1_to_50_is_the_source_of_its_diet(chicks):
    assert chicks.metadata["columns"]["Chick"]["sdtype"] == "numerical"
    profile, _ = stream_profile(chicks.parquet, chicks.metadata)
    assert [(d.source, d.columns) for d in profile.dependencies] == [("Chick", ("Diet",))]


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_chick_keeps_its_one_real_diet(engine, chicks, work):
    trained = train(chicks, engine, work)
    synthetic = pd.read_parquet(sample(trained, 1_000, work))
    diets = synthetic.groupby("Chick")["Diet"].nunique()
    assert len(diets) > 20 and (diets == 1).all(), diets[diets > 1]
    real = chicks.frame.groupby("Chick")["Diet"].first()
    assert (synthetic["Diet"] == synthetic["Chick"].map(real)).all()
    # The weights are still the engine's: they vary within a chick.
    assert synthetic.groupby("Chick")["weight"].nunique().max() > 1
