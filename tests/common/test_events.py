"""An event's type follows from its body: the contract cannot carry a body under another type."""

from __future__ import annotations

import pytest

from common.events import EventType, job_update, new_event, type_of
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2


def test_every_body_of_the_contract_has_its_type():
    fields = events_pb2.Event.DESCRIPTOR.oneofs_by_name["body"].fields
    bodies = {f.name: getattr(events_pb2, f.message_type.name)() for f in fields}
    types = {name: new_event(body).type for name, body in bodies.items()}
    assert sorted(types.values()) == sorted(EventType)
    assert types["job_updated"] == "job.updated"
    assert types["api_key_revoked"] == "api_key.revoked"


def test_new_event_sets_the_oneof_of_its_body():
    body = events_pb2.DatasetDeleted(dataset_id="d-1")
    event = new_event(body, user_id="u-1", project_id="p-1")
    assert event.WhichOneof("body") == "dataset_deleted"
    assert event.dataset_deleted == body
    assert (event.type, event.user_id, event.project_id) == ("dataset.deleted", "u-1", "p-1")
    assert type_of(event) == EventType.DATASET_DELETED
    assert event.id and event.occurred_at.seconds > 0


def test_a_message_that_is_not_an_event_body_is_refused():
    with pytest.raises(TypeError, match="not an event body"):
        new_event(training_pb2.Job(id="j"))


def test_job_update_reads_an_older_producers_strings_as_enums():
    legacy = events_pb2.JobUpdated(
        job_id="j", kind="train", status="running", percent=40.0, epoch=2, loss=0.5, message="m"
    )
    update = job_update(legacy)
    assert update.job_kind == training_pb2.JOB_KIND_TRAIN
    assert update.job_status == training_pb2.JOB_STATUS_RUNNING
    assert (update.progress.percent, update.progress.epoch, update.progress.message) == (
        40.0,
        2,
        "m",
    )
    assert update.progress.loss == 0.5 and not update.progress.HasField("eta_seconds")


def test_job_update_prefers_the_enums_when_a_producer_sets_them():
    current = events_pb2.JobUpdated(
        job_id="j",
        job_status=training_pb2.JOB_STATUS_FAILED,
        progress=training_pb2.JobProgress(percent=10.0),
        status="running",
    )
    assert job_update(current).job_status == training_pb2.JOB_STATUS_FAILED
    assert job_update(current).progress.percent == 10.0
