"""The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts.

Every string that comes from the data (column names, categories, reasons) goes through
`_esc`, so a hostile column name renders as text and never as markup.
"""

from __future__ import annotations

from services.evaluation.report.html_charts import (
    NO_VALUE,
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    esc,
    frequency_svg,
    heatmap_svg,
    histogram_svg,
    num,
    pct,
    table,
)
from services.evaluation.report.html_forms import forms_section
from services.evaluation.report.models import CombinationVerdict, FrequencyChart, Report
from services.evaluation.report.range_models import RangeVerdict

# Share of a left-out column's synthetic values in a form no real value has, from which the
# report shows the column.
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;
max-width:1200px}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;
text-align:left}th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;font-weight:600}
.pass{background:#2e7d32}.warn{background:#ed6c02}.fail{background:#c62828}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ddd;border-radius:.5rem;
padding:.6rem 1rem;min-width:10rem}.card b{display:block;font-size:1.5rem}
.charts{display:flex;flex-wrap:wrap;gap:1.2rem}figure{margin:0}figcaption{font-weight:600}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem}
svg text{font-size:10px;fill:#333}
"""


def render_html(report: Report, title: str = "Synthetic data report") -> str:
    """One HTML page with the scores, the privacy verdict, all tables and all charts."""
    return page(title, report_sections(report))


def report_sections(report: Report) -> str:
    """The sections of one table's report, as a page or a part of a page shows them."""
    sections = [
        _comparison(report),
        _summary(report),
        _quality(report),
        _fidelity(report),
        _utility(report),
        _privacy(report),
        _rules(report),
        _orderings(report),
        _dependencies(report),
        _impossible_combinations(report),
        _category_ranges(report),
        _totals(report),
        _leaders(report),
        _calendar(report),
        _missing_when(report),
        _unique_keys(report),
        _group_constants(report),
        forms_section(report),
        _charts(report),
        _sample_sizes(report),
    ]
    return "".join(sections)


def _comparison(report: Report) -> str:
    """A batch generated with conditions: which real rows its scores compare with."""
    if report.comparison is None:
        return ""
    return f'<p class="note"><strong>Note:</strong> {esc(report.comparison.note)}.</p>'


def page(title: str, body: str) -> str:
    """A whole HTML page around already-escaped ``body``."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>{body}</body></html>"
    )


def _summary(report: Report) -> str:
    utility = report.utility
    headline = None
    if utility is not None:
        headline = next(
            (m for m in utility.metrics if m.name in ("roc_auc", "r2")), utility.metrics[0]
        )
    cards = [
        ("Quality score", pct(report.quality.overall_score)),
        ("Diagnostic score", pct(report.quality.diagnostic_score)),
        ("Fidelity (mean KS/TV)", pct(report.fidelity.mean_score)),
        (
            "Utility ratio" + (f" ({headline.name})" if headline else ""),
            num(headline.ratio if headline else None, 2),
        ),
    ]
    verdicts = [("Privacy", report.privacy.verdict)]
    if report.combination_verdict is not None:
        verdicts.append(("Impossible combinations", report.combination_verdict.verdict))
    if report.range_verdict is not None:
        verdicts.append(("Numbers outside their category's range", report.range_verdict.verdict))
    return (
        '<section class="cards">'
        + "".join(f'<div class="card">{esc(name)}<b>{value}</b></div>' for name, value in cards)
        + "".join(
            f'<div class="card">{name}<b><span class="badge {v}">{v}</span></b></div>'
            for name, v in verdicts
        )
        + "</section>"
    )


def _quality(report: Report) -> str:
    quality = report.quality
    properties = [
        ("Column shapes", quality.column_shapes),
        ("Column pair trends", quality.column_pair_trends),
        ("Quality (overall)", quality.overall_score),
        ("Data validity", quality.data_validity),
        ("Data structure", quality.data_structure),
        ("Diagnostic (overall)", quality.diagnostic_score),
    ]
    shapes = [
        (esc(item.column), esc(item.metric), num(item.score))
        for item in quality.column_shape_details
    ]
    return (
        "<h2>Quality (SDMetrics)</h2>"
        + table(["Property", "Score"], [(esc(n), num(v)) for n, v in properties])
        + _pairs_note(quality.column_pairs_scored, quality.column_pairs_total)
        + table(["Column", "Metric", "Score"], shapes, numeric_from=2)
    )


def _fidelity(report: Report) -> str:
    fidelity = report.fidelity
    rows = [
        (
            esc(c.column),
            esc(c.kind),
            esc(c.metric),
            num(c.score),
            num(c.wasserstein),
            pct(c.real_missing_share),
            pct(c.synthetic_missing_share),
        )
        for c in fidelity.columns
    ]
    correlation = fidelity.correlation
    kept, total = len(correlation.columns), correlation.total_columns
    over = f"; over {kept} of the {total} columns" if total and kept < total else ""
    return (
        "<h2>Fidelity</h2>"
        + table(
            [
                "Column",
                "Kind",
                "Metric",
                "Score",
                "Wasserstein",
                "Missing (real)",
                "Missing (synthetic)",
            ],
            rows,
            numeric_from=3,
        )
        + f"<p>Wasserstein: {esc(fidelity.wasserstein_basis)}.</p>"
        + f"<p>Correlation difference: mean {num(correlation.mean_abs_diff)}, max "
        f"{num(correlation.max_abs_diff)} ({esc(correlation.method)}{over}).</p>"
    )


def _pairs_note(scored: int | None, total: int | None) -> str:
    if scored is None or total is None or scored == total:
        return ""
    return (
        f"<p>Column pair trends scored {scored:,} of the table's {total:,} column pairs: the "
        "utility target's, the rules', the dependencies', and a seeded sample of the others.</p>"
    )


def _utility(report: Report) -> str:
    utility = report.utility
    if utility is None:
        return f"<h2>ML utility</h2><p>Not measured: {esc(report.utility_note or '')}.</p>"
    rows = [(esc(m.name), num(m.synthetic), num(m.real), num(m.ratio)) for m in utility.metrics]
    return (
        "<h2>ML utility</h2>"
        f"<p>Target <code>{esc(utility.target_column)}</code> ({esc(utility.task)}; "
        f"{esc(utility.target_reason)}), model "
        f"<code>{esc(utility.model)}</code>, tested on the real holdout.</p>"
        + table(["Metric", "Train synthetic", "Train real", "Ratio"], rows)
    )


def _rules(report: Report) -> str:
    if not report.rules:
        return ""
    rows = [
        (esc(r.description), str(r.violation_count), str(r.real_violation_count))
        for r in report.rules
    ]
    return (
        "<h2>Rules</h2><p>The dataset's rules and the synthetic rows that break each "
        "(0 when generation applied it).</p>"
        + table(["Rule", "Synthetic rows breaking it", "Real rows breaking it"], rows)
    )


def _orderings(report: Report) -> str:
    return _broken_section(
        "Values out of order",
        "Every real row keeps these orders; some synthetic rows do not. Declare each as an "
        "<code>INEQUALITY</code> rule (<code>updateDatasetRules</code>) and generation keeps it.",
        ["Order", "Synthetic rows breaking it", "Real rows (all keep it)"],
        [(esc(o.description), o.violation_count, o.real_rows) for o in report.orderings],
    )


def _dependencies(report: Report) -> str:
    return _broken_section(
        "Columns that other columns determine",
        "In every real row each value of the first column, or of the first two together (a "
        "route's distance), goes with one value of the others (a country with its continent "
        "and code), or a text column joins others (a make and model); some synthetic rows pair "
        "them otherwise. Models trained from now on keep these; for an older model, declare a "
        "<code>FIXED_COMBINATIONS</code> rule on the columns (<code>updateDatasetRules</code>) "
        "and generation keeps them.",
        ["Columns", "Synthetic rows breaking it", "Real values of the source"],
        [(esc(d.description), d.violation_count, d.source_values) for d in report.dependencies],
    )


def _totals(report: Report) -> str:
    return _broken_section(
        "Totals that do not add up",
        "In every real row the first column is the sum of the others; in some synthetic rows "
        "it is not. Models trained from now on set each total from its parts.",
        ["Total", "Synthetic rows breaking it", "Real rows (all add up)"],
        [(esc(t.description), t.violation_count, t.real_rows) for t in report.totals],
    )


def _leaders(report: Report) -> str:
    return _broken_section(
        "Columns that name the largest of others",
        "In every real row the first column names the column with the largest value; in some "
        "synthetic rows it names another. Models trained from now on set it from the numbers.",
        ["Column", "Synthetic rows breaking it", "Real rows (all name the largest)"],
        [(esc(x.description), x.violation_count, x.real_rows) for x in report.leaders],
    )


def _calendar(report: Report) -> str:
    return _broken_section(
        "Dates and times that do not exist",
        "In every real row these columns write a date or a time of day; some synthetic rows "
        "are none (31 February, 10:88). Models trained from now on write real ones.",
        ["Columns", "Synthetic rows breaking it", "Real rows (all real)"],
        [(esc(c.description), c.violation_count, c.real_rows) for c in report.calendar],
    )


def _missing_when(report: Report) -> str:
    return _broken_section(
        "Values where the real rows have none",
        "In every real row with this value these columns are missing (no shoe brand before "
        "2005); some synthetic rows have them. Models trained from now on keep them missing.",
        ["Columns", "Synthetic rows breaking it", "Real rows (all missing them)"],
        [(esc(c.description), c.violation_count, c.real_rows) for c in report.missing_when],
    )


def _group_constants(report: Report) -> str:
    return _broken_section(
        "Groups not alike",
        "In every real group of rows sharing this id these columns have one value (an "
        "order's date on each of its lines); some synthetic rows differ from their group's.",
        ["Columns", "Synthetic rows breaking it", "Real groups"],
        [(esc(c.description), c.violation_count, c.real_groups) for c in report.group_constants],
    )


def _unique_keys(report: Report) -> str:
    return _broken_section(
        "Keys repeated",
        "No two real rows share these values (a country once a year); some synthetic rows "
        "repeat an earlier row's. Models trained from now on give a repeat another year, "
        "where the real values leave one.",
        ["Key", "Synthetic rows repeating it (unavoidable)", "Real rows (each once)"],
        [
            (esc(c.description), f"{c.violation_count} ({c.unavoidable_count})", c.real_rows)
            for c in report.unique_keys
            if c.violation_count
        ],
    )


def _broken_section(title: str, intro: str, headers: list[str], checks: list[tuple]) -> str:
    """A titled table of the checks (description, synthetic rows breaking it, a real figure)
    that some synthetic rows break; nothing when none is broken."""
    rows = [(what, str(broken), str(real)) for what, broken, real in checks if broken]
    if not rows:
        return ""
    return f"<h2>{title}</h2><p>{intro}</p>" + table(headers, rows)


def _verdict_line(verdict: CombinationVerdict | RangeVerdict | None) -> str:
    """A check's verdict badge and its summary ("52 of 2,000 synthetic rows ..."), if any."""
    if verdict is None:
        return ""
    badge = f'<span class="badge {verdict.verdict}">{verdict.verdict}</span>'
    return f"<p>{badge} {esc(verdict.summary.partition(': ')[2])}</p>"


def _impossible_combinations(report: Report) -> str:
    broken = [c for c in report.impossible_combinations if c.violation_count]
    if not broken:
        return ""
    rows = [
        (
            esc(c.description),
            esc("; ".join(c.combinations)),
            f"{c.violation_count} ({c.violation_share:.1%})",
            "-" if c.holdout_share is None else f"{c.holdout_share:.1%}",
        )
        for c in broken
    ]
    return (
        "<h2>Combinations the real data rules out</h2>"
        + _verdict_line(report.combination_verdict)
        + "<p>No real row has these combinations, or almost none, though the two columns' "
        "shares would give many (lunch on a Saturday, a husband who is a woman); some "
        "synthetic rows have one. Models trained from now on never generate them.</p>"
        + table(["Columns", "Ruled out", "Synthetic rows with one", "Real holdout rows"], rows)
    )


def _category_ranges(report: Report) -> str:
    broken = [c for c in report.category_ranges if c.violation_count]
    if not broken:
        return ""
    rows = [
        (
            esc(c.description),
            f"{c.violation_count} ({c.violation_share:.1%})",
            "-" if c.holdout_share is None else f"{c.holdout_share:.1%}",
        )
        for c in broken
    ]
    return (
        "<h2>Numbers outside their category's real range</h2>"
        + _verdict_line(report.range_verdict)
        + "<p>Every real row of these values has its number within this range (no doctorate "
        "under 24); some synthetic rows do not. Models trained from now on keep them within.</p>"
        + table(["Range", "Synthetic rows outside", "Real holdout rows"], rows)
    )


def _privacy(report: Report) -> str:
    privacy = report.privacy
    rows = [
        ("Share of synthetic rows closer to training than holdout (0.5 ideal)",
         f"{num(privacy.dcr_share_closer_to_train)} ± {num(privacy.dcr_share_ci95)}"),
        ("Median DCR to training rows", num(privacy.median_dcr_train)),
        ("Median DCR to holdout rows", num(privacy.median_dcr_holdout)),
        ("Median NNDR", num(privacy.median_nndr)),
        ("Exact copies of training rows", pct(privacy.exact_copy_share)),
        ("Holdout rows that copy a training row (the baseline)", pct(privacy.holdout_copy_share)),
        ("PII values equal to a real one (largest, identifying columns)",
         pct(privacy.pii_replay_share)),
        ("Unique synthetic rows not in training", pct(privacy.uniqueness_share)),
        ("Membership-inference AUC (0.5 = no risk)", num(privacy.mia_auc)),
        ("Membership-inference risk", num(privacy.mia_risk)),
    ]  # fmt: skip
    reasons = "".join(f"<li>{esc(reason)}</li>" for reason in privacy.reasons)
    dp = privacy.differential_privacy
    return (
        f'<h2>Privacy <span class="badge {privacy.verdict}">{privacy.verdict}</span></h2>'
        + (
            f"<p>The model was trained with differential privacy: ε = {dp.epsilon:.2f}, "
            f"δ = {dp.delta:.0e} spent.</p>"
            if dp
            else ""
        )
        + (f"<ul>{reasons}</ul>" if reasons else "<p>Every check is within its threshold.</p>")
        + table(["Metric", "Value"], [(esc(name), value) for name, value in rows])
        + f"<p>Distance: {esc(privacy.distance)}.</p>"
    )


def _sample_sizes(report: Report) -> str:
    rows = [
        (esc(name.replace("_", " ")), str(value if value is not None else NO_VALUE))
        for name, value in report.sample_sizes.model_dump().items()
    ]
    return "<h2>Rows used</h2>" + table(["Part", "Rows"], rows)


def _charts(report: Report) -> str:
    figures = [
        frequency_svg(chart) if isinstance(chart, FrequencyChart) else histogram_svg(chart)
        for chart in report.charts.columns
    ]
    figures += [heatmap_svg(heatmap) for heatmap in report.charts.heatmaps]
    legend = (
        f'<p class="legend"><span style="background:{REAL_COLOUR}"></span>real'
        f'<span style="background:{SYNTHETIC_COLOUR}"></span>synthetic</p>'
    )
    return f'<h2>Charts</h2>{legend}<div class="charts">{"".join(figures)}</div>'
