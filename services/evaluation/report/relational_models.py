"""The report of a database with several tables or sequences: per table, per link, per
sequential table. Pydantic models that serialise to strict JSON, as `models` does."""

from __future__ import annotations

from typing import Literal

from services.evaluation.report.models import (
    ColumnFidelity,
    PrivacyResult,
    Report,
    Score,
    _Model,
)


class Distribution(_Model):
    """One number per parent or per sequence, real against synthetic: the KS complement of
    the two distributions (1 = same shape), their summaries, and a shared histogram (shares
    of real and synthetic values per bin)."""

    score: Score
    # The synthetic values are the real ones in another order (see `links.copied`).
    copied: bool = False
    real_count: int
    synthetic_count: int
    real_mean: Score
    synthetic_mean: Score
    real_median: Score
    synthetic_median: Score
    real_min: Score
    real_max: Score
    synthetic_min: Score
    synthetic_max: Score
    bin_edges: list[float]
    real: list[float]
    synthetic: list[float]


class Integrity(_Model):
    """Referential integrity of one link in the synthetic data: every child row's key must
    exist in the parent (share 1.0). Missing keys count against it, as orphans do."""

    child_rows: int
    valid_rows: int
    orphan_rows: int
    missing_key_rows: int
    share: Score
    duplicate_parent_keys: int
    orphan_examples: list[str]


class CrossPair(_Model):
    """One parent column against one child column, across the link (children joined to their
    parent): the association in the real and the synthetic data, and 1 - |difference| / 2."""

    parent_column: str
    child_column: str
    real: Score
    synthetic: Score
    score: Score


class LinkResult(_Model):
    parent_table: str
    parent_column: str
    child_table: str
    child_column: str
    integrity: Integrity
    cardinality: Distribution
    correlation_method: str
    correlations: list[CrossPair]
    correlation_score: Score


class Autocorrelation(_Model):
    """Lag-1 autocorrelation of a numeric column within each sequence (sequences of at least
    3 values that vary): the mean over sequences, real and synthetic, and the KS complement
    of the per-sequence values."""

    column: str
    real_mean: Score
    synthetic_mean: Score
    real_sequences: int
    synthetic_sequences: int
    score: Score


class StepFidelity(_Model):
    """Column shapes of the rows at one step of every sequence (step 1 = each first row)."""

    step: int
    real_rows: int
    synthetic_rows: int
    score: Score
    columns: list[ColumnFidelity]


class SequenceResult(_Model):
    table: str
    entity_key: str
    order_column: str
    gap_unit: Literal["days", "steps"]
    score: Score
    length: Distribution
    gaps: Distribution | None
    autocorrelation: list[Autocorrelation]
    steps: list[StepFidelity]
    step_score: Score
    privacy_basis: str
    privacy: PrivacyResult | None
    privacy_note: str | None


class TableResult(_Model):
    """The single-table report of one table (its rows against its own train and holdout
    rows), or why it could not be made."""

    name: str
    train_rows: int
    holdout_rows: int
    synthetic_rows: int
    quality_score: Score
    privacy_verdict: Literal["pass", "warn", "fail"] | None
    report: Report | None
    note: str | None


class MultiTableQuality(_Model):
    """SDMetrics' multi-table QualityReport on the whole database."""

    overall_score: Score
    column_shapes: Score
    column_pair_trends: Score
    cardinality: Score
    intertable_trends: Score


class RelationalReport(_Model):
    alerts: list[str]
    overall_score: Score
    privacy_verdict: Literal["pass", "warn", "fail"]
    sdmetrics: MultiTableQuality | None
    sdmetrics_note: str | None
    tables: list[TableResult]
    links: list[LinkResult]
    sequences: list[SequenceResult]
