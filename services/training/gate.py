"""The privacy gate: a project setting (common.contracts.privacy_gate) under which a synthetic
batch whose privacy verdict is FAIL does not download, and an owner's release of such a batch.

The gate's state is computed on every read from the batch and the project's setting as it is
now, never stored: turning the gate on holds every FAIL batch at once, turning it off opens
them. While the gate is on, a batch whose verdict is not known yet (still being evaluated, or
never evaluated) is held too; a template batch has no real rows behind it and is never held.
A release (OWNER_OVERRIDE only) is recorded on the batch: who, when and why.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from common.contracts.privacy_gate import PrivacyGate
from common.enums import PrivacyVerdict, from_proto, to_proto
from common.errors import FailedPrecondition, NotFound
from common.events import new_event
from common.ids import parse_id
from common.outbox import enqueue
from common.protos import timestamp
from services.training import models as m
from services.training.approvals import bounded_text
from services.training.enums import BatchGateState
from services.training.jobstate import now
from synthetica.datasets.v1 import datasets_pb2
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

_MESSAGES = {
    BatchGateState.OPEN: "",
    BatchGateState.AWAITING_VERDICT: (
        "the project's privacy gate holds this batch until its privacy evaluation is done"
    ),
    BatchGateState.BLOCKED: (
        "the project's privacy gate blocks this batch: its privacy verdict is FAIL"
    ),
    BatchGateState.RELEASED: "released by a project owner although its privacy verdict is FAIL",
}
_REASONS = {
    BatchGateState.AWAITING_VERDICT: "PRIVACY_GATE_AWAITING_VERDICT",
    BatchGateState.BLOCKED: "PRIVACY_GATE_BLOCKED",
}


def privacy_gate(settings: datasets_pb2.ProjectSettings) -> PrivacyGate:
    """The project's gate; OFF when unset (a project from before the setting)."""
    gate = from_proto(PrivacyGate, datasets_pb2.PrivacyGate, settings.privacy_gate)
    return gate or PrivacyGate.OFF


def gate_state(batch: m.Batch, gate: PrivacyGate) -> BatchGateState:
    if not gate.on or batch.dataset_id is None:
        return BatchGateState.OPEN
    if batch.released_at is not None and gate is PrivacyGate.OWNER_OVERRIDE:
        return BatchGateState.RELEASED
    if batch.privacy_verdict == PrivacyVerdict.FAIL:
        return BatchGateState.BLOCKED
    if not batch.privacy_verdict:
        return BatchGateState.AWAITING_VERDICT
    return BatchGateState.OPEN


def releasable(state: BatchGateState, gate: PrivacyGate) -> bool:
    """An owner may release a held batch under OWNER_OVERRIDE (also one never evaluated)."""
    held = state in (BatchGateState.BLOCKED, BatchGateState.AWAITING_VERDICT)
    return held and gate is PrivacyGate.OWNER_OVERRIDE


def gate_to_proto(batch: m.Batch, gate: PrivacyGate, *, reviewer: bool) -> training_pb2.BatchGate:
    """The gate as the caller sees it; ``reviewer``: the caller is an owner or an admin."""
    state = gate_state(batch, gate)
    released = state is BatchGateState.RELEASED
    message = _MESSAGES[state]
    if state is not BatchGateState.OPEN and not released and gate is PrivacyGate.OWNER_OVERRIDE:
        message += "; a project owner may release it, giving a reason"
    return training_pb2.BatchGate(
        state=to_proto(state, training_pb2.BatchGateState),
        message=message,
        reason=batch.release_reason if released else "",
        released_by=str(batch.released_by) if released else "",
        released_at=timestamp(batch.released_at) if released else None,
        can_release=reviewer and releasable(state, gate),
    )


def require_open(batch: m.Batch, gate: PrivacyGate) -> None:
    """FailedPrecondition while the gate holds the batch's rows."""
    state = gate_state(batch, gate)
    reason = _REASONS.get(state)
    if reason is not None:
        hint = "; a project owner may release it" if gate is PrivacyGate.OWNER_OVERRIDE else ""
        raise FailedPrecondition(f"batch {batch.id}: {_MESSAGES[state]}{hint}", reason=reason)


def validate_reason(reason: str) -> str:
    return bounded_text(reason, field="reason", missing="a release needs a reason")


def release_batch(
    *,
    session: Session,
    batch_id: str,
    user_id: str,
    reason: str,
    gate: PrivacyGate,
    owner_ids: list[str],
) -> m.Batch:
    """Releases a held batch under OWNER_OVERRIDE and tells the owners (batch.released).
    The row lock makes racing releases one release; a second one changes nothing."""
    batch = session.get(m.Batch, parse_id(batch_id, "batch_id"), with_for_update=True)
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    state = gate_state(batch, gate)
    if state is BatchGateState.RELEASED:
        return batch
    if gate is not PrivacyGate.OWNER_OVERRIDE:
        raise FailedPrecondition(
            f"the project's privacy gate is {gate.value}: only OWNER_OVERRIDE lets owners "
            "release a batch",
            reason="GATE_NOT_OVERRIDABLE",
        )
    if not releasable(state, gate):
        raise FailedPrecondition(
            f"batch {batch_id} is not held by the privacy gate", reason="BATCH_NOT_BLOCKED"
        )
    batch.released_by = uuid.UUID(user_id)
    batch.released_at = now()
    batch.release_reason = reason
    enqueue(
        session,
        m.outbox,
        new_event(
            events_pb2.BatchReleased(
                batch_id=str(batch.id), reason=reason, released_by=user_id, owner_ids=owner_ids
            ),
            user_id=user_id,
            project_id=str(batch.project_id),
        ),
    )
    return batch
