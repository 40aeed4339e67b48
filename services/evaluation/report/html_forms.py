"""The report's HTML section on how the left-out columns (ids, PII) are written
(`forms.py`)."""

from __future__ import annotations

from services.evaluation.report.html_charts import NO_VALUE, esc, pct, table
from services.evaluation.report.models import Report

# A share of synthetic values written in a form no real value has, from which it is listed.
UNLIKE_SHARE = 0.5
# A gap between the forms' shares (`FormCheck.form_gap`) from which it is listed.
FORM_GAP = 0.2


def forms_section(report: Report) -> str:
    """The columns left out of the scores whose synthetic values are mostly written unlike
    the real ones, or in another mix of the real forms; nothing when none is."""
    unlike = [
        c
        for c in report.forms
        if (c.unlike_share or 0.0) >= UNLIKE_SHARE or (c.form_gap or 0.0) >= FORM_GAP
    ]
    if not unlike:
        return ""
    rows = [
        (esc(c.column), esc(c.sdtype), pct(c.unlike_share), pct(c.form_gap),
         esc(c.example) if c.example else NO_VALUE, esc(c.real_example))
        for c in unlike
    ]  # fmt: skip
    return (
        "<h2>Values written unlike the real ones</h2><p>These columns are left out of the "
        "scores (ids, personal data, made anew), but most of their synthetic values are "
        "written in a form no real value has (check the column's type), or in another mix "
        "of the real forms.</p>"
        + table(["Column", "Type", "Share unlike", "Forms' gap", "Synthetic", "Real"], rows)
    )
