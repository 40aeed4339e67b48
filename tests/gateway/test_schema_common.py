"""How the gateway's GraphQL objects read their protos (gateway.schema.common.from_message)
and a report's JSON document (from_document)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.schema.common import from_document, from_message
from gateway.schema.evaluation.relational import (
    LinkIntegrity,
    ReportDistribution,
    ReportSequence,
)
from gateway.schema.training.types import Batch, Job, JobProgress, TrainParams
from synthetica.training.v1 import training_pb2


def test_fields_of_the_same_name_are_read_as_they_are() -> None:
    progress = from_message(
        JobProgress,
        training_pb2.JobProgress(percent=40.0, epoch=2, total_epochs=5, loss=0.5),
    )

    assert progress == JobProgress(
        percent=40.0, epoch=2, total_epochs=5, loss=0.5, eta_seconds=None, message=""
    )


def test_an_unset_optional_field_is_null_and_a_set_zero_is_zero() -> None:
    params = from_message(
        TrainParams,
        training_pb2.TrainParams(seed=0),
        options={},
        differential_privacy=None,
    )

    assert params.seed == 0
    assert params.epochs is None


def test_timestamps_are_aware_datetimes_and_repeated_fields_lists() -> None:
    batch = training_pb2.Batch(id="b1", tables=["users", "orders"])
    batch.created_at.FromDatetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))

    read = Batch.from_proto(batch)

    assert read.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert read.expires_at is None
    assert read.tables == ["users", "orders"]


def test_an_enum_or_a_nested_message_must_be_given() -> None:
    with pytest.raises(TypeError, match=r"Job\.kind must be given"):
        from_message(Job, training_pb2.Job(id="j1"))


def test_a_field_the_message_lacks_must_be_given() -> None:
    with pytest.raises(TypeError, match=r"Batch\.dataset_id must be given: the Job has no"):
        from_message(Batch, training_pb2.Job(id="j1"))


def test_a_document_is_read_by_each_field_s_type() -> None:
    integrity = from_document(
        LinkIntegrity,
        {"share": 0.5, "child_rows": 4, "orphan_rows": "2", "orphan_examples": [7]},
    )

    assert integrity == LinkIntegrity(
        share=0.5,
        child_rows=4,
        valid_rows=0,
        orphan_rows=2,
        missing_key_rows=0,
        duplicate_parent_keys=0,
        orphan_examples=["7"],
    )


def test_a_document_s_missing_parts_are_null_zero_false_or_empty() -> None:
    distribution = ReportDistribution.from_document({"bin_edges": [0, 1]})

    assert distribution.score is None
    assert distribution.copied is False
    assert distribution.real_count == 0
    assert distribution.bin_edges == [0.0, 1.0]
    assert distribution.real == []


def test_a_document_without_a_required_text_fails_and_an_object_must_be_given() -> None:
    with pytest.raises(KeyError, match="table"):
        from_document(ReportSequence, {"entity_key": "id", "order_column": "t"})
    with pytest.raises(TypeError, match=r"ReportSequence\.length must be given"):
        from_document(
            ReportSequence,
            {
                "table": "t",
                "entity_key": "id",
                "order_column": "t",
                "gap_unit": "steps",
            },
        )
