"""Training's guarantees in GraphQL: the privacy gate on a batch and an owner's review of a job
that waited for approval."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.schema.common import from_message, from_proto_enum
from synthetica.training.v1 import training_pb2


@strawberry.enum(description="where a batch stands with its project's privacy gate")
class BatchGateState(Enum):
    OPEN = strawberry.enum_value(
        training_pb2.BATCH_GATE_STATE_OPEN,
        description="downloads: the gate is off, the verdict is not FAIL, or a template batch",
    )
    AWAITING_VERDICT = strawberry.enum_value(
        training_pb2.BATCH_GATE_STATE_AWAITING_VERDICT,
        description="the gate is on and the privacy verdict is not known yet: no download",
    )
    BLOCKED = strawberry.enum_value(
        training_pb2.BATCH_GATE_STATE_BLOCKED,
        description="the privacy verdict is FAIL: no download unless an owner releases it",
    )
    RELEASED = strawberry.enum_value(
        training_pb2.BATCH_GATE_STATE_RELEASED,
        description="an owner released it, giving a reason: it downloads",
    )


@strawberry.type(description="the project's privacy gate as it applies to a batch now")
class BatchGate:
    state: BatchGateState | None
    message: str = strawberry.field(description="what the state means, in words")
    reason: str = strawberry.field(description="the reason given when it was released")
    released_by: strawberry.ID | None
    released_at: datetime | None
    can_release: bool = strawberry.field(
        description="whether you may release it (releaseBatch): an owner or an admin, the "
        "gate OWNER_OVERRIDE, the batch held"
    )

    @classmethod
    def from_proto(cls, gate: training_pb2.BatchGate) -> BatchGate:
        return from_message(
            cls,
            gate,
            state=from_proto_enum(BatchGateState, gate.state),
            released_by=gate.released_by or None,
        )


@strawberry.type(description="an owner's decision on a job that waited for approval")
class JobReview:
    approved: bool
    reviewer_id: strawberry.ID
    comment: str
    reviewed_at: datetime | None
