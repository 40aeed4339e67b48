"""gt's pizzaplace writes an order's number (`2015-000002`) on each of its lines, every line of
an order of one date and time (`common.contracts.group_constants`). Generation repeats ids
about as often as the real ones, and now gives the lines of one synthetic order one date and
time; the report counts the rows breaking it (`Report.group_constants`).

Before: gaussian_copula (seed 1, 300 rows) wrote 13 ids twice, each pair of lines on two
different days (`2015-005578` on 2015-10-08 and 2015-03-21), and the report said nothing.
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report import render_html
from tests.services.training.faithful_world import QUICK_PARAMS, reported, sample, train

SECTION = "Groups not alike"


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_the_lines_of_an_order_share_its_date_and_time(engine, pizzas, work):
    rows = pd.read_parquet(sample(train(pizzas, engine, work, **QUICK_PARAMS[engine]), 300, work))
    orders = rows.groupby("id")
    assert (orders.size() > 1).sum() >= 3, orders.size().value_counts()  # ids still repeat
    assert (orders[["date", "time"]].nunique() == 1).all().all()
    (check,) = reported(pizzas, rows).group_constants
    assert (check.key, check.columns, check.violation_count) == ("id", ["date", "time"], 0)
    assert 0.02 < check.synthetic_repeated_share < 0.25  # real: 0.11
    assert 0.05 < check.real_repeated_share < 0.2


def test_the_report_shows_lines_of_one_order_on_other_days(pizzas):
    """What a user got before: ids repeating on lines of other dates and times."""
    rows = pizzas.frame.sample(300, random_state=3).reset_index(drop=True)
    rows["id"] = rows["id"].iloc[[i // 2 * 2 for i in range(300)]].to_numpy()  # pairs of lines
    report = reported(pizzas, rows)
    (check,) = report.group_constants
    assert check.violation_count > 100 and check.synthetic_repeated_share == 1.0
    assert SECTION in render_html(report)
