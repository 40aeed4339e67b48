"""Event types, derived from the contract: an event's type is the oneof field of its body
(``job_updated`` -> ``job.updated``), so a body can never travel under the wrong type.

The type is also the NATS subject's tail (``synthetica.events.job.updated``) and the name
webhook subscribers filter on, so its spelling is part of the public contract.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2


class EventType(StrEnum):
    USER_REGISTERED = "user.registered"
    USER_DISABLED = "user.disabled"
    API_KEY_REVOKED = "api_key.revoked"
    DATASET_UPLOADED = "dataset.uploaded"
    DATASET_FAILED = "dataset.failed"
    DATASET_DELETED = "dataset.deleted"
    JOB_UPDATED = "job.updated"
    MODEL_TRAINED = "model.trained"
    MODEL_FAILED = "model.failed"
    BATCH_GENERATED = "batch.generated"
    EVALUATION_COMPLETED = "evaluation.completed"
    BATCH_RELEASED = "batch.released"
    JOB_REVIEWED = "job.reviewed"
    JOB_APPROVAL_REQUESTED = "job_approval.requested"
    DATASET_UPDATED = "dataset.updated"
    PROJECT_UPDATED = "project.updated"
    PROJECT_DELETED = "project.deleted"
    PROJECT_MEMBER_ADDED = "project_member.added"
    PROJECT_MEMBER_REMOVED = "project_member.removed"
    PROJECT_MEMBER_ROLE_CHANGED = "project_member_role.changed"


def type_of_field(field_name: str) -> EventType:
    """``api_key_revoked`` -> ``api_key.revoked``: the last word is the verb."""
    entity, _, verb = field_name.rpartition("_")
    return EventType(f"{entity}.{verb}")


# The oneof field that carries each body message, by the message's full proto name.
_BODY_FIELDS = {
    field.message_type.full_name: field.name
    for field in events_pb2.Event.DESCRIPTOR.oneofs_by_name["body"].fields
}


def new_event(body: Message, *, user_id: str = "", project_id: str = "") -> events_pb2.Event:
    """``new_event(UserRegistered(...), user_id=...)``: type and oneof field follow from the
    body's message type."""
    field = _BODY_FIELDS.get(body.DESCRIPTOR.full_name)
    if field is None:
        raise TypeError(f"{body.DESCRIPTOR.full_name} is not an event body")
    occurred = Timestamp()
    occurred.FromDatetime(datetime.now(UTC))
    return events_pb2.Event(
        id=str(uuid.uuid4()),
        type=type_of_field(field),
        occurred_at=occurred,
        user_id=user_id,
        project_id=project_id,
        **{field: body},
    )


def type_of(event: events_pb2.Event) -> EventType | None:
    """The type an event's body says it has (None for a body this build does not know)."""
    field = event.WhichOneof("body")
    return None if field is None else type_of_field(field)


def job_update(body: events_pb2.JobUpdated) -> events_pb2.JobUpdated:
    """The one adapter of job.updated: the body with job_kind, job_status and progress set,
    filled from the older string and flat fields when an older producer wrote it (the EVENTS
    stream keeps events for days, so a consumer replays such events after an upgrade).
    Consumers read only the enum and message fields of what this returns."""
    if body.job_status != training_pb2.JOB_STATUS_UNSPECIFIED:
        return body
    update = events_pb2.JobUpdated()
    update.CopyFrom(body)
    update.job_status = _legacy(training_pb2.JobStatus, "JOB_STATUS_", body.status)
    update.job_kind = _legacy(training_pb2.JobKind, "JOB_KIND_", body.kind)
    update.progress.CopyFrom(
        training_pb2.JobProgress(
            percent=body.percent,
            epoch=body.epoch,
            total_epochs=body.total_epochs,
            loss=body.loss if body.HasField("loss") else None,
            eta_seconds=body.eta_seconds if body.HasField("eta_seconds") else None,
            message=body.message,
        )
    )
    return update


def _legacy(proto_enum: EnumTypeWrapper, prefix: str, word: str) -> int:
    """ "running" -> JOB_STATUS_RUNNING; 0 (UNSPECIFIED) for an empty or unknown word."""
    try:
        return proto_enum.Value(prefix + word.upper())
    except ValueError:
        return 0


def job_kind_word(update: events_pb2.JobUpdated) -> str:
    """ "train", "generate" or "template" (for messages a person reads)."""
    return training_pb2.JobKind.Name(update.job_kind).removeprefix("JOB_KIND_").lower()
