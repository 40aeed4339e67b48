"""The report notices dates out of the order every real row keeps (an order delivered before
it was placed), and names the rule that would make generation keep it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from common.contracts.rule_checks import checked_on_real
from common.contracts.rules import parse_rules
from services.evaluation.report import ReportOptions, build_report, render_html
from services.evaluation.report.orderings import MAX_PAIRS, ordering_checks

METADATA = {
    "columns": {
        "ordered": {"sdtype": "datetime", "datetime_format": "%d.%m.%Y %H:%M"},
        "delivered": {"sdtype": "datetime", "datetime_format": "%d.%m.%Y"},
        "paid": {"sdtype": "datetime", "datetime_format": "%d.%m.%Y"},
        "amount": {"sdtype": "numerical"},
        "status": {"sdtype": "categorical"},
    }
}


def _orders(count: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ordered = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 1440, count), "m")
    return pd.DataFrame(
        {
            "ordered": ordered,
            "delivered": (ordered + pd.to_timedelta(rng.integers(1, 8, count), "D")).normalize(),
            # Paid before or after delivery: no order to keep.
            "paid": (ordered + pd.to_timedelta(rng.integers(0, 14, count), "D")).normalize(),
            "amount": rng.lognormal(4, 1, count).round(2),
            "status": rng.choice(["offen", "versendet", "geliefert"], count),
        }
    )


def test_dates_out_of_the_real_order_are_counted_and_the_rule_is_named():
    train, holdout = _orders(600, 1), _orders(150, 2)
    synthetic = _orders(400, 3)
    # Forty orders delivered the day before they were placed.
    synthetic.loc[:39, "delivered"] = synthetic.loc[:39, "ordered"].dt.normalize() - pd.Timedelta(
        days=1
    )
    report = build_report(train, holdout, synthetic, METADATA, ReportOptions(sample_rows=200))

    assert [(o.low, o.high, o.violation_count) for o in report.orderings] == [
        ("ordered", "delivered", 40)
    ]
    assert report.orderings[0].real_rows == 600
    document = json.loads(report.model_dump_json())
    assert document["orderings"][0]["description"] == "ordered ≤ delivered"
    page = render_html(report)
    assert "ordered ≤ delivered" in page and "INEQUALITY" in page


def test_an_order_kept_or_declared_as_a_rule_is_not_listed():
    train, holdout = _orders(600, 1), _orders(150, 2)
    kept = build_report(train, holdout, _orders(400, 3), METADATA, ReportOptions(sample_rows=200))
    assert [(o.description, o.violation_count) for o in kept.orderings] == [
        ("ordered ≤ delivered", 0)
    ]
    assert "ordered ≤ delivered" not in render_html(kept)

    rules = checked_on_real(
        train,
        parse_rules(
            [{"kind": "inequality", "low": {"column": "ordered"}, "high": {"column": "delivered"}}],
            {"ordered": "datetime", "delivered": "datetime"},
        ),
    )
    declared = METADATA | {"rules": [r.model_dump(mode="json") for r in rules]}
    report = build_report(train, holdout, _orders(400, 3), declared, ReportOptions(sample_rows=200))
    assert report.orderings == []


def test_a_days_low_above_its_high_is_counted_on_seattles_weather():
    # vega-datasets' Seattle weather, 2012-2015: every day's temp_min is at most its
    # temp_max. GaussianCopula's rows broke that in 1 % of days, and no score noticed.
    from vega_datasets import local_data

    weather = local_data.seattle_weather()
    metadata = {
        "columns": {
            "date": {"sdtype": "datetime"},
            **{c: {"sdtype": "numerical"} for c in ("precipitation", "temp_max", "temp_min")},
            "wind": {"sdtype": "numerical"},
            "weather": {"sdtype": "categorical"},
        }
    }
    train, holdout = weather.iloc[:1100], weather.iloc[1100:]
    synthetic = train.sample(frac=1.0, random_state=0).reset_index(drop=True)
    colder = synthetic.index[:12]
    synthetic.loc[colder, "temp_min"] = synthetic.loc[colder, "temp_max"] + 1.5
    report = build_report(train, holdout, synthetic, metadata, ReportOptions(sample_rows=500))

    # Only that order: wind and rain are below the day's high on most days, not on all.
    assert [(o.description, o.violation_count) for o in report.orderings] == [
        ("temp_min ≤ temp_max", 12)
    ]
    assert "temp_min ≤ temp_max" in render_html(report)


def test_columns_on_different_scales_are_no_order():
    # An age is below an income in every row, and would be for any two rows: no order.
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"age": rng.integers(18, 90, 500), "income": rng.integers(10**4, 10**5, 500)}
    )
    metadata = {"columns": {"age": {"sdtype": "numerical"}, "income": {"sdtype": "numerical"}}}
    report = build_report(frame, frame.iloc[:100], frame, metadata, ReportOptions(sample_rows=200))
    assert report.orderings == []


def _numerical(frame: pd.DataFrame) -> dict:
    return {"columns": {c: {"sdtype": "numerical"} for c in frame.columns}}


def test_a_table_of_a_thousand_number_columns_finds_its_one_order():
    # The upload's most columns, many on scales of their own (an age below an income): half a
    # million pairs, once a millisecond each, and the day's low below its high at the end.
    rng = np.random.default_rng(4)
    rows = 2_000
    scales = 10.0 ** rng.integers(0, 6, 998)
    noise = rng.uniform(0, 1, (rows, 998)) * scales + scales
    frame = pd.DataFrame(noise, columns=[f"x{i}" for i in range(998)])
    frame["temp_min"] = rng.normal(10, 5, rows).round(1)
    frame["temp_max"] = frame["temp_min"] + rng.uniform(0.5, 12, rows).round(1)
    synthetic = frame.copy()
    synthetic.loc[:29, "temp_min"] = synthetic.loc[:29, "temp_max"] + 1
    checks = ordering_checks(frame, synthetic, _numerical(frame))
    assert [(o.description, o.violation_count) for o in checks] == [("temp_min ≤ temp_max", 30)]


def test_columns_that_all_keep_one_order_are_listed_up_to_the_bound():
    # 60 dates a day apart in every row: 1,770 orders, the first MAX_PAIRS in column order.
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(300), "h")
    frame = pd.DataFrame({f"d{i:02}": start + pd.Timedelta(days=i) for i in range(60)})
    metadata = {"columns": {c: {"sdtype": "datetime"} for c in frame.columns}}
    checks = ordering_checks(frame, frame, metadata)
    assert len(checks) == MAX_PAIRS
    assert [(o.low, o.high) for o in checks[:2]] == [("d00", "d01"), ("d00", "d02")]
    assert all(o.violation_count == 0 for o in checks)


def test_ties_missing_values_infinities_and_integer_columns_keep_or_break_an_order():
    rng = np.random.default_rng(5)
    low = pd.array(rng.integers(0, 100, 400), dtype="Int64")
    low[::7] = pd.NA
    high = low.astype("float64") + rng.integers(0, 3, 400)  # ties on a third of the rows
    high[::11] = np.nan
    high[5] = np.inf
    frame = pd.DataFrame({"low": low, "high": high, "same": low})
    synthetic = frame.copy()
    synthetic.loc[[1, 2], "low"] = 1_000  # above their high
    synthetic.loc[3, "high"] = -np.inf
    checks = ordering_checks(frame, synthetic, _numerical(frame))
    # low = same in every row: equal columns are no order, either way.
    assert [(o.description, o.violation_count) for o in checks] == [
        ("low ≤ high", 3),
        ("same ≤ high", 1),
    ]


def test_dates_of_any_year_from_1_to_9999_keep_their_order():
    # 1492 and 9999-12-30 do not fit in nanoseconds: the order is read in microseconds.
    start = pd.Series(np.array(["1492-10-12", "2000-01-01", "9999-12-30"] * 10, "datetime64[us]"))
    frame = pd.DataFrame({"start": start, "end": start + np.timedelta64(1, "D")})
    synthetic = frame.copy()
    synthetic.loc[0, "end"] = np.datetime64("1000-01-01", "us")
    metadata = {"columns": {c: {"sdtype": "datetime"} for c in frame.columns}}
    checks = ordering_checks(frame, synthetic, metadata)
    assert [(o.description, o.violation_count) for o in checks] == [("start ≤ end", 1)]
