"""`synthetica report`'s lines for the checks rows break, from a report as the gateway answers
it: a check is named only where synthetic rows break it, with how many."""

from __future__ import annotations

from typing import Any, get_origin

from synthetica_client._generated.fragments import ReportFields
from synthetica_client.cli.training import _report_rows


def report(**checks: Any) -> ReportFields:
    """A report with no check broken but ``checks`` (GraphQL names): every list empty, every
    optional field null."""
    document: dict[str, Any] = {"id": "r1", "batchId": "b1", "status": "READY", "kind": "FULL"}
    for name, field in ReportFields.model_fields.items():
        alias = field.alias or name
        if alias not in document:
            document[alias] = [] if get_origin(field.annotation) is list else None
    return ReportFields.model_validate(document | checks)


def group(broken: int) -> dict[str, Any]:
    return {
        "key": "id",
        "columns": ["date", "time"],
        "description": "date, time constant within each id",
        "violationCount": broken,
        "realGroups": 312,
        "realRepeatedShare": 0.107,
        "syntheticRepeatedShare": 0.087,
    }


def phone(gap: float | None) -> dict[str, Any]:
    return {
        "column": "phone",
        "sdtype": "phone_number",
        "unlikeShare": 0.0,
        "formGap": gap,
        "example": None,
        "realExample": "(555) 010-1234",
    }


def test_orders_whose_lines_disagree_and_phones_in_another_mix_are_named():
    rows = _report_rows(report(groupConstants=[group(41)], writtenForms=[phone(0.5)]), None)
    assert ["not alike date, time constant within each id", "41 rows"] in rows
    assert ["forms of phone", "50% off the real mix"] in rows


def test_alike_orders_and_phones_in_the_real_mix_are_not_named():
    rows = _report_rows(report(groupConstants=[group(0)], writtenForms=[phone(0.05)]), None)
    named = " ".join(str(row[0]) for row in rows)
    assert "not alike" not in named and "forms of" not in named
    rows = _report_rows(report(writtenForms=[phone(None)]), None)
    assert "forms of" not in " ".join(str(row[0]) for row in rows)
