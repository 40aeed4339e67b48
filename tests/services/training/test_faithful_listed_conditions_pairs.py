"""A condition that lists several values (or a range) still allows only the combinations the
real rows have: `day` Sat or Thur with lunch is met by Thursday lunches, and plotly's `tips`
serves no lunch on a Saturday. Mending left such a column alone as if it were fixed to one
value, so Saturday lunches came through the condition."""

from __future__ import annotations

import pandas as pd

from tests.services.training.faithful_world import sample, train


def test_a_listed_condition_is_met_without_a_ruled_out_combination(tips_table, work):
    trained = train(tips_table, "gaussian_copula", work)
    conditions = {"day": ["Sat", "Thur"], "time": "Lunch"}
    rows = pd.read_parquet(sample(trained, 300, work, seed=5, conditions=conditions))
    assert len(rows) == 300
    assert (rows["time"] == "Lunch").all() and rows["day"].isin(["Sat", "Thur"]).all()
    saturday_lunches = int((rows["day"] == "Sat").sum())
    assert saturday_lunches == 0, rows["day"].value_counts().to_dict()
