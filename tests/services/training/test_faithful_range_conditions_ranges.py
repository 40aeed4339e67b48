"""A range condition on a number still keeps each row within its category's real range:
penguins of 5 kg or more are Gentoos (Adelies weigh 2,850 to 4,775 g in palmerpenguins).
Mending left a number conditioned on a range alone, as if it were fixed to one value, so 5 kg
Adelies came through the condition."""

from __future__ import annotations

import pandas as pd

from tests.services.training.faithful_world import sample, train


def test_a_range_condition_is_met_within_each_species_range(penguins, work):
    trained = train(penguins, "gaussian_copula", work)
    conditions = {"body_mass_g": {"gte": 5_000}}
    rows = pd.read_parquet(sample(trained, 300, work, seed=5, conditions=conditions))
    assert len(rows) == 300 and (rows["body_mass_g"] >= 5_000).all()
    heavy = rows.loc[rows["species"] != "Gentoo", ["species", "body_mass_g"]]
    assert heavy.empty, heavy.head().to_dict("records")
