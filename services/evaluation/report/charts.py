"""Chart data: real-vs-synthetic histograms or category frequencies, correlation heatmaps.

Inputs are canonical frames (`columns.canonical_frame`). Histograms share their bins
between real and synthetic values and hold proportions of the present values; frequency
charts hold proportions of all rows, with the top categories kept and the rest summed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.evaluation.report.columns import ColumnPlan
from services.evaluation.report.models import (
    CorrelationComparison,
    FrequencyChart,
    Heatmap,
    HistogramChart,
)

MAX_BINS = 20
TOP_CATEGORIES = 20
OTHER_LABEL = "(other)"
MISSING_LABEL = "(missing)"


def column_charts(
    real: pd.DataFrame, synthetic: pd.DataFrame, plan: ColumnPlan
) -> list[HistogramChart | FrequencyChart]:
    return [
        frequency_chart(real[name], synthetic[name])
        if plan.kind(name) == "categorical"
        else histogram_chart(real[name], synthetic[name], datetime=plan.kind(name) == "datetime")
        for name in real.columns
    ]


def histogram_chart(real: pd.Series, synthetic: pd.Series, *, datetime: bool) -> HistogramChart:
    real_values = real.dropna().to_numpy(dtype="float64")
    synthetic_values = synthetic.dropna().to_numpy(dtype="float64")
    edges = _shared_edges(np.concatenate([real_values, synthetic_values]))
    return HistogramChart(
        column=str(real.name),
        datetime=datetime,
        bin_edges=edges.tolist(),
        real=_proportions(real_values, edges),
        synthetic=_proportions(synthetic_values, edges),
        real_missing_share=float(real.isna().mean()),
        synthetic_missing_share=float(synthetic.isna().mean()),
    )


def _shared_edges(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return np.array([0.0, 1.0])
    low, high = float(values.min()), float(values.max())
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    bins = min(MAX_BINS, len(np.unique(values)))
    return np.linspace(low, high, bins + 1)


def _proportions(values: np.ndarray, edges: np.ndarray) -> list[float]:
    counts, _ = np.histogram(values, bins=edges)
    total = counts.sum()
    return (counts / total if total else counts.astype(float)).tolist()


def frequency_chart(real: pd.Series, synthetic: pd.Series) -> FrequencyChart:
    real_labels, synthetic_labels = _labelled(real), _labelled(synthetic)
    real_freq = real_labels.value_counts(normalize=True)
    synthetic_freq = synthetic_labels.value_counts(normalize=True)
    ranked = real_freq.add(synthetic_freq * 1e-9, fill_value=0.0).sort_values(ascending=False)
    top = list(ranked.index[:TOP_CATEGORIES])
    real_top = real_freq.reindex(top, fill_value=0.0)
    synthetic_top = synthetic_freq.reindex(top, fill_value=0.0)
    categories, real_values = top, real_top.tolist()
    synthetic_values = synthetic_top.tolist()
    if len(ranked) > TOP_CATEGORIES:
        categories = [*top, OTHER_LABEL]
        real_values.append(max(0.0, 1.0 - float(real_top.sum())))
        synthetic_values.append(max(0.0, 1.0 - float(synthetic_top.sum())))
    return FrequencyChart(
        column=str(real.name),
        categories=[str(category) for category in categories],
        real=real_values,
        synthetic=synthetic_values,
    )


def _labelled(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), MISSING_LABEL)


def correlation_heatmaps(correlation: CorrelationComparison) -> list[Heatmap]:
    """Heatmaps of the real and synthetic association matrices."""
    return [
        Heatmap(title="Real correlations", columns=correlation.columns, values=correlation.real),
        Heatmap(
            title="Synthetic correlations",
            columns=correlation.columns,
            values=correlation.synthetic,
        ),
    ]
