"""The report notices synthetic rows whose total is not the sum of its parts (plotly's
Montreal election: `total` = `Coderre` + `Bergeron` + `Joly` in every real row), and its page
names the total."""

from __future__ import annotations

import json

from plotly.data import election

from services.evaluation.report import ReportOptions, build_report, render_html

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


def test_totals_their_parts_do_not_add_up_to_are_counted_and_named():
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


def test_totals_that_add_up_count_zero_and_stay_off_the_page():
    table = election()[list(METADATA["columns"])]
    train, holdout = table.iloc[::2], table.iloc[1::2]
    report = build_report(train, holdout, holdout, METADATA, OPTIONS)
    assert [(t.description, t.violation_count) for t in report.totals] == [(DESCRIPTION, 0)]
    assert DESCRIPTION not in render_html(report)
