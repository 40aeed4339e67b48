"""What a user is told about each event: pure functions from an Event to notification drafts.

Each draft carries a dedupe key: the event id for one-off facts, and the job and its phase for
job updates, so the many ``running`` updates of a job make one "training started" notification.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from common.enums import verdict_from_proto
from common.events import EventType, job_kind_word, job_update
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

# Event types a webhook may subscribe to (everything the EVENTS stream carries).
EVENT_TYPES = frozenset(
    {
        EventType.USER_REGISTERED,
        EventType.DATASET_UPLOADED,
        EventType.DATASET_FAILED,
        EventType.DATASET_DELETED,
        EventType.JOB_UPDATED,
        EventType.MODEL_TRAINED,
        EventType.MODEL_FAILED,
        EventType.BATCH_GENERATED,
        EventType.EVALUATION_COMPLETED,
        EventType.BATCH_RELEASED,
        EventType.JOB_REVIEWED,
        EventType.JOB_APPROVAL_REQUESTED,
        EventType.DATASET_UPDATED,
        EventType.PROJECT_UPDATED,
        EventType.PROJECT_DELETED,
        EventType.PROJECT_MEMBER_ADDED,
        EventType.PROJECT_MEMBER_REMOVED,
        EventType.PROJECT_MEMBER_ROLE_CHANGED,
    }
)
# Facts a project's members care about as much as the owner does.
SHARED_WITH_PROJECT = frozenset(
    {EventType.DATASET_UPLOADED, EventType.MODEL_TRAINED, EventType.EVALUATION_COMPLETED}
)


# The longest title stored (a notification's title column).
TITLE_CHARS = 200


def _titled(before: str, name: str, after: str) -> str:
    """A title naming ``name``, cut inside the name (with an ellipsis) where the whole would
    be too long: the end of the title still says what happened."""
    room = TITLE_CHARS - len(before) - len(after)
    if len(name) > room:
        name = name[: _whole(name, max(room - 1, 0))].rstrip() + "…"
    return f"{before}{name}{after}"


_ZERO_WIDTH_JOINER = "\u200d"
_SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")
_REGIONAL_LETTERS = ("\U0001f1e6", "\U0001f1ff")


def _whole(text: str, length: int) -> int:
    """``length`` or less, so that ``text[:length]`` splits no character a reader sees as one:
    a letter and its accent, emoji joined by zero-width joiners or with a skin tone, the two
    letters of a flag (the user-perceived characters of Unicode's UAX #29 that names hold)."""
    while 0 < length < len(text) and _joined(text[:length], text[length]):
        length -= 1
    return length


def _joined(head: str, after: str) -> bool:
    if head[-1] == _ZERO_WIDTH_JOINER or after == _ZERO_WIDTH_JOINER:
        return True
    if unicodedata.category(after).startswith("M") or _SKIN_TONES[0] <= after <= _SKIN_TONES[1]:
        return True  # combining marks, variation selectors (category Mn) and skin tones
    low, high = _REGIONAL_LETTERS
    if low <= after <= high:
        letters = len(head) - len(head.rstrip("".join(map(chr, range(ord(low), ord(high) + 1)))))
        return letters % 2 == 1  # the second letter of a flag
    return False


@dataclass(frozen=True)
class Draft:
    dedupe_key: str
    title: str
    message: str
    subject: str


def _user_registered(event: events_pb2.Event) -> Draft | None:
    return Draft(
        dedupe_key=event.id,
        title="Welcome to Synthetica",
        message="Upload a table, train a model on it and generate synthetic rows.",
        subject=f"user:{event.user_registered.user_id}",
    )


def _dataset_uploaded(event: events_pb2.Event) -> Draft | None:
    body = event.dataset_uploaded
    return Draft(
        dedupe_key=event.id,
        title=_titled("Dataset ", body.name, " is ready"),
        message=f"{body.row_count:,} rows and {body.column_count} columns, ready for training.",
        subject=f"dataset:{body.dataset_id}",
    )


def _dataset_failed(event: events_pb2.Event) -> Draft | None:
    body = event.dataset_failed
    return Draft(
        dedupe_key=event.id,
        title=_titled("Dataset ", body.name, " could not be read"),
        message=body.error or "the upload failed",
        subject=f"dataset:{body.dataset_id}",
    )


def _job_updated(event: events_pb2.Event) -> Draft | None:
    body = job_update(event.job_updated)
    subject = f"job:{body.job_id}"
    message = body.progress.message
    training = body.job_kind == training_pb2.JOB_KIND_TRAIN
    if body.job_status == training_pb2.JOB_STATUS_CANCELLED:
        if body.rejected:  # job.reviewed says "rejected", with the owner's comment
            return None
        return Draft(
            f"{subject}:cancelled",
            f"{job_kind_word(body).capitalize()} job cancelled",
            message or "the job was cancelled",
            subject,
        )
    if training and body.job_status == training_pb2.JOB_STATUS_RUNNING:
        # The job's own first message is a bare "starting".
        return Draft(
            f"{subject}:started",
            "Training started",
            "A worker is training the model; its job shows the progress.",
            subject,
        )
    # Generation that fails has no other event; training's outcome comes as model.*.
    if not training and body.job_status == training_pb2.JOB_STATUS_FAILED:
        return Draft(
            f"{subject}:failed",
            "Generation failed",
            body.error or message or "the generation job failed",
            subject,
        )
    return None


def _model_trained(event: events_pb2.Event) -> Draft | None:
    body = event.model_trained
    return Draft(
        dedupe_key=event.id,
        title="Training succeeded",
        message=f"The {body.engine} model is ready ({body.duration_seconds:.0f} s).",
        subject=f"model:{body.model_id}",
    )


def _model_failed(event: events_pb2.Event) -> Draft | None:
    body = event.model_failed
    return Draft(
        dedupe_key=event.id,
        title="Training failed",
        message=body.error or f"the {body.engine} model could not be trained",
        subject=f"model:{body.model_id}",
    )


def _batch_generated(event: events_pb2.Event) -> Draft | None:
    body = event.batch_generated
    return Draft(
        dedupe_key=event.id,
        title="Synthetic batch ready",
        message=f"{body.row_count:,} synthetic rows are ready to download.",
        subject=f"batch:{body.batch_id}",
    )


def _evaluation_completed(event: events_pb2.Event) -> Draft | None:
    body = event.evaluation_completed
    score = (
        f"quality {body.quality_score:.0%}"
        if body.HasField("quality_score")
        else "no quality score"
    )
    word = verdict_from_proto(body.verdict) or body.privacy_verdict
    verdict = f", privacy: {word}" if word else ""
    return Draft(
        dedupe_key=event.id,
        title="Evaluation ready",
        message=f"Report for batch {body.batch_id}: {score}{verdict}.",
        # The report page is the batch's (/batches/<id>/report); no page opens a report by its
        # own id (older notifications say "report:<report id>" and stay unlinked).
        subject=f"batch-report:{body.batch_id}",
    )


def _batch_released(event: events_pb2.Event) -> Draft | None:
    body = event.batch_released
    return Draft(
        dedupe_key=event.id,
        title="Batch released past the privacy gate",
        message=f"Batch {body.batch_id} failed its privacy check and was released by a project "
        f"owner. Reason: {body.reason}",
        subject=f"batch:{body.batch_id}",
    )


def _kind_word(job_kind: int) -> str:
    return training_pb2.JobKind.Name(job_kind).removeprefix("JOB_KIND_").lower()


def _job_reviewed(event: events_pb2.Event) -> Draft | None:
    body = event.job_reviewed
    kind = _kind_word(body.job_kind)
    verdict = "approved" if body.approved else "rejected"
    comment = f" Comment: {body.comment}" if body.comment else ""
    return Draft(
        dedupe_key=event.id,
        title=f"Your {kind} request was {verdict}",
        message=f"A project owner {verdict} job {body.job_id}.{comment}",
        subject=f"job:{body.job_id}",
    )


def _job_approval_requested(event: events_pb2.Event) -> Draft | None:
    body = event.job_approval_requested
    kind = _kind_word(body.job_kind)
    return Draft(
        dedupe_key=event.id,
        title=f"A {kind} request waits for approval",
        message=f"Job {body.job_id} runs once a project owner approves it.",
        subject=f"job:{body.job_id}",
    )


def named_audience(event: events_pb2.Event) -> list[str]:
    """Recipients an event names itself, besides its user: the project's owners."""
    body = event.WhichOneof("body")
    if body == "batch_released":
        return list(event.batch_released.owner_ids)
    if body == "job_approval_requested":
        return list(event.job_approval_requested.owner_ids)
    return []


_DRAFTERS: dict[str, Callable[[events_pb2.Event], Draft | None]] = {
    EventType.USER_REGISTERED: _user_registered,
    EventType.DATASET_UPLOADED: _dataset_uploaded,
    EventType.DATASET_FAILED: _dataset_failed,
    EventType.JOB_UPDATED: _job_updated,
    EventType.MODEL_TRAINED: _model_trained,
    EventType.MODEL_FAILED: _model_failed,
    EventType.BATCH_GENERATED: _batch_generated,
    EventType.EVALUATION_COMPLETED: _evaluation_completed,
    EventType.BATCH_RELEASED: _batch_released,
    EventType.JOB_REVIEWED: _job_reviewed,
    EventType.JOB_APPROVAL_REQUESTED: _job_approval_requested,
}


def draft_for(event: events_pb2.Event) -> Draft | None:
    """The notification an event deserves, or None (progress updates, deletions, unknowns)."""
    drafter = _DRAFTERS.get(event.type)
    return drafter(event) if drafter else None
