"""How the gateway's GraphQL objects read their protos (gateway.schema.common.from_message)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.schema.common import from_message
from gateway.schema.training.types import Batch, Job, JobProgress, TrainParams
from synthetica.training.v1 import training_pb2


def test_fields_of_the_same_name_are_read_as_they_are() -> None:
    progress = from_message(
        JobProgress, training_pb2.JobProgress(percent=40.0, epoch=2, total_epochs=5, loss=0.5)
    )

    assert progress == JobProgress(
        percent=40.0, epoch=2, total_epochs=5, loss=0.5, eta_seconds=None, message=""
    )


def test_an_unset_optional_field_is_null_and_a_set_zero_is_zero() -> None:
    params = from_message(
        TrainParams, training_pb2.TrainParams(seed=0), options={}, differential_privacy=None
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
