"""The report notices synthetic rows that pair a country with another country's continent or
codes (columns that one column determines in every real row), and its page says how to keep
them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from plotly.data import gapminder

from services.evaluation.report import ReportOptions, build_report, render_html

METADATA = {
    "columns": {
        "country": {"sdtype": "categorical"},
        "continent": {"sdtype": "categorical"},
        "year": {"sdtype": "numerical"},
        "lifeExp": {"sdtype": "numerical"},
        "iso_alpha": {"sdtype": "categorical"},
        "iso_num": {"sdtype": "numerical"},
    }
}
OPTIONS = ReportOptions(sample_rows=500, privacy_sample_rows=300)
DESCRIPTION = "country → continent, iso_alpha, iso_num"


def _table() -> pd.DataFrame:
    table = gapminder(datetimes=False, centroids=True, pretty_names=False)
    return table[list(METADATA["columns"])]


def test_rows_that_pair_a_country_with_another_continent_are_counted_and_named():
    table = _table()
    train, holdout = table.iloc[::2], table.iloc[1::2]
    synthetic = holdout.copy()
    # Forty rows of Indonesia with other countries' continents and codes.
    synthetic.iloc[:40, 0] = "Indonesia"
    report = build_report(train, holdout, synthetic, METADATA, OPTIONS)

    (check,) = report.dependencies
    assert (check.description, check.violation_count, check.source_values) == (
        DESCRIPTION,
        40,
        142,
    )
    # Six of the forty were Afghan: in Asia already, but with Afghanistan's codes.
    assert check.column_violation_counts == [34, 40, 40]
    document = json.loads(report.model_dump_json())
    assert document["dependencies"][0]["columns"] == ["continent", "iso_alpha", "iso_num"]
    page = render_html(report)
    assert DESCRIPTION in page and "FIXED_COMBINATIONS" in page


def test_kept_dependencies_count_zero_and_stay_off_the_page():
    table = _table()
    train, holdout = table.iloc[::2], table.iloc[1::2]
    rng = np.random.default_rng(0)
    synthetic = holdout.sample(frac=1.0, random_state=rng).reset_index(drop=True)
    report = build_report(train, holdout, synthetic, METADATA, OPTIONS)
    assert [(d.description, d.violation_count) for d in report.dependencies] == [(DESCRIPTION, 0)]
    assert DESCRIPTION not in render_html(report)
