"""The ratio search (`common.contracts.ratios`, through `find_totals`): what it finds, what it
leaves alone, and rows it cannot set."""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.contracts.totals import Total, find_totals


def _orders(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    price = np.round(rng.uniform(1, 80, rows), 2)
    weight = np.round(rng.uniform(0.1, 9, rows), 3)
    return pd.DataFrame(
        {
            "price": price,
            "weight": weight,
            "flag": rng.integers(0, 2, rows),
            "quantity": rng.integers(1, 6, rows),
            "per_kg": np.round(price / weight, 2),  # a ratio, written with cents
        }
    )


def test_a_ratio_is_found_and_set_from_its_parts():
    frame = _orders()
    (total,) = find_totals(frame, list(frame.columns))
    assert total.description == "per_kg = price/weight"
    rows = frame.copy()
    rows["per_kg"] = 1.0
    rows.loc[3, "weight"] = 0.0  # no ratio there: the row keeps its value
    rows.loc[4, "price"] = np.nan
    total.derive(rows)
    expected = (rows["price"] / rows["weight"]).round(2)
    assert (rows["per_kg"].drop([3, 4]) == expected.drop([3, 4])).all()
    assert rows.loc[3, "per_kg"] == 1.0 and rows.loc[4, "per_kg"] == 1.0
    assert not total.broken(rows.drop([3])).any()
    # The rule survives the model's round trip.
    assert Total.from_dict(total.to_dict()) == total


def test_a_product_is_set_where_it_is_written_most_finely():
    frame = _orders().drop(columns=["per_kg"])
    frame["cost"] = frame["price"] * frame["weight"]  # full precision: the finest
    (total,) = find_totals(frame, list(frame.columns))
    assert total.description == "cost = price*weight" and total.function == "product"


def test_rows_off_their_ratio_are_counted_and_near_misses_are_no_ratio():
    frame = _orders()
    (total,) = find_totals(frame, list(frame.columns))
    off = frame.copy()
    off.loc[[1, 2], "per_kg"] += 0.02  # two cents beyond the rounding
    assert total.broken(off).sum() == 2
    # A column that misses the ratio beyond its rounding in one real row is none.
    assert find_totals(off, list(off.columns)) == []


def test_flags_and_small_counts_are_never_set_and_constants_are_no_part():
    frame = _orders().drop(columns=["per_kg"])
    frame["one"] = 1.0
    frame["twice"] = frame["quantity"] * frame["flag"]  # 0 to 5: too few values to set
    frame["half"] = frame["price"] / (frame["one"] * 2)  # a linear formula, not a ratio
    found = find_totals(frame, list(frame.columns))
    assert [(t.description, t.function) for t in found] == [("half = price/2", None)]
