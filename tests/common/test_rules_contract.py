"""The rules contract on its own: parsing with errors by path, contradictions, and which rows
break each kind of rule (missing values, datetimes with and without a time zone, one-hot
groups, unique values across chunks, the bound on real combinations)."""

from __future__ import annotations

import pandas as pd
import pytest

from common.contracts.rule_checks import checked_on_real, count_violations, value_keys, violations
from common.contracts.rules import MAX_COMBINATIONS, RulesError, parse_rules

KINDS = {"a": "numeric", "b": "numeric", "when": "datetime", "city": "other", "x": "numeric"}


def errors(data) -> dict[str, str]:
    with pytest.raises(RulesError) as caught:
        parse_rules(data, KINDS)
    return dict(caught.value.errors)


def test_every_problem_is_reported_by_path():
    found = errors(
        [
            {"kind": "positive", "column": "a"},
            {"kind": "range", "column": "when", "low": {"number": 1}},
            {"kind": "range", "column": "a", "low": {"number": 1, "column": "b"}},
            {"kind": "one_hot", "columns": ["a"]},
            {"kind": "unique"},
            {"kind": "range", "column": "when", "high": {"datetime": "yesterday"}},
        ]
    )
    assert found == {
        "rules[1].low.number": "a finite number bounds a numeric column only",
        "rules[2].low": "give exactly one of column, number, datetime",
        "rules[3].columns": "at least two different columns are required",
        "rules[4].column": "a column is required",
        "rules[5].high.datetime": "'yesterday' is not an ISO 8601 datetime",
    }
    assert list(errors("not a list")) == ["rules"]
    assert "rules[0].kind" in errors([{"kind": "bigger"}])
    assert "rules[0].extra" in errors([{"kind": "unique", "column": "a", "extra": 1}])


@pytest.mark.parametrize(
    "rules",
    [
        [{"kind": "positive", "column": "a", "strict": True}, {"kind": "negative", "column": "a"}],
        [
            {"kind": "range", "column": "a", "low": {"number": 5}},
            {"kind": "range", "column": "a", "high": {"number": 4}},
        ],
        [
            {"kind": "inequality", "low": {"column": "a"}, "high": {"column": "b"}},
            {"kind": "inequality", "low": {"column": "b"}, "high": {"column": "a"}, "strict": True},
        ],
    ],
)
def test_contradictions_are_refused(rules):
    assert list(errors(rules)) == ["rules[1]"]


def test_rules_that_only_touch_are_not_contradictions():
    rules = parse_rules(
        [
            {"kind": "positive", "column": "a"},
            {"kind": "negative", "column": "a"},
            {"kind": "inequality", "low": {"column": "a"}, "high": {"column": "b"}},
            {"kind": "inequality", "low": {"column": "b"}, "high": {"column": "a"}},
        ],
        KINDS,
    )
    assert [r.describe() for r in rules] == ["a ≥ 0", "a ≤ 0", "a ≤ b", "b ≤ a"]


def test_which_rows_break_each_kind():
    rows = pd.DataFrame(
        {
            "a": [1.0, -2.0, None, 5.0],
            "b": [2.0, -3.0, 1.0, 5.0],
            "when": pd.to_datetime(["1999-12-31", "2000-01-01", None, "2000-06-01"]),
            "city": ["Lyon", "Paris", "Lyon", "Lyon"],
            "x": [1, 0, 0, 2],
        }
    )
    rules = parse_rules(
        [
            {"kind": "inequality", "low": {"column": "a"}, "high": {"column": "b"}, "strict": True},
            {"kind": "positive", "column": "a"},
            {"kind": "range", "column": "when", "low": {"datetime": "2000-01-01T00:00:00+00:00"}},
            {"kind": "range", "column": "when", "high": {"datetime": "2000-03-01"}, "strict": True},
            {"kind": "one_hot", "columns": ["x", "a"]},
            {"kind": "unique", "column": "city"},
        ],
        KINDS,
    )
    # A missing value breaks no rule but one_hot (row 2: x is 0, a is missing).
    assert [list(violations(rows, r)) for r in rules] == [
        [False, True, False, True],
        [False, True, False, False],
        [True, False, False, False],
        [False, False, False, True],
        [True, True, True, True],
        [False, False, True, True],
    ]
    # Across chunks: the values kept before count as taken.
    assert list(violations(rows, rules[5], set(value_keys(pd.Series(["Paris"]))))) == [
        False,
        True,
        True,
        True,
    ]


def test_real_combinations_are_recorded_and_bounded():
    rows = pd.DataFrame({"a": [1, 1, 2, 2], "b": [1.0, 1.0, 2.0, 3.0], "city": list("xyxy")})
    [rule] = checked_on_real(
        rows, parse_rules([{"kind": "fixed_combinations", "columns": ["a", "city"]}], KINDS)
    )
    assert sorted(rule.combinations) == [[1, "x"], [1, "y"], [2, "x"], [2, "y"]]
    synthetic = pd.DataFrame({"a": [1.0, 3.0, 2.0], "city": ["x", "x", None]})
    assert count_violations(synthetic, [rule]) == [1]  # 3.0 ≠ any; a missing city is no break
    many = pd.DataFrame({"a": range(MAX_COMBINATIONS + 1), "city": "x"})
    with pytest.raises(RulesError, match="more than 10,000"):
        checked_on_real(
            many, parse_rules([{"kind": "fixed_combinations", "columns": ["a", "city"]}], KINDS)
        )
