"""The report as JSON (strict, no NaN) and as one self-contained, escaped HTML page."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import (
    Report,
    ReportError,
    ReportOptions,
    build_report,
    render_html,
)

HOSTILE = "<script>alert(1)</script>"


def test_json_is_strict_and_round_trips(independent_report):
    text = json.dumps(independent_report.model_dump(mode="json"), allow_nan=False)
    assert Report.model_validate_json(text) == independent_report


def test_undefined_values_become_null_not_nan(adult):
    # A constant column has no correlation and no Wasserstein distance.
    tables = [frame.assign(constant=1.0) for frame in (adult.train, adult.holdout, adult.train)]
    metadata = {"columns": {**adult.metadata["columns"], "constant": {"sdtype": "numerical"}}}
    report = build_report(*tables, metadata, ReportOptions(sample_rows=1_000))
    constant = next(c for c in report.fidelity.columns if c.column == "constant")
    assert constant.wasserstein is None
    index = report.fidelity.correlation.columns.index("constant")
    assert report.fidelity.correlation.real[index][0] is None
    json.dumps(report.model_dump(mode="json"), allow_nan=False)


def test_every_sample_size_is_stated(adult):
    options = ReportOptions(sample_rows=500, fidelity_sample_rows=800, privacy_sample_rows=700)
    report = build_report(adult.train, adult.holdout, adult.independent, adult.metadata, options)
    sizes = report.sample_sizes
    assert (sizes.train_rows, sizes.holdout_rows, sizes.synthetic_rows) == (2000, 2000, 2000)
    assert sizes.quality_real_rows == sizes.quality_synthetic_rows == 500
    assert sizes.chart_real_rows == sizes.chart_synthetic_rows == 500
    assert sizes.fidelity_real_rows == sizes.fidelity_synthetic_rows == 800
    assert sizes.privacy_train_rows == sizes.privacy_holdout_rows == 700
    assert sizes.privacy_synthetic_rows == sizes.dcr_share_train_rows == 700
    assert sizes.utility_real_train_rows == 2000


def test_progress_is_reported_up_to_done(adult):
    seen = []
    build_report(
        adult.train.iloc[:300],
        adult.holdout.iloc[:300],
        adult.independent.iloc[:300],
        adult.metadata,
        ReportOptions(sample_rows=300),
        progress=lambda stage, done: seen.append((stage, done)),
    )
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [stage for stage, _ in seen] == ["quality", "fidelity", "utility", "privacy"]


def test_charts_cover_every_column(independent_report):
    charts = independent_report.charts
    assert [chart.column for chart in charts.columns] == independent_report.columns_evaluated
    age = next(chart for chart in charts.columns if chart.column == "age")
    assert age.kind == "histogram" and len(age.bin_edges) == len(age.real) + 1
    assert sum(age.real) == pytest.approx(1.0) and sum(age.synthetic) == pytest.approx(1.0)
    country = next(chart for chart in charts.columns if chart.column == "native-country")
    assert country.kind == "frequencies" and len(country.categories) == 21
    assert country.categories[0] == "United-States" and country.categories[-1] == "(other)"
    assert sum(country.real) == pytest.approx(1.0)
    assert [heatmap.title for heatmap in charts.heatmaps] == [
        "Real correlations",
        "Synthetic correlations",
    ]


def _hostile_tables() -> tuple[list[pd.DataFrame], dict]:
    rng = np.random.default_rng(0)

    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                HOSTILE: rng.normal(size=n),
                "kind": rng.choice([HOSTILE, "a&b", '"quoted"'], n),
                "day": pd.Timestamp("2023-01-01")
                + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
                "label": rng.choice(["yes", "no"], n),
            }
        ).assign(day=lambda f: f["day"].dt.strftime("%d/%m/%Y"))

    metadata = {
        "columns": {
            HOSTILE: {"sdtype": "numerical"},
            "kind": {"sdtype": "categorical"},
            "day": {"sdtype": "datetime", "datetime_format": "%d/%m/%Y"},
            "label": {"sdtype": "categorical"},
        }
    }
    return [table(400), table(400), table(400)], metadata


def test_html_escapes_hostile_names_and_has_one_svg_per_chart():
    tables, metadata = _hostile_tables()
    report = build_report(*tables, metadata, ReportOptions(sample_rows=400))
    page = render_html(report)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a&amp;b" in page and "&quot;quoted&quot;" in page
    charts = len(report.charts.columns) + len(report.charts.heatmaps)
    assert charts == 4 + 2
    assert page.count("<svg") == charts
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")


def test_html_is_self_contained_and_shows_the_verdict(copy_report):
    page = render_html(copy_report)
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "@import" not in page and "url(" not in page
    assert '<span class="badge fail">fail</span>' in page
    assert "share of synthetic rows that copy a training row" in page


def test_datetime_columns_are_measured_in_time():
    tables, metadata = _hostile_tables()
    report = build_report(*tables, metadata, ReportOptions(sample_rows=400))
    day = next(column for column in report.fidelity.columns if column.column == "day")
    assert day.kind == "datetime" and day.score > 0.8
    chart = next(chart for chart in report.charts.columns if chart.column == "day")
    assert chart.kind == "histogram" and chart.datetime
    assert chart.bin_edges[0] >= pd.Timestamp("2023-01-01").timestamp()
    assert "2023-" in render_html(report)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda tables: (tables[0].iloc[:0], *tables[1:]), "train"),
        (lambda tables: (*tables[:2], tables[2].drop(columns=["kind"])), "synthetic"),
    ],
)
def test_bad_tables_are_clear_errors(change, field):
    tables, metadata = _hostile_tables()
    with pytest.raises(ReportError) as raised:
        build_report(*change(tables), metadata)
    assert raised.value.field == field


def test_metadata_without_columns_is_a_clear_error():
    tables, _ = _hostile_tables()
    with pytest.raises(ReportError) as raised:
        build_report(*tables, {"columns": {}})
    assert raised.value.field == "metadata"
