"""Relationship fidelity of one parent → child link: referential integrity of the synthetic
data, the shape of children-per-parent counts, and associations across the link.

Pure functions on real and synthetic tables (``dict[str, DataFrame]``) and a foreign key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from common.contracts.relational import ForeignKey
from services.evaluation.report.columns import (
    canonical_frame,
    kind_of,
    plan_columns,
    sample_frame,
)
from services.evaluation.report.fidelity import CORRELATION_METHOD, association_matrix
from services.evaluation.report.relational_models import (
    CrossPair,
    Distribution,
    Integrity,
    LinkResult,
)

# Columns per side paired across a link: pairs grow as the product, so both sides are capped
# (in metadata order) to keep a wide table's report bounded.
MAX_LINK_COLUMNS = 12
MAX_HISTOGRAM_BINS = 20
ORPHAN_EXAMPLES = 5
MIN_COPY_VALUES = 5


def link_metrics(
    key: ForeignKey,
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Mapping[str, Mapping[str, Any]],
    *,
    sample_rows: int | None = None,
    seed: int = 0,
) -> LinkResult:
    real_parent, real_child = real[key.parent_table], real[key.child_table]
    synthetic_parent, synthetic_child = synthetic[key.parent_table], synthetic[key.child_table]
    pairs = cross_correlations(
        key,
        (real_parent, real_child),
        (synthetic_parent, synthetic_child),
        metadata,
        sample_rows=sample_rows,
        seed=seed,
    )
    scores = [pair.score for pair in pairs if pair.score is not None]
    return LinkResult(
        parent_table=key.parent_table,
        parent_column=key.parent_column,
        child_table=key.child_table,
        child_column=key.child_column,
        integrity=integrity(synthetic_parent[key.parent_column], synthetic_child[key.child_column]),
        cardinality=compare(
            children_per_parent(real_parent[key.parent_column], real_child[key.child_column]),
            children_per_parent(
                synthetic_parent[key.parent_column], synthetic_child[key.child_column]
            ),
            integers=True,
        ),
        correlation_method=CORRELATION_METHOD,
        correlations=pairs,
        correlation_score=float(np.mean(scores)) if scores else None,
    )


def integrity(parent_keys: pd.Series, child_keys: pd.Series) -> Integrity:
    """Child rows whose key exists among the parent's keys; keys are compared as text, so a
    parent written as integers and a child as strings still match."""
    parents = _as_text(parent_keys)
    children = _as_text(child_keys)
    missing = children.isna()
    found = children.isin(set(parents.dropna()))
    orphans = ~found & ~missing
    valid = int(found.sum())
    return Integrity(
        child_rows=len(children),
        valid_rows=valid,
        orphan_rows=int(orphans.sum()),
        missing_key_rows=int(missing.sum()),
        share=valid / len(children) if len(children) else None,
        duplicate_parent_keys=int(parents.dropna().duplicated().sum()),
        orphan_examples=[str(v) for v in children[orphans].drop_duplicates()[:ORPHAN_EXAMPLES]],
    )


def children_per_parent(parent_keys: pd.Series, child_keys: pd.Series) -> np.ndarray:
    """How many child rows each parent row has (0 for a childless parent); orphans count for
    no parent."""
    counts = _as_text(child_keys).value_counts()
    return _as_text(parent_keys).map(counts).fillna(0).to_numpy(dtype=float)


def compare(real: np.ndarray, synthetic: np.ndarray, *, integers: bool) -> Distribution:
    """KS complement and a shared histogram of two samples of one quantity."""
    real, synthetic = real[np.isfinite(real)], synthetic[np.isfinite(synthetic)]
    score = None
    if real.size and synthetic.size:
        score = 1.0 - float(ks_2samp(real, synthetic).statistic)
    elif real.size:
        # The real data has the quantity and the synthetic none at all (no gaps where every
        # sequence has one row): nothing alike, not "unknown", or a mean would skip it.
        score = 0.0
    edges, real_shares, synthetic_shares = _histogram(real, synthetic, integers=integers)
    return Distribution(
        score=score,
        copied=copied(real, synthetic),
        real_count=int(real.size),
        synthetic_count=int(synthetic.size),
        real_mean=_stat(np.mean, real),
        synthetic_mean=_stat(np.mean, synthetic),
        real_median=_stat(np.median, real),
        synthetic_median=_stat(np.median, synthetic),
        real_min=_stat(np.min, real),
        real_max=_stat(np.max, real),
        synthetic_min=_stat(np.min, synthetic),
        synthetic_max=_stat(np.max, synthetic),
        bin_edges=edges,
        real=real_shares,
        synthetic=synthetic_shares,
    )


def copied(real: np.ndarray, synthetic: np.ndarray) -> bool:
    """Whether the synthetic values are the real ones, one for one in another order (the
    real children-per-parent counts or sequence lengths replayed): a perfect score that was
    not learned. Not said of a real quantity with one value, or of fewer than
    ``MIN_COPY_VALUES`` values, which anything matches."""
    return bool(
        real.size == synthetic.size >= MIN_COPY_VALUES
        and np.unique(real).size > 1
        and np.array_equal(np.sort(real), np.sort(synthetic))
    )


def _histogram(
    real: np.ndarray, synthetic: np.ndarray, *, integers: bool
) -> tuple[list[float], list[float], list[float]]:
    both = np.r_[real, synthetic]
    if not both.size:
        return [], [], []
    low, high = float(both.min()), float(both.max())
    if integers and high - low + 1 <= MAX_HISTOGRAM_BINS:
        # One bin per whole number: a count of 1 and of 2 are different things to read.
        edges = np.arange(low, high + 2) - 0.5
    else:
        edges = np.histogram_bin_edges(both, bins=MAX_HISTOGRAM_BINS, range=(low, high or 1.0))
    return (
        [float(edge) for edge in edges],
        _shares(real, edges),
        _shares(synthetic, edges),
    )


def _shares(values: np.ndarray, edges: np.ndarray) -> list[float]:
    counts, _ = np.histogram(values, bins=edges)
    total = counts.sum()
    return [float(count / total) if total else 0.0 for count in counts]


def _stat(function: Any, values: np.ndarray) -> float | None:
    return float(function(values)) if values.size else None


def _as_text(keys: pd.Series) -> pd.Series:
    return keys.map(lambda value: None if pd.isna(value) else str(value))


def cross_correlations(
    key: ForeignKey,
    real: tuple[pd.DataFrame, pd.DataFrame],
    synthetic: tuple[pd.DataFrame, pd.DataFrame],
    metadata: Mapping[str, Mapping[str, Any]],
    *,
    sample_rows: int | None = None,
    seed: int = 0,
) -> list[CrossPair]:
    """Association of every measured parent column with every measured child column, over
    child rows joined to their parent (orphans have no parent and drop out), real against
    synthetic. Pearson r, Cramer's V or eta as the fidelity section computes them."""
    parent_columns = _measured(metadata[key.parent_table], exclude={key.parent_column})
    child_columns = _measured(metadata[key.child_table], exclude={key.child_column})
    if not parent_columns or not child_columns:
        return []
    columns: dict[str, Any] = {}
    for name in parent_columns:
        columns[f"parent.{name}"] = metadata[key.parent_table]["columns"][name]
    for name in child_columns:
        columns[f"child.{name}"] = metadata[key.child_table]["columns"][name]
    joined = {
        "real": _joined(key, *real, parent_columns, child_columns),
        "synthetic": _joined(key, *synthetic, parent_columns, child_columns),
    }
    if any(frame.empty for frame in joined.values()):
        return []
    plan = plan_columns({"columns": columns}, joined)
    matrices = {
        side: association_matrix(
            sample_frame(canonical_frame(frame, plan), sample_rows, seed), plan
        )
        for side, frame in joined.items()
    }
    names = list(plan.measured)
    pairs = []
    for i, parent_name in enumerate(names):
        if not parent_name.startswith("parent."):
            continue
        for j, child_name in enumerate(names):
            if not child_name.startswith("child."):
                continue
            real_value, synthetic_value = matrices["real"][i, j], matrices["synthetic"][i, j]
            score = 1.0 - abs(real_value - synthetic_value) / 2.0
            pairs.append(
                CrossPair(
                    parent_column=parent_name.removeprefix("parent."),
                    child_column=child_name.removeprefix("child."),
                    real=real_value,
                    synthetic=synthetic_value,
                    score=score,
                )
            )
    return pairs


def _measured(metadata: Mapping[str, Any], *, exclude: set[str]) -> list[str]:
    return [
        name
        for name, spec in (metadata.get("columns") or {}).items()
        if name not in exclude and kind_of(spec.get("sdtype", "")) is not None
    ][:MAX_LINK_COLUMNS]


def _joined(
    key: ForeignKey,
    parent: pd.DataFrame,
    child: pd.DataFrame,
    parent_columns: list[str],
    child_columns: list[str],
) -> pd.DataFrame:
    parents = parent[[key.parent_column, *parent_columns]].copy()
    parents.columns = ["__key", *(f"parent.{name}" for name in parent_columns)]
    parents["__key"] = _as_text(parents["__key"])
    parents = parents.drop_duplicates("__key")
    children = child[[key.child_column, *child_columns]].copy()
    children.columns = ["__key", *(f"child.{name}" for name in child_columns)]
    children["__key"] = _as_text(children["__key"])
    return children.merge(parents, on="__key", how="inner").drop(columns="__key")
