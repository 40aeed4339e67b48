"""The evaluation report core: pure functions from tables to a JSON/HTML report.

No gRPC, database or NATS here; the evaluation service wires this in.
"""

from services.evaluation.report.builder import Progress, build_report
from services.evaluation.report.conformance import ConformanceReport, schema_conformance
from services.evaluation.report.errors import ReportError
from services.evaluation.report.html import render_html
from services.evaluation.report.models import (
    DcrBaselineProtection,
    PrivacyThresholds,
    Report,
    ReportOptions,
)
from services.evaluation.report.privacy import dcr_baseline_protection

__all__ = [
    "ConformanceReport",
    "DcrBaselineProtection",
    "PrivacyThresholds",
    "Progress",
    "Report",
    "ReportError",
    "ReportOptions",
    "build_report",
    "dcr_baseline_protection",
    "render_html",
    "schema_conformance",
]
