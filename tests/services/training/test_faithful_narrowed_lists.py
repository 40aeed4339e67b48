"""A list on a dependency's source beside a condition on the column it sets: ChickWeight's
chicks each have one diet, so `{"Chick": [1, 45], "Diet": 1}` can only be chick 1 (chick 45
is always on diet 4). Before, rows of chick 45 were drawn and turned down until drawing gave
up: 'only 207 of 300 rows obeyed every rule after drawing 71,480'."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.services.training.faithful_world import sample, train


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_a_list_of_chicks_with_a_diet_gives_the_chicks_on_that_diet(engine, chicks, work):
    diet = chicks.frame.groupby("Chick")["Diet"].first()
    assert (diet[1], diet[2], diet[45]) == (1, 1, 4)
    trained = train(chicks, engine, work)
    one = {"Chick": [1, 45], "Diet": 1}
    rows = pd.read_parquet(sample(trained, 300, work, conditions=one))
    assert set(rows["Chick"]) == {1} and set(rows["Diet"]) == {1}
    two = {"Chick": [1, 2, 45], "Diet": 1}
    rows = pd.read_parquet(sample(trained, 300, work, conditions=two))
    assert set(rows["Chick"]) <= {1, 2} and set(rows["Diet"]) == {1}
    assert rows["weight"].nunique() > 1
