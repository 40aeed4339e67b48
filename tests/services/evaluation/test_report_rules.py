"""The report's rules: each rule of the dataset with the synthetic rows that break it, exact
over the whole batch, in the JSON document and in the HTML page (names escaped)."""

from __future__ import annotations

import json

from common.contracts.rule_checks import checked_on_real
from common.contracts.rules import parse_rules
from services.evaluation.report import ReportOptions, build_report, render_html

KINDS = {"age": "numeric", "hours-per-week": "numeric", "education-num": "numeric"}


def test_each_rule_is_counted_over_every_synthetic_row(adult):
    rules = checked_on_real(
        adult.train,
        parse_rules(
            [
                {"kind": "range", "column": "age", "low": {"number": 17}, "high": {"number": 90}},
                {"kind": "range", "column": "hours-per-week", "low": {"column": "age"}},
                {"kind": "fixed_combinations", "columns": ["education-num", "education"]},
            ],
            KINDS | {"education": "other"},
        ),
    )
    synthetic = adult.independent.copy()
    synthetic.loc[:9, "age"] = 120  # ten rows past the range
    synthetic.loc[:4, "education"] = "Preschool"  # five pairs the real rows never had
    metadata = adult.metadata | {"rules": [r.model_dump(mode="json") for r in rules]}
    # Sampled parts of the report see fewer rows; the rules are counted over all of them.
    report = build_report(
        adult.train, adult.holdout, synthetic, metadata, ReportOptions(sample_rows=500)
    )

    real_pairs = set(adult.train[["education-num", "education"]].itertuples(index=False))
    pairs = synthetic[["education-num", "education"]].itertuples(index=False)
    assert [(r.description, r.violation_count, r.real_violation_count) for r in report.rules] == [
        ("17 ≤ age ≤ 90", 10, 0),
        (
            "age ≤ hours-per-week",
            int((synthetic["hours-per-week"] < synthetic["age"]).sum()),
            int((adult.train["hours-per-week"] < adult.train["age"]).sum()),
        ),
        (
            "only real combinations of education-num, education",
            sum(pair not in real_pairs for pair in pairs),
            0,
        ),
    ]
    assert report.rules[2].violation_count >= 5
    document = json.loads(report.model_dump_json())
    assert document["rules"][0] == {
        "kind": "range",
        "description": "17 ≤ age ≤ 90",
        "violation_count": 10,
        "real_violation_count": 0,
    }
    page = render_html(report)
    assert "<h2>Rules</h2>" in page and "17 ≤ age ≤ 90" in page
    assert "age ≤ hours-per-week" in page


def test_a_report_without_rules_has_none(independent_report):
    assert independent_report.rules == []
    assert "<h2>Rules</h2>" not in render_html(independent_report)
