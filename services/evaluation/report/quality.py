"""Quality: SDMetrics' QualityReport and DiagnosticReport on (sampled) raw tables.

SDMetrics 0.32 deprecates its single-table reports in favour of the unified ones, which
take a one-table dict of data and a {"tables": {...}} metadata.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
from sdmetrics.reports import DiagnosticReport, QualityReport

from services.evaluation.report.columns import ColumnPlan
from services.evaluation.report.models import ColumnScore, PairScore, QualityResult

TABLE = "table"


def sdmetrics_metadata(plan: ColumnPlan) -> dict[str, Any]:
    """SDMetrics single-table metadata: measured columns and ids; PII columns are left out
    (their values are fake by design, so their shapes mean nothing)."""
    columns: dict[str, Any] = {}
    for name, sdtype in plan.sdtypes.items():
        if sdtype == "id":
            columns[name] = {"sdtype": "id"}
        elif plan.kind(name) is not None:
            columns[name] = {"sdtype": sdtype}
            if sdtype == "datetime" and plan.datetime_formats[name]:
                columns[name]["datetime_format"] = plan.datetime_formats[name]
    metadata: dict[str, Any] = {"columns": columns}
    if plan.primary_key in columns and columns[plan.primary_key]["sdtype"] == "id":
        metadata["primary_key"] = plan.primary_key
    return metadata


def quality_scores(real: pd.DataFrame, synthetic: pd.DataFrame, plan: ColumnPlan) -> QualityResult:
    """Run both SDMetrics reports on the columns SDMetrics should see."""
    metadata = sdmetrics_metadata(plan)
    kept = list(metadata["columns"])
    real, synthetic = nanosecond_dates(real[kept]), nanosecond_dates(synthetic[kept])
    quality, diagnostic = QualityReport(), DiagnosticReport()
    # SDMetrics warns about every constant column and every small category; the report
    # already states what it measured, so the noise would only clutter service logs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for report in (quality, diagnostic):
            report.generate(
                {TABLE: real}, {TABLE: synthetic}, {"tables": {TABLE: metadata}}, verbose=False
            )
    quality_properties = _property_scores(quality)
    diagnostic_properties = _property_scores(diagnostic)
    return QualityResult(
        overall_score=quality.get_score(),
        column_shapes=quality_properties.get("Column Shapes"),
        column_pair_trends=quality_properties.get("Column Pair Trends"),
        diagnostic_score=diagnostic.get_score(),
        data_validity=diagnostic_properties.get("Data Validity"),
        data_structure=diagnostic_properties.get("Data Structure"),
        column_shape_details=_column_scores(quality.get_details("Column Shapes")),
        column_pair_details=_pair_scores(quality.get_details("Column Pair Trends")),
        validity_details=_column_scores(diagnostic.get_details("Data Validity")),
    )


def nanosecond_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes in nanoseconds: SDMetrics scores a column 0 when the real and synthetic
    timestamps merely differ in precision."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            stamps = frame[name]
            if getattr(stamps.dt, "tz", None) is not None:
                stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
            frame[name] = stamps.astype("datetime64[ns]")
    return frame


def _property_scores(report: QualityReport | DiagnosticReport) -> dict[str, float]:
    properties = report.get_properties()
    return dict(zip(properties["Property"], properties["Score"], strict=True))


def _column_scores(details: pd.DataFrame) -> list[ColumnScore]:
    return [
        ColumnScore(column=str(row["Column"]), metric=str(row["Metric"]), score=row["Score"])
        for _, row in details.iterrows()
    ]


def _pair_scores(details: pd.DataFrame) -> list[PairScore]:
    return [
        PairScore(
            column_1=str(row["Column 1"]),
            column_2=str(row["Column 2"]),
            metric=str(row["Metric"]),
            score=row["Score"],
            real_correlation=row.get("Real Correlation"),
            synthetic_correlation=row.get("Synthetic Correlation"),
        )
        for _, row in details.iterrows()
    ]
