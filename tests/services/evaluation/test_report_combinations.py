"""The report notices synthetic rows with a combination the real rows rule out (lunch on a
Saturday in plotly's `tips`), with the real holdout rows as the baseline, and its page
lists them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from plotly.data import tips

from services.evaluation.report import ReportOptions, build_report, render_html

METADATA = {
    "columns": {
        "total_bill": {"sdtype": "numerical"},
        "tip": {"sdtype": "numerical"},
        "sex": {"sdtype": "categorical"},
        "smoker": {"sdtype": "boolean"},
        "day": {"sdtype": "categorical"},
        "time": {"sdtype": "categorical"},
        "size": {"sdtype": "categorical"},
    }
}
OPTIONS = ReportOptions(sample_rows=500, privacy_sample_rows=100)
HEADING = "Combinations the real data rules out"


def _split() -> tuple[pd.DataFrame, pd.DataFrame]:
    table = tips()
    thursday_dinner = (table["day"] == "Thur") & (table["time"] == "Dinner")
    holdout = table[~thursday_dinner].sample(frac=0.3, random_state=1)
    return table.drop(holdout.index), holdout


def test_rows_with_lunch_at_the_weekend_are_counted_against_a_holdout_with_none():
    train, holdout = _split()
    # Each column shuffled on its own: every column's shares are the real ones, and about a
    # fifth of the rows serve lunch on a Saturday or Sunday.
    rng = np.random.default_rng(3)
    synthetic = train.apply(lambda column: column.to_numpy()[rng.permutation(len(train))])
    weekend_lunches = int(
        (synthetic["day"].isin(["Sat", "Sun"]) & (synthetic["time"] == "Lunch")).sum()
    )
    assert weekend_lunches > 0
    report = build_report(train, holdout, synthetic, METADATA, OPTIONS)

    (check,) = report.impossible_combinations
    assert (check.first, check.second, check.description) == ("day", "time", "day & time")
    assert check.combinations == ["Sun, Lunch", "Sat, Lunch"]
    assert check.violation_count == weekend_lunches
    assert check.violation_share == weekend_lunches / len(synthetic)
    assert (check.holdout_violation_count, check.holdout_share) == (0, 0.0)
    assert check.real_rows == len(train)
    document = json.loads(report.model_dump_json())
    assert document["impossible_combinations"][0]["combinations"] == check.combinations
    page = render_html(report)
    assert HEADING in page and "Sun, Lunch; Sat, Lunch" in page


def test_rows_without_one_count_zero_and_stay_off_the_page():
    train, holdout = _split()
    report = build_report(train, holdout, holdout, METADATA, OPTIONS)
    assert [(c.description, c.violation_count) for c in report.impossible_combinations] == [
        ("day & time", 0)
    ]
    assert HEADING not in render_html(report)
