"""Evaluation of several tables and sequences: typed GraphQL objects read from the report
document (services/evaluation/report/relational_models.py writes it)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from gateway.schema.common import FromDocument, each, from_document
from synthetica.evaluation.v1 import evaluation_pb2


@strawberry.enum
class PrivacyVerdict(Enum):
    PASS = evaluation_pb2.PRIVACY_VERDICT_PASS
    WARN = evaluation_pb2.PRIVACY_VERDICT_WARN
    FAIL = evaluation_pb2.PRIVACY_VERDICT_FAIL


def verdict_of(value: Any) -> PrivacyVerdict | None:
    """A report document's verdict ("pass", "warn", "fail") as the enum."""
    return PrivacyVerdict[value.upper()] if isinstance(value, str) and value else None


@strawberry.type(description="One quantity per parent or per sequence, real against synthetic")
class ReportDistribution(FromDocument):
    score: float | None = strawberry.field(
        description="KS complement of the two distributions: 1 = the same shape"
    )
    copied: bool = strawberry.field(
        description="the synthetic values are exactly the real ones in another order "
        "(replayed, not learned; an alert says so)"
    )
    real_count: int
    synthetic_count: int
    real_mean: float | None
    synthetic_mean: float | None
    real_median: float | None
    synthetic_median: float | None
    real_min: float | None
    real_max: float | None
    synthetic_min: float | None
    synthetic_max: float | None
    bin_edges: list[float]
    real: list[float] = strawberry.field(description="share of real values per bin")
    synthetic: list[float] = strawberry.field(description="share of synthetic values per bin")


@strawberry.type(description="Referential integrity of a link in the synthetic data")
class LinkIntegrity:
    share: float | None = strawberry.field(
        description="share of child rows whose key exists in the parent; must be 1"
    )
    child_rows: int
    valid_rows: int
    orphan_rows: int = strawberry.field(description="child rows whose key no parent has")
    missing_key_rows: int = strawberry.field(description="child rows without a key")
    duplicate_parent_keys: int
    orphan_examples: list[str]


@strawberry.type(description="A parent column against a child column, across the link")
class CrossLinkPair(FromDocument):
    parent_column: str
    child_column: str
    real: float | None
    synthetic: float | None
    score: float | None = strawberry.field(description="1 - |real - synthetic| / 2")


@strawberry.type(description="Relationship fidelity of one parent → child link")
class ReportLink:
    parent_table: str
    parent_column: str
    child_table: str
    child_column: str
    integrity: LinkIntegrity
    cardinality_score: float | None = strawberry.field(
        description="KS complement of children per parent, real against synthetic"
    )
    cardinality: ReportDistribution
    correlation_score: float | None = strawberry.field(
        description="mean score of the parent-child column pairs"
    )
    correlations: list[CrossLinkPair]

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> ReportLink:
        cardinality = ReportDistribution.from_document(data.get("cardinality") or {})
        return from_document(
            cls,
            data,
            integrity=from_document(LinkIntegrity, data.get("integrity") or {}),
            cardinality_score=cardinality.score,
            cardinality=cardinality,
            correlations=each(data, "correlations", CrossLinkPair.from_document),
        )


@strawberry.type(description="Lag-1 autocorrelation of a numeric column within sequences")
class SequenceAutocorrelation(FromDocument):
    column: str
    real_mean: float | None
    synthetic_mean: float | None
    real_sequences: int
    synthetic_sequences: int
    score: float | None


@strawberry.type(description="Column shapes of the rows at one step of every sequence")
class SequenceStep:
    step: int
    real_rows: int
    synthetic_rows: int
    score: float | None


@strawberry.type(description="Sequence metrics of one sequential table")
class ReportSequence:
    table: str
    entity_key: str
    order_column: str
    gap_unit: str = strawberry.field(description="days (a time order column) or steps")
    score: float | None = strawberry.field(description="mean of the scores below")
    length: ReportDistribution
    gaps: ReportDistribution | None
    autocorrelation: list[SequenceAutocorrelation]
    steps: list[SequenceStep]
    step_score: float | None
    privacy_verdict: PrivacyVerdict | None = strawberry.field(
        description="the privacy verdict on whole sequences"
    )
    privacy_basis: str
    privacy: JSON | None
    privacy_note: str | None

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> ReportSequence:
        gaps = data.get("gaps")
        privacy = data.get("privacy")
        return from_document(
            cls,
            data,
            gap_unit=data.get("gap_unit", "steps"),
            length=ReportDistribution.from_document(data.get("length") or {}),
            gaps=ReportDistribution.from_document(gaps) if gaps else None,
            autocorrelation=each(data, "autocorrelation", SequenceAutocorrelation.from_document),
            steps=[
                from_document(SequenceStep, item, step=int(item["step"]))
                for item in data.get("steps") or []
            ],
            privacy_verdict=verdict_of(privacy.get("verdict")) if privacy else None,
            privacy_basis=data.get("privacy_basis", ""),
        )


@strawberry.type(description="One table's own report, within a report of several tables")
class ReportTable:
    name: str
    train_rows: int
    holdout_rows: int
    synthetic_rows: int
    quality_score: float | None
    diagnostic_score: float | None
    fidelity_score: float | None
    privacy_verdict: PrivacyVerdict | None
    note: str | None = strawberry.field(description="why the table was not evaluated")
    report: JSON | None = strawberry.field(
        description="the table's whole report, as a single-table report's JSON"
    )

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> ReportTable:
        report = data.get("report") or None
        quality = (report or {}).get("quality") or {}
        fidelity = (report or {}).get("fidelity") or {}
        return from_document(
            cls,
            data,
            diagnostic_score=quality.get("diagnostic_score"),
            fidelity_score=fidelity.get("mean_score"),
            privacy_verdict=verdict_of(data.get("privacy_verdict")),
            report=report,
        )


@strawberry.type(description="SDMetrics' multi-table QualityReport on the whole database")
class MultiTableQuality:
    overall_score: float | None
    column_shapes: float | None
    column_pair_trends: float | None
    cardinality: float | None
    intertable_trends: float | None

    @classmethod
    def from_document(cls, data: dict[str, Any] | None) -> MultiTableQuality | None:
        if not data:
            return None
        return from_document(cls, data)
