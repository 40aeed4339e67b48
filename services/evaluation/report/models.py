"""Options and the report itself: pydantic models that serialise to strict JSON.

Every float goes through `Score`, which turns NaN and infinities into None, so a report
never carries a value that `json.dumps(..., allow_nan=False)` would reject.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from services.evaluation.report.form_models import (
    FormCheck,
    GroupCheck,
    KeyCheck,
    MissingWhenCheck,
)
from services.evaluation.report.range_models import RangeCheck, RangeVerdict


def finite_or_none(value: Any) -> float | None:
    """The value as a plain float, or None where it is missing, NaN or infinite."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


Score = Annotated[float | None, BeforeValidator(finite_or_none)]
Matrix = list[list[Score]]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrivacyThresholds(_Model):
    """Where the privacy verdict turns to warn and to fail.

    dcr_share: share of synthetic rows closer to training than to holdout rows (0.5 is ideal;
    higher is worse). nndr: median nearest/second-nearest distance ratio (lower is worse).
    exact_copies: share of synthetic rows equal to a training row. mia_auc: AUC of the
    distance-threshold membership attack (0.5 = no risk; higher is worse). exact_copies is
    judged on the share of synthetic rows that copy a training row beyond the share of real
    holdout rows that do (tables with few distinct rows repeat rows by nature).
    pii_replay: the largest share, over identifying PII columns, of synthetic values equal to
    a real value.
    """

    dcr_share_warn: float = Field(0.6, ge=0.5, le=1.0)
    dcr_share_fail: float = Field(0.7, ge=0.5, le=1.0)
    nndr_warn: float = Field(0.5, ge=0.0, le=1.0)
    nndr_fail: float = Field(0.2, ge=0.0, le=1.0)
    exact_copies_warn: float = Field(0.01, ge=0.0, le=1.0)
    exact_copies_fail: float = Field(0.05, ge=0.0, le=1.0)
    mia_auc_warn: float = Field(0.6, ge=0.5, le=1.0)
    mia_auc_fail: float = Field(0.7, ge=0.5, le=1.0)
    pii_replay_warn: float = Field(0.01, ge=0.0, le=1.0)
    pii_replay_fail: float = Field(0.05, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _warn_before_fail(self) -> PrivacyThresholds:
        higher_is_worse = ("dcr_share", "exact_copies", "mia_auc", "pii_replay")
        for name in higher_is_worse:
            if getattr(self, f"{name}_warn") > getattr(self, f"{name}_fail"):
                raise ValueError(f"{name}_warn must not exceed {name}_fail")
        if self.nndr_warn < self.nndr_fail:
            raise ValueError("nndr_warn must not be below nndr_fail (a lower NNDR is worse)")
        return self


class ReportOptions(_Model):
    """How to build a report.

    target_column: the ML-utility target; None takes the dataset's target column, else the
    one a data scientist would choose (see `utility.default_target`).
    sample_rows: cap on rows per table for the SDMetrics reports and the charts.
    fidelity_sample_rows: cap on rows per table for KS/TVD, Wasserstein and correlations.
    privacy_sample_rows: cap on rows per table for the privacy metrics (None: all rows, the
    nearest-neighbour search is vectorized and cheap).
    utility_sample_rows: cap on training rows (real and synthetic) for the utility models.
    A wide table's utility and privacy rows are capped lower still (`bounds`).
    """

    target_column: str | None = None
    sample_rows: int | None = Field(10_000, ge=100)
    fidelity_sample_rows: int | None = Field(100_000, ge=100)
    privacy_sample_rows: int | None = Field(None, ge=10)
    utility_sample_rows: int | None = Field(None, ge=100)
    seed: int = 0
    thresholds: PrivacyThresholds = PrivacyThresholds()


class SampleSizes(_Model):
    """Rows given, and rows actually used by each part of the report."""

    train_rows: int
    holdout_rows: int
    synthetic_rows: int
    quality_real_rows: int
    quality_synthetic_rows: int
    fidelity_real_rows: int
    fidelity_synthetic_rows: int
    chart_real_rows: int
    chart_synthetic_rows: int
    utility_real_train_rows: int | None
    utility_synthetic_train_rows: int | None
    utility_holdout_rows: int | None
    privacy_train_rows: int
    privacy_holdout_rows: int
    privacy_synthetic_rows: int
    dcr_share_train_rows: int


class ColumnScore(_Model):
    column: str
    metric: str
    score: Score


class PairScore(_Model):
    column_1: str
    column_2: str
    metric: str
    score: Score
    real_correlation: Score
    synthetic_correlation: Score


class QualityResult(_Model):
    """SDMetrics QualityReport (shapes, pair trends) and DiagnosticReport (validity, structure)."""

    overall_score: Score
    column_shapes: Score
    column_pair_trends: Score
    diagnostic_score: Score
    data_validity: Score
    data_structure: Score
    column_shape_details: list[ColumnScore]
    column_pair_details: list[PairScore]
    validity_details: list[ColumnScore]
    # Column pairs Column Pair Trends scored, of the table's (`bounds`: all up to 2,000);
    # None in reports written before they were counted.
    column_pairs_scored: int | None = None
    column_pairs_total: int | None = None


class ColumnFidelity(_Model):
    column: str
    kind: Literal["numerical", "datetime", "categorical"]
    metric: Literal["KSComplement", "TVComplement"]
    score: Score
    wasserstein: Score
    real_missing_share: Score
    synthetic_missing_share: Score


class CorrelationComparison(_Model):
    method: str
    columns: list[str]
    real: Matrix
    synthetic: Matrix
    abs_diff: Matrix
    mean_abs_diff: Score
    max_abs_diff: Score
    # Columns of the table, of which `columns` are correlated (at most 50, `bounds`); None in
    # reports written before they were counted.
    total_columns: int | None = None


class FidelityResult(_Model):
    mean_score: Score
    wasserstein_basis: str
    columns: list[ColumnFidelity]
    correlation: CorrelationComparison


class UtilityMetric(_Model):
    name: Literal["accuracy", "f1_macro", "roc_auc", "r2"]
    synthetic: Score
    real: Score
    ratio: Score


class UtilityResult(_Model):
    """Train on synthetic, test on the holdout (TSTR) against train on real (TRTR)."""

    target_column: str
    target_reason: str
    task: Literal["classification", "regression"]
    model: str
    classes: list[str]
    metrics: list[UtilityMetric]


class DifferentialPrivacySpent(_Model):
    """What the model's DP-SGD training spent: a guarantee on the model, whatever the
    empirical checks below measure on one batch."""

    epsilon: float
    delta: float


class PrivacyResult(_Model):
    distance: str
    dcr_share_closer_to_train: Score
    dcr_share_ci95: Score
    median_dcr_train: Score
    median_dcr_holdout: Score
    median_nndr: Score
    exact_copy_share: Score
    holdout_copy_share: Score
    exact_copy_excess: Score
    uniqueness_share: Score
    mia_auc: Score
    mia_risk: Score
    # Per PII column: share of synthetic values equal to a real training value; the largest
    # over identifying kinds (names, emails, phones, SSNs, ...) is judged.
    pii_replay: dict[str, Score]
    pii_replay_share: Score
    verdict: Literal["pass", "warn", "fail"]
    reasons: list[str]
    # Set when the batch's model was trained with differential privacy.
    differential_privacy: DifferentialPrivacySpent | None = None


class DcrBaselineProtection(_Model):
    """Our equivalent of SDMetrics' DCRBaselineProtection (same distance, same score)."""

    score: Score
    median_dcr_synthetic: Score
    median_dcr_random: Score


class HistogramChart(_Model):
    kind: Literal["histogram"] = "histogram"
    column: str
    datetime: bool
    bin_edges: list[float]
    real: list[float]
    synthetic: list[float]
    real_missing_share: Score
    synthetic_missing_share: Score


class FrequencyChart(_Model):
    kind: Literal["frequencies"] = "frequencies"
    column: str
    categories: list[str]
    real: list[float]
    synthetic: list[float]


class Heatmap(_Model):
    title: str
    columns: list[str]
    values: Matrix


class Charts(_Model):
    columns: list[Annotated[HistogramChart | FrequencyChart, Field(discriminator="kind")]]
    heatmaps: list[Heatmap]


class RuleCheck(_Model):
    """One of the dataset's rules and the synthetic rows that break it (0 when generation
    applied it; anomalies, made on purpose, may break it)."""

    kind: str
    description: str
    violation_count: int
    real_violation_count: int


class OrderingCheck(_Model):
    """Two date (or numerical) columns whose order every real row keeps (`low ≤ high`, not
    merely equal; see `orderings.py`), and the synthetic rows that break it (rows missing
    either value break nothing)."""

    low: str
    high: str
    description: str
    violation_count: int
    # Real rows with both values, every one in this order.
    real_rows: int


class DependencyCheck(_Model):
    """Columns that one column (``source``), or two together, determine in every real row
    (each real value of it goes with one value of each), or a text column joining other
    columns' values, and the synthetic rows that break it."""

    source: str
    columns: list[str]
    description: str
    # Synthetic rows where a column's value is not the one the row's source value goes with.
    violation_count: int
    # The same for each column of ``columns``, in order.
    column_violation_counts: list[int]
    # Distinct real values of the source.
    source_values: int
    # The source columns: [source] for one column; two for a pair ("origin & dest" →
    # distance), the parts of a text column joining them ("Make = Manufacturer + " " +
    # Model"), whose `source` reads "origin & dest", "Manufacturer + Model". Empty in older
    # reports.
    sources: list[str] = Field(default_factory=list)
    # Synthetic rows whose pair the real rows never had (a route that never flies); they
    # break nothing in `violation_count`.
    unseen_source_count: int = 0


class CombinationCheck(_Model):
    """Two category columns, the combinations of their values that the real rows rule out
    (never seen, though independence expects many), and the rows that have one."""

    first: str
    second: str
    # "day & time".
    description: str
    # The ruled-out combinations, "Sat, Lunch".
    combinations: list[str]
    # Synthetic rows with one of them, and their share of the synthetic rows.
    violation_count: int
    violation_share: float
    # The same among the real holdout rows (the baseline: about none); share None without
    # holdout rows.
    holdout_violation_count: int
    holdout_share: float | None
    # Training rows with a value in both columns.
    real_rows: int


class CombinationVerdict(_Model):
    """The synthetic rows with any combination of the `CombinationCheck`s, against the real
    holdout's: pass at most the holdout's share and 0.1 % more, warn up to 1 %, else fail."""

    rows: int
    share: float
    holdout_rows: int
    holdout_share: float | None
    verdict: Literal["pass", "warn", "fail"]
    # The line a user reads: "fail: 320 of 2,000 synthetic rows (16.0 %) pair values ...".
    summary: str


class TotalCheck(_Model):
    """A number column that is the sum of ``parts`` in every real row with them all, and the
    synthetic rows (with the total and every part) whose parts add up to another number."""

    column: str
    parts: list[str]
    description: str
    violation_count: int
    # Real rows with the total and every part, every one adding up.
    real_rows: int


class LeaderCheck(_Model):
    """A category column naming the largest of ``columns`` in every real row with them all,
    and the synthetic rows (with the category and every number) where it names another."""

    column: str
    columns: list[str]
    description: str
    violation_count: int
    # Real rows with the category and every number, every one naming the largest.
    real_rows: int


class CalendarCheck(_Model):
    """Columns writing a date (month and day) or a time of day (hhmm) in every real row, and
    the synthetic rows whose values are none (31 February, 10:88)."""

    description: str
    columns: list[str]
    violation_count: int
    # Real rows with every one of the columns.
    real_rows: int


class ConditionedComparison(_Model):
    """Which real rows a batch generated with conditions was compared with (`conditioned`)."""

    conditions: dict[str, Any]
    # Real training rows meeting every condition.
    matching_real_rows: int
    min_real_rows: int
    # "matching": the scores compare with those rows; "whole": too few, with the whole table.
    compared_with: str
    # The real rows quality, fidelity and charts compared with.
    real_rows: int
    # Left out of the shape, pair and fidelity scores.
    conditioned_columns: list[str]
    note: str


class Report(_Model):
    sample_sizes: SampleSizes
    columns_evaluated: list[str]
    columns_excluded: list[str]
    quality: QualityResult
    fidelity: FidelityResult
    target_column: str | None
    target_reason: str | None
    utility: UtilityResult | None
    utility_note: str | None
    privacy: PrivacyResult
    charts: Charts
    # The dataset's rules when the report was made; empty when it has none (and in older
    # reports).
    rules: list[RuleCheck] = Field(default_factory=list)
    # Orders between date columns that the real rows always keep and no rule declares
    # (`orderings.py`); empty in older reports.
    orderings: list[OrderingCheck] = Field(default_factory=list)
    # Columns that one column determines in every real row (`dependencies.py`); empty in
    # older reports.
    dependencies: list[DependencyCheck] = Field(default_factory=list)
    # Combinations of two category columns the real rows rule out (`combinations.py`);
    # empty in older reports.
    impossible_combinations: list[CombinationCheck] = Field(default_factory=list)
    # All of them at once, with a verdict; None without such combinations (and in older
    # reports).
    combination_verdict: CombinationVerdict | None = None
    # A number's range within each value of a category column (`ranges.py`), and the verdict
    # on the rows outside any; empty and None without ranges (and in older reports).
    category_ranges: list[RangeCheck] = Field(default_factory=list)
    range_verdict: RangeVerdict | None = None
    # Number columns that are the sum of others in every real row (`totals.py`); empty in
    # older reports.
    totals: list[TotalCheck] = Field(default_factory=list)
    # Category columns naming the largest of some number columns in every real row
    # (`totals.py`); empty in older reports.
    leaders: list[LeaderCheck] = Field(default_factory=list)
    # Dates and times of day written as numbers (`calendar.py`); empty in older reports.
    calendar: list[CalendarCheck] = Field(default_factory=list)
    # Columns missing wherever a category column has one value (`missing.py`); empty in
    # older reports.
    missing_when: list[MissingWhenCheck] = Field(default_factory=list)
    # Names and years no two real rows share (`keys.py`); empty in older reports.
    unique_keys: list[KeyCheck] = Field(default_factory=list)
    # How the left-out columns' synthetic values are written (`forms.py`); empty in older
    # reports.
    forms: list[FormCheck] = Field(default_factory=list)
    # Columns constant within a repeated id's rows (an order's date), and the rows breaking it.
    group_constants: list[GroupCheck] = Field(default_factory=list)
    # A batch generated with conditions: which real rows it was compared with; None without.
    comparison: ConditionedComparison | None = None
