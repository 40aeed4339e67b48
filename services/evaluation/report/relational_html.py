"""The report of several tables or sequences as one self-contained HTML page.

Alerts come first (broken referential integrity above all), then every link with its
integrity check first, every sequential table, then each table's own report. Every string
from the data goes through `esc`.
"""

from __future__ import annotations

from services.evaluation.report.html import (
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    esc,
    histogram_svg,
    num,
    page,
    pct,
    report_sections,
    table,
)
from services.evaluation.report.models import HistogramChart
from services.evaluation.report.relational_models import (
    Distribution,
    LinkResult,
    RelationalReport,
    SequenceResult,
    TableResult,
)

LEGEND = (
    f'<p class="legend"><span style="background:{REAL_COLOUR}"></span>real'
    f'<span style="background:{SYNTHETIC_COLOUR}"></span>synthetic</p>'
)
ALERT_CSS = (
    "<style>.alerts{border:2px solid #c62828;background:#fdecea;padding:.6rem 1rem;"
    "border-radius:.5rem}.alerts li{font-weight:600;color:#8e0000}</style>"
)


def render_relational_html(report: RelationalReport, title: str = "Synthetic data report") -> str:
    sections = [
        ALERT_CSS,
        _alerts(report),
        _summary(report),
        *(_link(link) for link in report.links),
        *(_sequence(item) for item in report.sequences),
        *(_table_report(item) for item in report.tables),
    ]
    return page(title, "".join(sections))


def _alerts(report: RelationalReport) -> str:
    if not report.alerts:
        return (
            "<p>Referential integrity: every synthetic child row has its parent."
            if report.links
            else ""
        )
    items = "".join(f"<li>{esc(alert)}</li>" for alert in report.alerts)
    return f'<section class="alerts" role="alert"><h2>Problems</h2><ul>{items}</ul></section>'


def _summary(report: RelationalReport) -> str:
    cards = [("Quality score", pct(report.overall_score))]
    quality = report.sdmetrics
    if quality is not None:
        cards += [
            ("Column shapes", pct(quality.column_shapes)),
            ("Column pair trends", pct(quality.column_pair_trends)),
            ("Cardinality", pct(quality.cardinality)),
            ("Intertable trends", pct(quality.intertable_trends)),
        ]
    verdict = report.privacy_verdict
    rows = [
        (
            esc(item.name),
            f"{item.train_rows:,}",
            f"{item.holdout_rows:,}",
            f"{item.synthetic_rows:,}",
            pct(item.quality_score),
            esc(item.privacy_verdict or item.note or ""),
        )
        for item in report.tables
    ]
    note = f"<p>{esc(report.sdmetrics_note)}.</p>" if report.sdmetrics_note else ""
    return (
        '<section class="cards">'
        + "".join(f'<div class="card">{esc(name)}<b>{value}</b></div>' for name, value in cards)
        + f'<div class="card">Privacy<b><span class="badge {verdict}">{verdict}</span></b></div>'
        + "</section>"
        + note
        + "<h2>Tables</h2>"
        + table(
            ["Table", "Train rows", "Holdout rows", "Synthetic rows", "Quality", "Privacy"], rows
        )
    )


def _link(link: LinkResult) -> str:
    name = f"{link.child_table}.{link.child_column} → {link.parent_table}.{link.parent_column}"
    check = link.integrity
    integrity = [
        ("Referential integrity (must be 100%)", pct(check.share)),
        ("Child rows", f"{check.child_rows:,}"),
        ("Orphans (key not in parent)", f"{check.orphan_rows:,}"),
        ("Rows without a key", f"{check.missing_key_rows:,}"),
        ("Duplicate parent keys", f"{check.duplicate_parent_keys:,}"),
        ("Orphan keys, e.g.", esc(", ".join(check.orphan_examples)) or "&ndash;"),
    ]
    pairs = [
        (esc(p.parent_column), esc(p.child_column), num(p.real), num(p.synthetic), num(p.score))
        for p in link.correlations
    ]
    return (
        f"<h2>Link {esc(name)}</h2>"
        + table(["Check", "Value"], [(esc(label), value) for label, value in integrity])
        + f"<h3>Children per {esc(link.parent_table)} row</h3>"
        + _distribution(link.cardinality, f"{link.child_table} rows per {link.parent_table} row")
        + f"<h3>Parent-child associations (mean score {num(link.correlation_score)})</h3>"
        + table(["Parent column", "Child column", "Real", "Synthetic", "Score"], pairs, 2)
        + f"<p>{esc(link.correlation_method)}; score = 1 - |real - synthetic| / 2.</p>"
    )


