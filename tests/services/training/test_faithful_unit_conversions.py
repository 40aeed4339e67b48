"""Stat2Data's Marathon writes each run's `Time` as a clock reading (`38:31:00`: 38 minutes 31
seconds, stored as seconds) and `TimeMin` as the same time in minutes (38.517), in every
row: a unit conversion (`common.contracts.conversions`), set at generation from the time.

Before: `TimeMin` was learned on its own (1/3600 is no fraction of small terms, so no formula
was found): gaussian_copula (seed 1, 300 rows) wrote `75:01:00` beside 75.025 and `51:31:00`
beside 52.882; the times themselves were not whole minutes (270,072 s, written `75:01:00`).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.services.training.faithful_world import (
    QUICK_PARAMS,
    exported,
    reported,
    sample,
    train,
)


def _minutes(clock: str) -> float:
    first, second, third = (int(part) for part in clock.split(":"))
    return first + second / 60 + third / 3600


def test_the_real_minutes_are_the_time_in_every_row(marathon):
    real = marathon.frame.dropna(subset=["Time", "TimeMin"])
    assert ((real["Time"] / 3600).round(3) == real["TimeMin"]).all()


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_minutes_are_the_written_time_in_every_synthetic_row(engine, marathon, work):
    batch = sample(train(marathon, engine, work, **QUICK_PARAMS[engine]), 300, work)
    written = pd.read_csv(io.StringIO(exported(batch, "csv")), dtype={"Time": str})
    both = written.dropna(subset=["Time", "TimeMin"])
    assert len(both) > 250
    assert both["Time"].str.fullmatch(r"\d+:\d\d:00").all(), both["Time"].head()
    made = both["Time"].map(_minutes).round(3)
    assert (made - both["TimeMin"]).abs().max() < 1e-9, both[["Time", "TimeMin"]].head()
    # The report states the conversion and counts no row breaking it.
    totals = {
        t.description: t.violation_count for t in reported(marathon, pd.read_parquet(batch)).totals
    }
    # (With the ratios of `test_faithful_number_forms`, set from the minutes.)
    assert totals == {
        "TimeMin = Time/3600": 0,
        "Pace = Time/Miles": 0,
        "PaceMin = TimeMin/Miles": 0,
    }
