"""A job's request is stored as JSON and read back as its type, with the rows queued before
the types existed (and by a newer API role) still readable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.training.payloads import GeneratePayload, TemplatePayload


def test_a_generate_request_reads_back_as_stored():
    payload = GeneratePayload(
        count=100, seed=7, conditions={"sex": "Male"}, anomaly_ratio=0.02, mark_column="odd"
    )
    again = GeneratePayload.model_validate(payload.to_json())
    assert again == payload
    assert again.anomaly_column == "odd"


def test_a_generate_row_stored_as_a_dict_before_the_type_still_runs():
    stored = {
        "count": 10,
        "seed": 1,
        "conditions": {},
        "anomaly_ratio": 0.0,
        "mark_column": "",
        "enforce_bounds": True,
        "added_by_a_newer_release": 1,
    }
    payload = GeneratePayload.model_validate(stored)
    assert (payload.count, payload.enforce_bounds) == (10, True)
    # Unmarked anomalies land in the engine's default column.
    assert payload.anomaly_column == "is_anomaly"


def test_a_template_request_keeps_the_schema_under_its_stored_name():
    stored = {"schema": {"tables": []}, "count": 5, "seed": 2, "locale": "de_DE", "chunk_rows": 9}
    payload = TemplatePayload.model_validate(stored)
    assert payload.spec == {"tables": []} and payload.builtin is None
    assert payload.to_json() == stored


def test_a_request_without_its_counts_is_refused():
    with pytest.raises(ValidationError):
        GeneratePayload.model_validate({"seed": 1})
