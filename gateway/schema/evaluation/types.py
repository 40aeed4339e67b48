"""Evaluation: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any

import grpc
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway import reports
from gateway.context import Context
from gateway.errors import from_rpc_error
from gateway.schema.common import (
    FromDocument,
    caller,
    each,
    from_document,
    from_message,
    from_proto_enum,
)
from gateway.schema.evaluation.checks import (
    ReportCategoryRange,
    ReportCombinationVerdict,
    ReportGroupConstant,
    ReportImpossibleCombination,
    ReportMissingWhen,
    ReportRangeVerdict,
    ReportUniqueKey,
    ReportWrittenForm,
)
from gateway.schema.evaluation.relational import (
    MultiTableQuality,
    PrivacyVerdict,
    ReportLink,
    ReportSequence,
    ReportTable,
)
from synthetica.evaluation.v1 import evaluation_pb2


@strawberry.enum
class ReportStatus(Enum):
    PENDING = evaluation_pb2.REPORT_STATUS_PENDING
    RUNNING = evaluation_pb2.REPORT_STATUS_RUNNING
    READY = evaluation_pb2.REPORT_STATUS_READY
    FAILED = evaluation_pb2.REPORT_STATUS_FAILED


@strawberry.enum
class ReportKind(Enum):
    FULL = evaluation_pb2.REPORT_KIND_FULL
    CONFORMANCE = evaluation_pb2.REPORT_KIND_CONFORMANCE


def privacy_verdict(value: int) -> PrivacyVerdict | None:
    return from_proto_enum(PrivacyVerdict, value)


@strawberry.type(description="a rule of the dataset, checked on the synthetic rows")
class ReportRule:
    kind: str = strawberry.field(description="inequality, range, positive, ... (as RuleKind)")
    description: str
    violation_count: int = strawberry.field(description="synthetic rows that break it")
    real_violation_count: int = strawberry.field(description="real rows that break it")

    @classmethod
    def from_document(cls, rule: dict[str, Any]) -> ReportRule:
        return cls(
            kind=str(rule["kind"]),
            description=str(rule["description"]),
            violation_count=int(rule["violation_count"]),
            real_violation_count=int(rule.get("real_violation_count", 0)),
        )


@strawberry.type(
    description="an order every real row keeps (a date before another, a day's low below its "
    "high) and no rule declares, checked on the synthetic rows"
)
class ReportOrdering(FromDocument):
    low: str
    high: str
    description: str = strawberry.field(description="low ≤ high")
    violation_count: int = strawberry.field(description="synthetic rows out of this order")
    real_rows: int = strawberry.field(description="real rows with both values, all in order")


@strawberry.type(
    description="columns that one column determines in every real row (a country's continent "
    "and codes), checked on the synthetic rows"
)
class ReportDependency(FromDocument):
    source: str = strawberry.field(description="the column whose value decides the others")
    columns: list[str] = strawberry.field(description="the columns it determines")
    description: str = strawberry.field(description="source → columns")
    violation_count: int = strawberry.field(
        description="synthetic rows where one of the columns is not the value the source goes with"
    )
    column_violation_counts: list[int] = strawberry.field(
        description="the same for each of `columns`, in order"
    )
    source_values: int = strawberry.field(description="distinct real values of the source")
    sources: list[str] = strawberry.field(
        default_factory=list,
        description="the source columns: one, two that decide together (origin and dest → "
        "distance), or the parts a text column joins (Make = Manufacturer + ' ' + Model)",
    )
    unseen_source_count: int = strawberry.field(
        default=0,
        description="synthetic rows whose two sources make a pair the real rows never had "
        "(a route that never flies), not counted in violationCount",
    )


@strawberry.type(
    description="a number column that is the sum of others in every real row (an election's "
    "total of each candidate's votes), another exact formula of them (a decimal date of "
    "a year and a month) or a function of one (a wage's logarithm), checked on the synthetic rows"
)
class ReportTotal(FromDocument):
    column: str = strawberry.field(description="the total")
    parts: list[str] = strawberry.field(
        description="the columns it is the sum, the formula or the function of"
    )
    description: str = strawberry.field(
        description="column = its sum, formula or function ('total = Coderre + Bergeron + "
        "Joly', 'date = year + month/12 - 1/12', 'logwage = ln(wage)')"
    )
    violation_count: int = strawberry.field(
        description="synthetic rows with the total and every part whose parts add up to "
        "another number"
    )
    real_rows: int = strawberry.field(
        description="real rows with the total and every part, all adding up"
    )


@strawberry.type(
    description="a category column that names the largest of some number columns in every "
    "real row (an election's winner among the candidates' votes), checked on the synthetic rows"
)
class ReportLeader(FromDocument):
    column: str = strawberry.field(description="the category column naming the largest")
    columns: list[str] = strawberry.field(description="the number columns it names one of")
    description: str = strawberry.field(
        description="column = the largest of columns ('winner = the largest of Coderre, "
        "Bergeron, Joly')"
    )
    violation_count: int = strawberry.field(
        description="synthetic rows with the category and every number where it names another"
    )
    real_rows: int = strawberry.field(
        description="real rows with the category and every number, all naming the largest"
    )


@strawberry.type(
    description="columns writing a date (year, month and day) or a time of day (hhmm: 517 is "
    "05:17) in every real row, checked on the synthetic rows"
)
class ReportCalendar(FromDocument):
    description: str = strawberry.field(
        description="the columns and what they make ('year, month, day make a date', "
        "'dep_time is a time of day (hhmm)')"
    )
    columns: list[str] = strawberry.field(description="the columns writing the date or time")
    violation_count: int = strawberry.field(
        description="synthetic rows whose values are no date (31 February) or no time (10:88)"
    )
    real_rows: int = strawberry.field(
        description="real rows with every one of the columns, all a real date or time"
    )


@strawberry.type(description="which real rows a batch generated with conditions was compared with")
class ReportComparison:
    conditions: JSON = strawberry.field(description="the conditions the batch was generated with")
    matching_real_rows: int = strawberry.field(description="real training rows meeting them all")
    min_real_rows: int = strawberry.field(description="the fewest to compare with them alone")
    compared_with: str = strawberry.field(
        description="'matching': quality, fidelity and charts compare with those rows; 'whole': "
        "too few meet them, so with the whole table (the scores are no measure of the batch)"
    )
    real_rows: int = strawberry.field(description="the real rows the scores compared with")
    conditioned_columns: list[str] = strawberry.field(description="left out of the scores")
    note: str = strawberry.field(description="what the report compared, in one sentence")

    @classmethod
    def from_document(cls, document: dict[str, Any] | None) -> ReportComparison | None:
        if not document:
            return None
        return from_document(cls, document, conditions=document.get("conditions"))


# The parts of a report that the report document holds as they are.
_DOCUMENT_PARTS = (
    "sample_sizes",
    "quality",
    "fidelity",
    "utility",
    "utility_note",
    "privacy",
    "charts",
    "conformance",
)


@strawberry.type
class Report:
    id: strawberry.ID
    batch_id: strawberry.ID
    status: ReportStatus
    kind: ReportKind
    trigger: str = strawberry.field(description="batch.generated (automatic) or request")
    quality_score: float | None = strawberry.field(
        description="SDMetrics Quality score (0..1); the conformance score for template batches"
    )
    privacy_verdict: PrivacyVerdict | None
    target_column: str | None = strawberry.field(description="the ML-utility target asked for")
    error: str | None
    created_at: datetime | None
    completed_at: datetime | None
    sample_sizes: JSON | None = strawberry.field(description="rows given and rows each part used")
    quality: JSON | None
    fidelity: JSON | None
    utility: JSON | None
    utility_note: str | None
    privacy: JSON | None
    charts: JSON | None
    conformance: JSON | None
    alerts: list[str] = strawberry.field(
        description="problems a user must not miss (broken referential integrity first); "
        "reports of several tables or sequences only"
    )
    tables: list[ReportTable] = strawberry.field(
        description="per-table reports of a dataset with several tables or sequences; "
        "empty for a single table"
    )
    links: list[ReportLink] = strawberry.field(
        description="relationship fidelity of each parent → child link"
    )
    sequences: list[ReportSequence] = strawberry.field(
        description="sequence metrics of each sequential table"
    )
    multi_table_quality: MultiTableQuality | None = strawberry.field(
        description="SDMetrics' multi-table QualityReport, where tables are linked"
    )
    rules: list[ReportRule] = strawberry.field(
        description="each rule of the dataset with the synthetic rows that break it (0 when "
        "generation applied it); empty without rules"
    )
    orderings: list[ReportOrdering] = strawberry.field(
        description="orders every real row keeps that no rule declares, with the synthetic "
        "rows breaking each (declare one as an INEQUALITY rule and generation keeps it)"
    )
    dependencies: list[ReportDependency] = strawberry.field(
        description="columns one column determines in every real row, with the synthetic rows "
        "breaking each (models trained now keep them; a FIXED_COMBINATIONS rule keeps them "
        "for older ones)"
    )
    impossible_combinations: list[ReportImpossibleCombination] = strawberry.field(
        description="combinations of two category columns the real rows rule out, with the "
        "synthetic rows that have one (models trained now never generate them)"
    )
    totals: list[ReportTotal] = strawberry.field(
        description="number columns that are the sum of others in every real row, with the "
        "synthetic rows that do not add up (models trained now set each total from its parts)"
    )
    leaders: list[ReportLeader] = strawberry.field(
        description="category columns that name the largest of some number columns in every "
        "real row, with the synthetic rows that name another (models trained now set them "
        "from the numbers)"
    )
    calendar: list[ReportCalendar] = strawberry.field(
        description="columns writing a date or a time of day in every real row, with the "
        "synthetic rows that are none, 31 February or 10:88 (models trained now write real "
        "dates and times)"
    )
    missing_when: list[ReportMissingWhen] = strawberry.field(
        description="columns missing in every real row with one value of a category column, "
        "with the synthetic rows that have them there (models trained now keep them missing)"
    )
    unique_keys: list[ReportUniqueKey] = strawberry.field(
        description="names and years (or dates) no two real rows share, with the synthetic "
        "rows repeating one (models trained now keep them unique); empty on reports written "
        "before the check"
    )
    group_constants: list[ReportGroupConstant] = strawberry.field(
        description="columns with one value in every real group of rows sharing an id (an "
        "order's date on each of its lines), with the synthetic rows breaking it (models "
        "trained now keep them alike); empty on reports written before the check"
    )
    written_forms: list[ReportWrittenForm] = strawberry.field(
        description="ids and PII columns (left out of the scores) with the share of synthetic "
        "values written in a form no real value has; empty on reports written before the check"
    )
    combination_verdict: ReportCombinationVerdict | None = strawberry.field(
        description="pass, warn or fail on the rows with combinations the real rows rule out; "
        "null on reports written before the check"
    )
    category_ranges: list[ReportCategoryRange] = strawberry.field(
        description="the range a number keeps within each value of a category column in the "
        "real rows (no doctorate under 24), with the synthetic rows outside it, those with the "
        "most first (models trained now keep numbers within)"
    )
    range_verdict: ReportRangeVerdict | None = strawberry.field(
        description="pass, warn or fail on the rows with a number outside its category's real "
        "range; null where the real rows bound none, and on reports written before the check"
    )
    comparison: ReportComparison | None = strawberry.field(
        description="a batch generated with conditions: which real rows it was compared with"
    )
    html_url: str | None = strawberry.field(
        description="the report as one HTML page with its charts: a signed link, valid an hour"
    )
    json_url: str | None = strawberry.field(description="the report as JSON: a signed link")

    @classmethod
    def from_proto(cls, report: evaluation_pb2.Report, links: reports.Links | None) -> Report:
        document: dict[str, Any] = json.loads(report.report_json) if report.report_json else {}
        return from_message(
            cls,
            report,
            status=from_proto_enum(ReportStatus, report.status) or ReportStatus.PENDING,
            kind=from_proto_enum(ReportKind, report.kind) or ReportKind.FULL,
            privacy_verdict=privacy_verdict(report.privacy_verdict),
            target_column=report.options.target_column or None,
            error=report.error or None,
            **{part: document.get(part) for part in _DOCUMENT_PARTS},
            alerts=[str(alert) for alert in document.get("alerts") or []],
            tables=each(document, "tables", ReportTable.from_document),
            links=each(document, "links", ReportLink.from_document),
            sequences=each(document, "sequences", ReportSequence.from_document),
            multi_table_quality=MultiTableQuality.from_document(document.get("sdmetrics")),
            rules=each(document, "rules", ReportRule.from_document),
            orderings=each(document, "orderings", ReportOrdering.from_document),
            dependencies=each(document, "dependencies", ReportDependency.from_document),
            impossible_combinations=each(
                document, "impossible_combinations", ReportImpossibleCombination.from_document
            ),
            combination_verdict=ReportCombinationVerdict.from_document(
                document.get("combination_verdict")
            ),
            category_ranges=each(document, "category_ranges", ReportCategoryRange.from_document),
            range_verdict=ReportRangeVerdict.from_document(document.get("range_verdict")),
            totals=each(document, "totals", ReportTotal.from_document),
            leaders=each(document, "leaders", ReportLeader.from_document),
            calendar=each(document, "calendar", ReportCalendar.from_document),
            missing_when=each(document, "missing_when", ReportMissingWhen.from_document),
            unique_keys=each(document, "unique_keys", ReportUniqueKey.from_document),
            group_constants=each(document, "group_constants", ReportGroupConstant.from_document),
            written_forms=each(document, "forms", ReportWrittenForm.from_document),
            comparison=ReportComparison.from_document(document.get("comparison")),
            html_url=links.html if links else None,
            json_url=links.json if links else None,
        )


@strawberry.input
class EvaluateOptionsInput:
    target_column: str | None = strawberry.field(
        default=None,
        description="ML-utility target; default: the dataset's targetColumn, else a label-like "
        "column, else the last class column or number (the report says why)",
    )
    sample_rows: int | None = strawberry.field(
        default=None, description="rows per table for the quality report and the charts"
    )
    seed: int | None = None


async def _links(info: Info[Context, None], report: evaluation_pb2.Report) -> reports.Links | None:
    """Signed download links for the caller, once the report is ready."""
    if report.status != evaluation_pb2.REPORT_STATUS_READY:
        return None
    user_id, role = await caller(info)
    return reports.signed_links(
        batch_id=report.batch_id, user_id=user_id, role=role, settings=info.context.settings
    )


async def to_graphql(info: Info[Context, None], report: evaluation_pb2.Report) -> Report:
    return Report.from_proto(report, await _links(info, report))


# Reports fetched during one request, kept on its context (gone with it), so
# qualityScore, privacyVerdict and report of the same batch cost one call.
_CACHE = "_evaluation_reports"


async def fetch_report(info: Info[Context, None], batch_id: str) -> evaluation_pb2.Report | None:
    """The batch's newest report, None while it has none."""
    cache: dict[str, evaluation_pb2.Report | None] = vars(info.context).setdefault(_CACHE, {})
    if batch_id not in cache:
        try:
            response = await info.context.clients.evaluation.GetReport(
                evaluation_pb2.GetReportRequest(batch_id=batch_id),
                metadata=info.context.user_metadata,
            )
            cache[batch_id] = response.report
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise from_rpc_error(exc) from exc
            cache[batch_id] = None
    return cache[batch_id]


async def report_for_batch(info: Info[Context, None], batch_id: str) -> Report | None:
    """For Batch.report: the newest report, None while the batch has none."""
    report = await fetch_report(info, batch_id)
    return None if report is None else await to_graphql(info, report)


async def quality_score_for_batch(info: Info[Context, None], batch_id: str) -> float | None:
    """For Batch.qualityScore: the newest ready report's score."""
    report = await fetch_report(info, batch_id)
    if report is None or not report.HasField("quality_score"):
        return None
    return report.quality_score


async def privacy_verdict_for_batch(
    info: Info[Context, None], batch_id: str
) -> PrivacyVerdict | None:
    """For Batch.privacyVerdict."""
    report = await fetch_report(info, batch_id)
    return None if report is None else privacy_verdict(report.privacy_verdict)
