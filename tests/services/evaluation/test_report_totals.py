"""The report notices synthetic rows whose total is not the sum of its parts (plotly's
Montreal election: `total` = `Coderre` + `Bergeron` + `Joly` in every real row) or whose
`winner` has fewer votes than another candidate, and its page names them; and rows where
another exact formula breaks (txhousing's decimal `date` of a `year` and `month`), or a
function of one column (Wage's `logwage` = ln(`wage`))."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from plotly.data import election

from services.evaluation.report import ReportOptions, build_report, render_html
from tests.corpus import TXHOUSING

WAGE = TXHOUSING.parent / "faithful" / "wage.csv"

VOTES = ["Coderre", "Bergeron", "Joly"]
METADATA = {
    "columns": {
        **{name: {"sdtype": "numerical"} for name in [*VOTES, "total"]},
        "winner": {"sdtype": "categorical"},
        "result": {"sdtype": "categorical"},
    }
}
OPTIONS = ReportOptions(sample_rows=500, privacy_sample_rows=300)
DESCRIPTION = "total = Coderre + Bergeron + Joly"
WINNER = "winner = the largest of Coderre, Bergeron, Joly"


def test_totals_that_do_not_add_up_and_winners_without_the_most_votes_are_counted():
    table = election()[list(METADATA["columns"])]
    train, holdout = table.iloc[::2], table.iloc[1::2]
    synthetic = holdout.reset_index(drop=True)
    # Each column shuffled on its own (what generation did before): their shapes are the
    # real ones, and almost no row adds up.
    for offset, name in enumerate(VOTES, start=1):
        synthetic[name] = synthetic[name].to_numpy()[[(i + offset) % 29 for i in range(29)]]
    report = build_report(train, holdout, synthetic, METADATA, OPTIONS)
    (check,) = report.totals
    assert (check.column, check.parts, check.description) == ("total", VOTES, DESCRIPTION)
    assert check.violation_count == 29 and check.real_rows == 29
    document = json.loads(report.model_dump_json())
    assert document["totals"][0]["violation_count"] == 29
    assert DESCRIPTION in render_html(report)
    # The winners are the real rows' own: most now have fewer votes than another candidate.
    (leader,) = report.leaders
    assert (leader.column, leader.columns, leader.description) == ("winner", VOTES, WINNER)
    winners = synthetic["winner"] == synthetic[VOTES].idxmax(axis=1)
    assert leader.violation_count == (~winners).sum() > 10 and leader.real_rows == 29
    assert WINNER in render_html(report)


def test_totals_that_add_up_and_true_winners_count_zero_and_stay_off_the_page():
    table = election()[list(METADATA["columns"])]
    train, holdout = table.iloc[::2], table.iloc[1::2]
    report = build_report(train, holdout, holdout, METADATA, OPTIONS)
    assert [(t.description, t.violation_count) for t in report.totals] == [(DESCRIPTION, 0)]
    assert [(x.description, x.violation_count) for x in report.leaders] == [(WINNER, 0)]
    page = render_html(report)
    assert DESCRIPTION not in page and WINNER not in page


def test_a_date_that_is_not_its_year_and_month_is_counted():
    # txhousing: `date` = year + month/12 - 1/12 in every real row; `year` (three values
    # in this slice) is typed categorical and is a part all the same.
    houses = pd.read_csv(TXHOUSING)
    metadata = {
        "columns": {
            **{c: {"sdtype": "numerical"} for c in houses.columns if c not in ("city", "year")},
            "city": {"sdtype": "categorical"},
            "year": {"sdtype": "categorical"},
        }
    }
    train, holdout = houses.iloc[::2], houses.iloc[1::2].reset_index(drop=True)
    synthetic = holdout.assign(date=holdout["date"].to_numpy()[::-1])  # dates of other rows
    report = build_report(train, holdout, synthetic, metadata, OPTIONS)
    (check,) = report.totals
    assert check.description == "date = year + month/12 - 1/12"
    assert check.parts == ["year", "month"] and check.real_rows == len(train)
    broken = ~np.isclose(synthetic["date"], synthetic["year"] + (synthetic["month"] - 1) / 12)
    assert check.violation_count == broken.sum() > 90


def test_a_log_that_is_not_the_log_of_its_column_is_counted_and_named():
    # ISLR's Wage: `logwage` = ln(`wage`) in every real row; the synthetic logs are other
    # rows' (each column's shape right, the pair broken).
    wage = pd.read_csv(WAGE)
    metadata = {
        "columns": {
            **{c: {"sdtype": "numerical"} for c in ("year", "age", "logwage", "wage")},
            **{c: {"sdtype": "categorical"} for c in ("education", "jobclass")},
        }
    }
    wage = wage[list(metadata["columns"])]
    train, holdout = wage.iloc[::2], wage.iloc[1::2].reset_index(drop=True)
    synthetic = holdout.assign(logwage=holdout["logwage"].to_numpy()[::-1])
    report = build_report(train, holdout, synthetic, metadata, OPTIONS)
    (check,) = report.totals
    assert (check.description, check.parts) == ("logwage = ln(wage)", ["wage"])
    broken = ~np.isclose(synthetic["logwage"], np.log(synthetic["wage"]), rtol=1e-9, atol=0)
    assert check.violation_count == broken.sum() > 300 and check.real_rows == len(train)
    assert json.loads(report.model_dump_json())["totals"][0]["description"] == check.description
    assert "logwage = ln(wage)" in render_html(report)
    # Rows that keep it count none and stay off the page.
    report = build_report(train, holdout, holdout, metadata, OPTIONS)
    assert [(t.description, t.violation_count) for t in report.totals] == [(check.description, 0)]
    assert "logwage = ln(wage)" not in render_html(report)
