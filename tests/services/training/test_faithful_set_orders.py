"""An order whose one side a rule sets (or a condition fixes) is kept by making the other
side anew: nycflights13's flights are never longer in minutes than in miles.

Before, a route's `distance` was set from the route after the engine's rows were drawn, and
orders skipped any column a rule sets: gaussian_copula wrote 77 of 2,000 flights with an
`air_time` above their `distance` (286 minutes for LGA → BOS, 184 miles), and the report
counted them. A condition on one side of an order left the order unkept too."""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report.orderings import ordering_checks
from services.training.engines.artifact import read_manifest
from tests.services.training.faithful_world import (
    FIXTURES,
    ingested,
    sample,
    train,
)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_no_flight_is_longer_in_minutes_than_in_miles(engine, work):
    flights = ingested(FIXTURES / "flights_routes.csv", work)
    real = flights.frame
    trained = train(flights, engine, work)
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
    (check,) = [c for c in ordering_checks(real, rows, flights.metadata) if c.high == "distance"]
    assert check.low == "air_time" and check.violation_count == 0


def test_a_condition_on_one_side_keeps_the_order_by_the_other(work):
    weather = ingested(FIXTURES / "seattle_weather.csv", work)
    trained = train(weather, "gaussian_copula", work)
    rows = pd.read_parquet(sample(trained, 500, work, conditions={"temp_max": 0.0}))
    assert (rows["temp_max"] == 0.0).all()
    assert int((rows["temp_min"] > 0.0).sum()) == 0
    assert (rows["temp_min"] >= weather.frame["temp_min"].min()).all()
