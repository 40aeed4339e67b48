"""A runner's log (Stat2Data's Marathon): `After2004` is 1 on every run from 2005 on and 0
on every run before, a flag that is a threshold on the `Date` column.

Before: the ranges a column keeps within each value of a category covered numbers only, so
each engine learned the flag apart from the date, and 30-50 % of the synthetic runs said
`After2004` = 0 in 2006 or 1 in 2002. Nothing in the report noticed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from common.contracts.category_ranges import CategoryRange
from tests.services.training.faithful_world import QUICK_PARAMS, reported, sample, train, unmended

NEW_YEAR = pd.Timestamp("2005-01-01")


def _late_flags(rows: pd.DataFrame) -> pd.Series:
    """True where the flag disagrees with the date."""
    return (rows["After2004"] == 1) != (pd.to_datetime(rows["Date"]) >= NEW_YEAR)


def test_the_real_flag_follows_the_date(marathon):
    assert not _late_flags(marathon.frame).any()


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_synthetic_runs_are_flagged_by_their_date(engine, marathon, work):
    rows = pd.read_parquet(sample(train(marathon, engine, work, **QUICK_PARAMS[engine]), 500, work))
    assert rows["After2004"].nunique() == 2
    late = _late_flags(rows)
    assert not late.any(), rows.loc[late, ["Date", "After2004"]].head()


def test_the_report_counts_runs_flagged_against_their_date(marathon, work):
    trained = train(marathon, "gaussian_copula", work)

    def flag_checks(rows: pd.DataFrame):
        report = reported(marathon, rows)
        checks = [
            c for c in report.category_ranges if (c.category, c.number) == ("After2004", "Date")
        ]
        return report, checks

    raw = unmended(trained, 500)  # what gaussian_copula wrote before
    broken = int(_late_flags(raw).sum())
    assert broken > 50
    before, checks = flag_checks(raw)
    assert sorted(c.value for c in checks) == ["0", "1"]
    # Also counted: runs in the weeks between the real last run of 2004 and first of 2005.
    assert broken <= sum(c.violation_count for c in checks) <= broken + 10
    assert "up to 2004-" in next(c.description for c in checks if c.value == "0")
    assert before.range_verdict is not None and before.range_verdict.verdict == "fail"
    _, checks = flag_checks(pd.read_parquet(sample(trained, 500, work)))
    assert [c.violation_count for c in checks] == [0, 0]


def test_a_date_range_travels_as_a_date():
    bound = CategoryRange("flag", "day", (0,), (None,), (1104451200.0,), dated=True)
    assert CategoryRange.from_dict(bound.to_dict()) == bound
    assert bound.named() == ["0: up to 2004-12-31"]
    old = {"category": "a", "number": "b", "values": [1], "lows": [2.0], "highs": [None]}
    assert CategoryRange.from_dict(old).dated is False
