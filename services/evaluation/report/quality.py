"""Quality: SDMetrics' QualityReport and DiagnosticReport on (sampled) raw tables.

SDMetrics 0.32 deprecates its single-table reports in favour of the unified ones, which
take a one-table dict of data and a {"tables": {...}} metadata. Column Pair Trends scores
every pair up to `bounds.MAX_PAIRS`, and a chosen set of that many past it (`bounds`).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sdmetrics.reports import DiagnosticReport, QualityReport
from sdmetrics.reports.multi_table._properties import ColumnPairTrends

from common.timestamps import NS_SECONDS, epoch_seconds, naive_microseconds
from services.evaluation.report.bounds import MAX_PAIRS, Pair, choose_pairs, pair_count
from services.evaluation.report.columns import ColumnPlan
from services.evaluation.report.models import ColumnScore, PairScore, QualityResult

TABLE = "table"
PAIR_TRENDS = "Column Pair Trends"
# The sdtypes SDMetrics scores pairs of (an id is in its metadata but never paired).
PAIRED_SDTYPES = {"numerical", "datetime", "categorical", "boolean"}


class _ChosenPairTrends(ColumnPairTrends):
    """SDMetrics' Column Pair Trends on the given pairs only: its single-table property
    takes ``column_pairs``, which the reports never pass."""

    def __init__(self, pairs: Sequence[Pair]) -> None:
        super().__init__()
        self._pairs = list(pairs)

    def _configure_single_table_property(self, table_name: str) -> None:
        super()._configure_single_table_property(table_name)
        table = self._properties[table_name]
        table._generate_details = functools.partial(
            table._generate_details, column_pairs=self._pairs
        )


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


def quality_scores(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    plan: ColumnPlan,
    watched: Sequence[Pair] = (),
    seed: int = 0,
) -> QualityResult:
    """Run both SDMetrics reports on the columns SDMetrics should see; past ``MAX_PAIRS``
    column pairs, Column Pair Trends scores the ``watched`` pairs and a seeded sample."""
    metadata = sdmetrics_metadata(plan)
    kept = list(metadata["columns"])
    real, synthetic = sdmetrics_dates(real[kept], synthetic[kept], metadata["columns"])
    quality, diagnostic = QualityReport(), DiagnosticReport()
    paired = [
        name for name, spec in metadata["columns"].items() if spec["sdtype"] in PAIRED_SDTYPES
    ]
    pairs = choose_pairs(paired, watched, MAX_PAIRS, seed)
    if pairs is not None:
        quality._properties[PAIR_TRENDS] = _ChosenPairTrends(pairs)
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
        column_pair_trends=quality_properties.get(PAIR_TRENDS),
        diagnostic_score=diagnostic.get_score(),
        data_validity=diagnostic_properties.get("Data Validity"),
        data_structure=diagnostic_properties.get("Data Structure"),
        column_shape_details=_column_scores(quality.get_details("Column Shapes")),
        column_pair_details=_pair_scores(quality.get_details(PAIR_TRENDS)),
        validity_details=_column_scores(diagnostic.get_details("Data Validity")),
        column_pairs_scored=len(pairs) if pairs is not None else pair_count(len(paired)),
        column_pairs_total=pair_count(len(paired)),
    )


def sdmetrics_dates(
    real: pd.DataFrame, synthetic: pd.DataFrame, columns: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Datetimes as SDMetrics is given them: in nanoseconds (it scores a column 0 when the
    real and synthetic timestamps merely differ in precision); a column with a date that
    nanoseconds cannot hold (9999-12-31, 1492) as seconds since 1970, and ``columns`` (its
    metadata, changed here) says numerical."""
    beyond = {
        name
        for name in real.columns
        if any(_beyond_nanoseconds(frame[name]) for frame in (real, synthetic))
    }
    for name in beyond:
        columns[name] = {"sdtype": "numerical"}
    return _sdmetrics_dates(real, beyond), _sdmetrics_dates(synthetic, beyond)


def _beyond_nanoseconds(values: pd.Series) -> bool:
    if not pd.api.types.is_datetime64_any_dtype(values) or values.isna().all():
        return False
    seconds = epoch_seconds(values)
    return bool(seconds.min() < NS_SECONDS[0] or seconds.max() > NS_SECONDS[1])


def _sdmetrics_dates(frame: pd.DataFrame, beyond: set[str]) -> pd.DataFrame:
    frame = frame.copy()
    for name in frame.columns:
        if name in beyond:
            frame[name] = epoch_seconds(frame[name])
        elif pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = naive_microseconds(frame[name]).astype("datetime64[ns]")
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
