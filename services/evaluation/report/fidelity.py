"""Fidelity: per-column KS / TVD complements, Wasserstein distances, correlation difference.

Inputs are canonical frames (`columns.canonical_frame`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp, wasserstein_distance

from services.evaluation.report.columns import ColumnPlan
from services.evaluation.report.models import ColumnFidelity, CorrelationComparison, FidelityResult

WASSERSTEIN_BASIS = (
    "Wasserstein-1 distance between real and synthetic values standardized by the real "
    "column's mean and standard deviation (datetimes in seconds); categorical columns: none"
)
CORRELATION_METHOD = (
    "numerical/datetime pairs: Pearson r; categorical pairs: Cramer's V; numerical with "
    "categorical: correlation ratio eta; missing values are a category of their own and are "
    "left out of Pearson r and eta"
)


def fidelity_metrics(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    plan: ColumnPlan,
    correlated: Sequence[str] | None = None,
) -> FidelityResult:
    """Every column's scores, and the correlations of ``correlated`` (default: all columns;
    a matrix grows with the square of its columns, so a wide table's holds some, `bounds`)."""
    columns = [_column_fidelity(real[name], synthetic[name], plan.kind(name)) for name in real]
    scores = [column.score for column in columns if column.score is not None]
    kept = list(real.columns) if correlated is None else list(correlated)
    correlation = compare_correlations(real[kept], synthetic[kept], plan)
    return FidelityResult(
        mean_score=float(np.mean(scores)) if scores else None,
        wasserstein_basis=WASSERSTEIN_BASIS,
        columns=columns,
        correlation=correlation.model_copy(update={"total_columns": len(real.columns)}),
    )


def _column_fidelity(real: pd.Series, synthetic: pd.Series, kind: str | None) -> ColumnFidelity:
    missing = {
        "real_missing_share": float(real.isna().mean()),
        "synthetic_missing_share": float(synthetic.isna().mean()),
    }
    if kind == "categorical":
        return ColumnFidelity(
            column=str(real.name),
            kind="categorical",
            metric="TVComplement",
            score=tv_complement(real, synthetic),
            wasserstein=None,
            **missing,
        )
    real_values, synthetic_values = real.dropna().to_numpy(), synthetic.dropna().to_numpy()
    ks_score = wasserstein = None
    if real_values.size and synthetic_values.size:
        ks_score = 1.0 - float(ks_2samp(real_values, synthetic_values).statistic)
        spread = real_values.std()
        if spread > 0:
            mean = real_values.mean()
            wasserstein = wasserstein_distance(
                (real_values - mean) / spread, (synthetic_values - mean) / spread
            )
    return ColumnFidelity(
        column=str(real.name),
        kind="datetime" if kind == "datetime" else "numerical",
        metric="KSComplement",
        score=ks_score,
        wasserstein=wasserstein,
        **missing,
    )


def tv_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 - total variation distance between category frequencies (missing is a category)."""
    real_freq = real.value_counts(normalize=True, dropna=False)
    synthetic_freq = synthetic.value_counts(normalize=True, dropna=False)
    both = real_freq.align(synthetic_freq, fill_value=0.0)
    return 1.0 - 0.5 * float(np.abs(both[0] - both[1]).sum())


def compare_correlations(
    real: pd.DataFrame, synthetic: pd.DataFrame, plan: ColumnPlan
) -> CorrelationComparison:
    real_matrix = association_matrix(real, plan)
    synthetic_matrix = association_matrix(synthetic, plan)
    diff = np.abs(real_matrix - synthetic_matrix)
    off_diagonal = diff[~np.eye(len(diff), dtype=bool)]
    finite = off_diagonal[np.isfinite(off_diagonal)]
    return CorrelationComparison(
        method=CORRELATION_METHOD,
        columns=list(real.columns),
        real=real_matrix.tolist(),
        synthetic=synthetic_matrix.tolist(),
        abs_diff=diff.tolist(),
        mean_abs_diff=float(finite.mean()) if finite.size else None,
        max_abs_diff=float(finite.max()) if finite.size else None,
    )


def association_matrix(frame: pd.DataFrame, plan: ColumnPlan) -> np.ndarray:
    """Pairwise association of all columns; NaN where undefined (a constant column)."""
    names = list(frame.columns)
    size = len(names)
    matrix = np.full((size, size), np.nan)
    codes = {
        name: pd.factorize(frame[name], use_na_sentinel=False)[0]
        for name in names
        if plan.kind(name) == "categorical"
    }
    for i in range(size):
        matrix[i, i] = 1.0
        for j in range(i + 1, size):
            value = _association(frame, names[i], names[j], codes)
            matrix[i, j] = matrix[j, i] = value
    return matrix


def _association(frame: pd.DataFrame, a: str, b: str, codes: dict[str, np.ndarray]) -> float:
    if a in codes and b in codes:
        return cramers_v(codes[a], codes[b])
    if a in codes or b in codes:
        category, number = (a, b) if a in codes else (b, a)
        return correlation_ratio(codes[category], frame[number].to_numpy(dtype="float64"))
    x, y = frame[a].to_numpy(dtype="float64"), frame[b].to_numpy(dtype="float64")
    both = ~(np.isnan(x) | np.isnan(y))
    if both.sum() < 2 or x[both].std() == 0 or y[both].std() == 0:
        return np.nan
    return float(np.corrcoef(x[both], y[both])[0, 1])


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Cramer's V of two code arrays (no bias correction), from the observed cells only."""
    levels_a, levels_b = a.max() + 1, b.max() + 1
    if min(levels_a, levels_b) < 2:
        return np.nan
    cells, counts = np.unique(a.astype(np.int64) * levels_b + b, return_counts=True)
    row_totals = np.bincount(a, minlength=levels_a)
    column_totals = np.bincount(b, minlength=levels_b)
    expected = row_totals[cells // levels_b] * column_totals[cells % levels_b]
    chi2_over_n = float(np.sum(counts.astype(float) ** 2 / expected)) - 1.0
    return float(np.sqrt(max(chi2_over_n, 0.0) / (min(levels_a, levels_b) - 1)))


def correlation_ratio(codes: np.ndarray, values: np.ndarray) -> float:
    """Eta: the share of a numeric column's spread explained by a categorical column."""
    present = ~np.isnan(values)
    codes, values = codes[present], values[present]
    if values.size < 2 or values.std() == 0:
        return np.nan
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=values)
    seen = counts > 0
    group_means = sums[seen] / counts[seen]
    between = float(np.sum(counts[seen] * (group_means - values.mean()) ** 2))
    total = float(np.sum((values - values.mean()) ** 2))
    return float(np.sqrt(between / total))
