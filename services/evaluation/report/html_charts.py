"""The report's inline SVG charts (histograms, category frequencies, association heatmaps),
and the escaping and the cells and tables every piece of the HTML page goes through
(`html.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape

from services.evaluation.report.models import FrequencyChart, Heatmap, HistogramChart

REAL_COLOUR = "#4c78a8"
SYNTHETIC_COLOUR = "#f58518"
LABEL_CHARS = 22
NO_VALUE = "&ndash;"


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def num(value: float | None, digits: int = 3) -> str:
    return NO_VALUE if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return NO_VALUE if value is None else f"{100 * value:.1f}%"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> str:
    """A table of already-escaped cells; columns from `numeric_from` are right-aligned."""
    head = "".join(f"<th>{esc(header)}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{esc(caption)}</figcaption>{svg}</figure>"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _edge_label(value: float, is_datetime: bool) -> str:
    if is_datetime:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).strftime("%Y-%m-%d")
    return f"{value:.4g}"


def histogram_svg(chart: HistogramChart) -> str:
    width, height, bottom = 360, 170, 20
    bins = len(chart.real)
    peak = max([*chart.real, *chart.synthetic, 1e-12])
    slot = width / max(bins, 1)
    bars = []
    for i, (real, synthetic) in enumerate(zip(chart.real, chart.synthetic, strict=True)):
        for j, (value, colour) in enumerate(((real, REAL_COLOUR), (synthetic, SYNTHETIC_COLOUR))):
            bar = (height - bottom) * value / peak
            x = i * slot + j * slot / 2
            bars.append(
                f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{slot / 2 - 1:.1f}" '
                f'height="{bar:.1f}" fill="{colour}"><title>{value:.3f}</title></rect>'
            )
    low = esc(_edge_label(chart.bin_edges[0], chart.datetime))
    high = esc(_edge_label(chart.bin_edges[-1], chart.datetime))
    axis = (
        f'<text x="0" y="{height - 5}">{low}</text>'
        f'<text x="{width}" y="{height - 5}" text-anchor="end">{high}</text>'
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img">{"".join(bars)}{axis}</svg>'
    )
    return _figure(chart.column, svg)


def frequency_svg(chart: FrequencyChart) -> str:
    label_width, bar_width, row = 140, 220, 18
    height = row * len(chart.categories) + 4
    peak = max([*chart.real, *chart.synthetic, 1e-12])
    parts = []
    for i, category in enumerate(chart.categories):
        y = i * row + 2
        parts.append(
            f'<text x="{label_width - 4}" y="{y + 12}" text-anchor="end">'
            f"<title>{esc(category)}</title>{esc(_short(category))}</text>"
        )
        for j, (values, colour) in enumerate(
            ((chart.real, REAL_COLOUR), (chart.synthetic, SYNTHETIC_COLOUR))
        ):
            length = bar_width * values[i] / peak
            parts.append(
                f'<rect x="{label_width}" y="{y + j * (row / 2 - 1):.1f}" width="{length:.1f}" '
                f'height="{row / 2 - 1:.1f}" fill="{colour}"><title>{values[i]:.3f}</title></rect>'
            )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width}" '
        f'height="{height}" role="img">{"".join(parts)}</svg>'
    )
    return _figure(chart.column, svg)


def _heat_colour(value: float | None) -> str:
    """Red for positive, blue for negative association, white for none, grey if undefined."""
    if value is None:
        return "#cccccc"
    strength = int(255 * (1 - min(abs(value), 1.0)))
    return f"rgb(255,{strength},{strength})" if value >= 0 else f"rgb({strength},{strength},255)"


def heatmap_svg(heatmap: Heatmap) -> str:
    cell, margin = 18, 120
    size = len(heatmap.columns)
    parts = []
    for i, name in enumerate(heatmap.columns):
        label = f"<title>{esc(name)}</title>{esc(_short(name))}"
        parts.append(
            f'<text x="{margin - 4}" y="{margin + i * cell + 13}" text-anchor="end">{label}</text>'
        )
        x, y = margin + i * cell + 12, margin - 4
        parts.append(f'<text x="{x}" y="{y}" transform="rotate(-60 {x} {y})">{label}</text>')
    for i, row in enumerate(heatmap.values):
        for j, value in enumerate(row):
            tip = f"{esc(heatmap.columns[i])} / {esc(heatmap.columns[j])}: {num(value)}"
            parts.append(
                f'<rect x="{margin + j * cell}" y="{margin + i * cell}" width="{cell - 1}" '
                f'height="{cell - 1}" fill="{_heat_colour(value)}"><title>{tip}</title></rect>'
            )
    extent = margin + size * cell
    # The column labels lean right, past the last cell: room for them on that side too.
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{extent + margin // 2}" '
        f'height="{extent}" '
        f'role="img">{"".join(parts)}</svg>'
    )
    return _figure(heatmap.title, svg)