def _distribution(distribution: Distribution, caption: str) -> str:
    rows = [
        ("Score (KS complement)", num(distribution.score), ""),
        ("Count", f"{distribution.real_count:,}", f"{distribution.synthetic_count:,}"),
        ("Mean", num(distribution.real_mean, 2), num(distribution.synthetic_mean, 2)),
        ("Median", num(distribution.real_median, 2), num(distribution.synthetic_median, 2)),
        ("Min", num(distribution.real_min, 2), num(distribution.synthetic_min, 2)),
        ("Max", num(distribution.real_max, 2), num(distribution.synthetic_max, 2)),
    ]
    chart = ""
    if distribution.bin_edges:
        chart = LEGEND + histogram_svg(
            HistogramChart(
                column=caption,
                datetime=False,
                bin_edges=distribution.bin_edges,
                real=distribution.real,
                synthetic=distribution.synthetic,
                real_missing_share=None,
                synthetic_missing_share=None,
            )
        )
    return table(["", "Real", "Synthetic"], [(esc(a), b, c) for a, b, c in rows]) + chart


def _sequence(item: SequenceResult) -> str:
    autocorrelation = [
        (
            esc(a.column),
            num(a.real_mean),
            num(a.synthetic_mean),
            f"{a.real_sequences:,} / {a.synthetic_sequences:,}",
            num(a.score),
        )
        for a in item.autocorrelation
    ]
    steps = [
        (str(s.step), f"{s.real_rows:,}", f"{s.synthetic_rows:,}", pct(s.score)) for s in item.steps
    ]
    privacy = item.privacy
    privacy_html = f"<p>{esc(item.privacy_note or '')}</p>"
    if privacy is not None:
        privacy_html = (
            f'<p>Verdict <span class="badge {privacy.verdict}">{privacy.verdict}</span> on '
            f"{esc(item.privacy_basis)}.</p>"
            + table(
                ["Metric", "Value"],
                [
                    (
                        "DCR share closer to training (0.5 ideal)",
                        num(privacy.dcr_share_closer_to_train),
                    ),
                    ("Sequences copying a training sequence", pct(privacy.exact_copy_share)),
                    ("Membership-inference AUC", num(privacy.mia_auc)),
                ],
            )
            + "".join(f"<p>{esc(reason)}</p>" for reason in privacy.reasons)
        )
    return (
        f"<h2>Sequences of {esc(item.table)} (by {esc(item.entity_key)}, ordered by "
        f"{esc(item.order_column)}): score {pct(item.score)}</h2>"
        + "<h3>Sequence length</h3>"
        + _distribution(item.length, f"rows per {item.entity_key}")
        + f"<h3>Gaps between consecutive events ({item.gap_unit})</h3>"
        + (_distribution(item.gaps, f"gap in {item.gap_unit}") if item.gaps else "<p>&ndash;</p>")
        + "<h3>Lag-1 autocorrelation within each sequence</h3>"
        + table(["Column", "Real mean", "Synthetic mean", "Sequences", "Score"], autocorrelation)
        + f"<h3>Column shapes step by step (mean {pct(item.step_score)})</h3>"
        + table(["Step", "Real rows", "Synthetic rows", "Score"], steps)
        + "<h3>Privacy of whole sequences</h3>"
        + privacy_html
    )


def _table_report(item: TableResult) -> str:
    head = f"<h2>Table {esc(item.name)}</h2>"
    if item.report is None:
        return head + f"<p>Not evaluated: {esc(item.note or '')}.</p>"
    return head + f'<div class="table-report">{report_sections(item.report)}</div>'
