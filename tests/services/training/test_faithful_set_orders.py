"""An order whose one side a rule sets (or a condition fixes) is kept by making the other
side anew: nycflights13's flights are never longer in minutes than in miles.

Before, a route's `distance` was set from the route after the engine's rows were drawn, and
orders skipped any column a rule sets: gaussian_copula wrote 77 of 2,000 flights with an
`air_time` above their `distance` (286 minutes for LGA → BOS, 184 miles), and the report
counted them. A condition on one side of an order left the order unkept too."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report.orderings import ordering_checks
from services.training.engines.artifact import read_manifest
from services.training.engines.orders import KeptOrder, keep_orders
from tests.services.training.faithful_world import (
    FIXTURES,
    ingested,
    sample,
    train,
)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_no_flight_is_longer_in_minutes_than_in_miles(engine, flight_routes, work):
    real = flight_routes.frame
    trained = train(flight_routes, engine, work)
    (order,) = [o for o in read_manifest(trained.artifact).orders if o.high == "distance"]
    assert (order.low, order.fixed) == ("air_time", "distance")
    rows = pd.read_parquet(sample(trained, 2_000, work))
    assert int((rows["air_time"] > rows["distance"]).sum()) == 0
    miles = real.groupby(["origin", "dest"])["distance"].first()
    routes = pd.MultiIndex.from_frame(rows[["origin", "dest"]])
    assert (rows["distance"].to_numpy() == miles.reindex(routes).to_numpy()).all()
    times = rows["air_time"].dropna()  # minutes within the real range, whole as written
    assert real["air_time"].min() <= times.min() <= times.max() <= real["air_time"].max()
    assert (times % 1 == 0).all()
    (check,) = [
        c for c in ordering_checks(real, rows, flight_routes.metadata) if c.high == "distance"
    ]
    assert check.low == "air_time" and check.violation_count == 0


def test_a_condition_on_one_side_keeps_the_order_by_the_other(work):
    weather = ingested(FIXTURES / "seattle_weather.csv", work)
    trained = train(weather, "gaussian_copula", work)
    rows = pd.read_parquet(sample(trained, 500, work, conditions={"temp_max": 0.0}))
    assert (rows["temp_max"] == 0.0).all()
    assert int((rows["temp_min"] > 0.0).sum()) == 0
    assert (rows["temp_min"] >= weather.frame["temp_min"].min()).all()


def test_a_mended_air_time_follows_its_route_s_length(flight_routes, work):
    # Before, a mended air time was the distance times minutes per mile drawn over all
    # routes: LGA → BOS (184 miles) got up to 113 minutes, where its real flights take 31-55.
    real = flight_routes.frame.dropna(subset=["air_time"])
    trained = train(flight_routes, "gaussian_copula", work)
    manifest = read_manifest(trained.artifact)
    (order,) = [o for o in manifest.orders if o.high == "distance"]
    assert len(order.binned) == 5 and len(json.dumps(order.to_dict())) < 5_000
    # Every real flight made to break the order (10 minutes longer than its miles), then mended.
    broken = real.assign(air_time=real["distance"] + 10.0).reset_index(drop=True)
    mended = keep_orders(broken.copy(), [order], manifest.profile, seed=3)["air_time"]
    assert (mended <= broken["distance"]).all()
    # Each within the real air times of routes within 15 % of its length (LGA → BOS: 31 to
    # 55 minutes), but a few: 0.7 % of all, 2 % of flights of at most 300 miles (shares of
    # all routes left 23 % of all outside).
    near = {
        miles: real.loc[real["distance"].between(0.85 * miles, 1.15 * miles), "air_time"]
        for miles in broken["distance"].unique()
    }
    outside = np.array(
        [
            not near[miles].min() <= minutes <= near[miles].max()
            for miles, minutes in zip(broken["distance"], mended, strict=True)
        ]
    )
    short = (broken["distance"] <= 300).to_numpy()
    assert outside.mean() < 0.02 and outside[short].mean() < 0.05
    # A model trained before (no bins) mends with the shares of all routes, as it did.
    before = KeptOrder.from_dict({k: v for k, v in order.to_dict().items() if k != "binned"})
    assert before.binned == () and before.shares == order.shares
    again = keep_orders(broken.copy(), [before], manifest.profile, seed=3)["air_time"]
    assert again[short].max() > 100  # minutes for a flight of at most 300 miles
