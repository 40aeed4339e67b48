"""Spam and ham emails of one inbox (openintro's email): when each was sent, to the second,
over three months of 2012 (`2012-01-01T06:16:41Z`).

Before: a value the engine drew beyond the real range was clipped to the bound itself, so
ctgan (two epochs) sent 23 of 500 synthetic emails at the very second of the last real one
(`2012-04-01T02:07:39Z`, one real email) and 6 at the first; and put 17 of 500 pizzas on the
pizzeria's first day (gt's pizzaplace, 0.5 % of its real rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.training.engines.bounded import clip_to_bounds
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train


@pytest.mark.parametrize(("table", "column"), [("email", "time"), ("pizzaplace", "date")])
def test_strays_do_not_pile_up_on_the_first_or_last_real_value(table, column, work):
    real = ingested(FIXTURES / f"{table}.csv", work)
    rows = pd.read_parquet(sample(train(real, "ctgan", work, epochs=2), 500, work))
    first, last = real.frame[column].min(), real.frame[column].max()
    assert rows[column].between(first, last).all()
    on_edges = int(rows[column].isin([first, last]).sum())
    real_share = real.frame[column].isin([first, last]).mean()
    assert on_edges <= max(2, 3 * real_share * len(rows)), on_edges


def test_a_stray_takes_a_value_near_its_bound_and_a_narrow_bound_still_holds():
    rows = pd.DataFrame({"n": [*range(100), 500, -400], "d": pd.date_range("2020", periods=102)})
    kept = clip_to_bounds(rows.copy(), {"n": (0, 99)}, np.random.default_rng(1))
    assert kept["n"].iloc[-2] in range(90, 100) and kept["n"].iloc[-1] in range(10)
    assert kept["n"].iloc[:100].tolist() == list(range(100))
    # No value within a user's bound: clipped to it.
    assert (
        clip_to_bounds(rows.copy(), {"n": (200, 300)}, np.random.default_rng(1))["n"]
        .between(200, 300)
        .all()
    )
    # Dates alike (bounds in seconds since 1970).
    stamps = rows["d"].astype("datetime64[s]").astype("int64")
    low, high = float(stamps.iloc[1]), float(stamps.iloc[-2])
    dated = clip_to_bounds(rows.copy(), {"d": (low, high)}, np.random.default_rng(1))
    assert dated["d"].iloc[0] in set(rows["d"].iloc[1:12])
    assert dated["d"].iloc[-1] in set(rows["d"].iloc[-12:-1])
