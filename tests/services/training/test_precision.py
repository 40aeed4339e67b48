"""How finely generation writes a number column (`services.training.engines.precision`, then
`conform`): never so coarsely that the column's values are lost, and never off the column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.training.engines.conform import conform
from services.training.engines.profile import build_profile


def _conformed(real: pd.DataFrame, engine_rows: pd.DataFrame) -> pd.DataFrame:
    metadata = {"columns": {c: {"sdtype": "numerical"} for c in real.columns}}
    return conform(engine_rows, build_profile(real, metadata), first_row=0, seed=1)


def test_numbers_of_a_trillionth_are_not_rounded_to_zero():
    # Capacitances in farads: every synthetic value was 0.0 (rounded to whole numbers).
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {"farads": rng.normal(3e-12, 1e-12, 300), "grid": rng.integers(1, 100, 300) * 1e-12}
    )
    engine = pd.DataFrame(
        {"farads": rng.normal(3e-12, 1e-12, 50), "grid": rng.integers(1, 100, 50) * 1e-12}
    )
    out = _conformed(real, engine)
    assert out["farads"].tolist() == engine["farads"].tolist()
    assert out["grid"].nunique() > 10
    assert ((out["grid"] - engine["grid"]).abs() <= 1e-15).all()


def test_an_infinite_value_in_the_real_column_leaves_the_others_numbers():
    # An -inf among years every fifth: the grid from -inf made every synthetic value NaN.
    real = pd.DataFrame({"year": [-np.inf, np.inf, np.nan, *range(1952, 2008, 5)] * 10})
    engine = pd.DataFrame({"year": [1953.2, 1960.0, 1999.9, 2005.1]})
    assert _conformed(real, engine)["year"].tolist() == [1953.0, 1960.0, 2000.0, 2005.0]


def test_coarse_and_fine_grids_and_negative_zero_hold():
    real = pd.DataFrame(
        {
            "trillions": np.arange(40) * 1e12 + 0.5,
            # Shuffled: in row order, cents would be an exact formula of the
            # trillions (both the row's number), which generation then keeps.
            "cents": np.random.default_rng(3).permutation(40) * 0.01,
            "signed_zero": [-0.0, 0.0, 1.0, 2.0] * 10,
        }
    )
    engine = pd.DataFrame(
        {"trillions": [3.2e12, 7.9e12], "cents": [0.123456, 0.3], "signed_zero": [-0.2, 1.6]}
    )
    out = _conformed(real, engine)
    assert out["trillions"].tolist() == [3e12 + 0.5, 8e12 + 0.5]
    assert out["cents"].tolist() == [0.12, 0.3]
    assert out["signed_zero"].abs().tolist() == [0.0, 2.0]
