"""The privacy gate's and the approvals' facts become notifications for the right people:
a release for the project's owners, a request waiting for approval for the owners (and the
requester), a decision for the requester; each once, however often the event arrives."""

from __future__ import annotations

from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2
from tests.services.notify.notify_helpers import event, eventually


async def _titles(notify_env, user) -> list[str]:
    found = await notify_env.notifications(user)
    return sorted(n.title for n in found if n.title != "Welcome to Synthetica")


async def test_a_release_is_told_to_every_owner_once(notify_env):
    releaser, other_owner, editor = [await notify_env.user() for _ in range(3)]
    released = event(
        events_pb2.BatchReleased(
            batch_id="b-7",
            reason="audited: ticket 42",
            released_by=releaser.id,
            owner_ids=[releaser.id, other_owner.id],
        ),
        releaser.id,
        project_id="p-1",
    )
    await notify_env.publish(released)
    await notify_env.publish(released, msg_id="again-" + released.id)
    for owner in (releaser, other_owner):
        found = await eventually(
            lambda owner=owner: notify_env.notifications(owner),
            lambda ns: any(n.event_id == released.id for n in ns),
        )
        told = [n for n in found if n.event_id == released.id]
        assert len(told) == 1 and "audited: ticket 42" in told[0].message
        assert told[0].subject == "batch:b-7"
    assert await _titles(notify_env, editor) == []


async def test_requests_and_decisions_reach_owners_and_the_requester(notify_env):
    requester, owner = await notify_env.user(), await notify_env.user()
    asked = event(
        events_pb2.JobApprovalRequested(
            job_id="j-1", job_kind=training_pb2.JOB_KIND_TRAIN, owner_ids=[owner.id]
        ),
        requester.id,
    )
    decided = event(
        events_pb2.JobReviewed(
            job_id="j-1",
            job_kind=training_pb2.JOB_KIND_TRAIN,
            approved=False,
            comment="use the 2024 data",
            reviewer_id=owner.id,
        ),
        requester.id,
    )
    # A rejection cancels the job too: training publishes both facts, in this order.
    cancelled = event(
        events_pb2.JobUpdated(
            job_id="j-1",
            job_kind=training_pb2.JOB_KIND_TRAIN,
            job_status=training_pb2.JOB_STATUS_CANCELLED,
            progress=training_pb2.JobProgress(message="rejected by a project owner"),
            error="rejected: use the 2024 data",
            sequence=2,
            rejected=True,
        ),
        requester.id,
    )
    await notify_env.publish(asked)
    await notify_env.publish(cancelled)
    await notify_env.publish(decided)
    found = await eventually(
        lambda: notify_env.notifications(requester),
        lambda ns: any(n.event_id == decided.id for n in ns),
    )
    rejection = next(n for n in found if n.event_id == decided.id)
    assert rejection.title == "Your train request was rejected"
    assert "use the 2024 data" in rejection.message
    # Told once, as "rejected": not also as "cancelled".
    assert "Train job cancelled" not in await _titles(notify_env, requester)
    await eventually(
        lambda: notify_env.notifications(owner),
        lambda ns: any(n.event_id == asked.id for n in ns),
    )
    assert await _titles(notify_env, owner) == ["A train request waits for approval"]
