"""A template batch's conformance report as one self-contained HTML page (no scripts).

Every string from the schema or the data goes through `escape`, so it renders as text.
"""

from __future__ import annotations

from html import escape

from services.evaluation.report.conformance import ConformanceReport
from services.evaluation.report.html import CSS


def _pct(value: float | None) -> str:
    return "&ndash;" if value is None else f"{100 * value:.1f}%"


def _badge(passed: bool) -> str:
    return (
        '<span class="badge pass">pass</span>' if passed else '<span class="badge fail">fail</span>'
    )


def render_conformance_html(report: ConformanceReport, *, title: str) -> str:
    sections = [
        '<section class="cards">'
        f'<div class="card">Conformance<b>{_pct(report.score)}</b></div>'
        f'<div class="card">Schema<b>{_badge(report.passed)}</b></div></section>'
    ]
    for table in report.tables:
        rows = [
            f"<tr><td>{escape(field.column)}</td><td>{escape(check.check)}</td>"
            f'<td class="num">{_pct(check.conforming_share)}</td>'
            f"<td>{_badge(check.passed)}</td></tr>"
            for field in table.fields
            for check in field.checks
        ]
        rows += [
            f"<tr><td>{escape(key.column)}</td><td>foreign key &rarr; "
            f"{escape(key.references_table)}.{escape(key.references_column)}</td>"
            f'<td class="num">{_pct(key.conforming_share)}</td><td>{_badge(key.passed)}</td></tr>'
            for key in table.foreign_keys
        ]
        sections.append(
            f"<h2>Table {escape(table.table)} ({table.rows} rows)</h2><table><thead><tr>"
            "<th>Column</th><th>Check</th><th>Conforming</th><th>Result</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>A template batch has no real data behind it: it is "
        f"checked against its schema only.</p>{''.join(sections)}</body></html>"
    )
