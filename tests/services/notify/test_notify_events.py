"""Lifecycle events on the real EVENTS stream become notifications, exactly once."""

from __future__ import annotations

import asyncio
import uuid

import grpc

from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2
from synthetica.training.v1 import training_pb2
from tests.services.notify.notify_helpers import event, eventually


def titles(notifications) -> list[str]:
    return sorted(n.title for n in notifications)


async def test_dataset_ready_is_notified_once_even_when_redelivered(notify_env):
    user = await notify_env.user()
    uploaded = event(
        events_pb2.DatasetUploaded(dataset_id="d1", name="adult", row_count=32561, column_count=15),
        user.id,
    )
    await notify_env.publish(uploaded)
    await notify_env.publish(uploaded, msg_id="redelivered-" + uploaded.id)
    await notify_env.publish(uploaded, msg_id="again-" + uploaded.id)
    # A later event proves the duplicates were consumed before we count.
    failed = event(
        events_pb2.DatasetFailed(dataset_id="d2", name="bad", error="no columns"), user.id
    )
    await notify_env.publish(failed)

    found = await eventually(lambda: notify_env.notifications(user), lambda ns: len(ns) >= 3)
    assert titles(found) == [
        "Dataset adult is ready",
        "Dataset bad could not be read",
        "Welcome to Synthetica",
    ]
    ready = next(n for n in found if n.event_id == uploaded.id)
    assert "32,561 rows" in ready.message
    assert ready.subject == "dataset:d1"
    assert not ready.is_read
    count = await notify_env.stub.CountUnread(
        notify_pb2.CountUnreadRequest(), metadata=user.metadata
    )
    assert count.count == 3


async def test_training_lifecycle_makes_one_notification_per_fact(notify_env):
    user = await notify_env.user()
    job = "job-" + user.id[:8]
    for sequence, percent in enumerate((0.0, 10.0, 50.0), start=1):
        update = events_pb2.JobUpdated(
            job_id=job,
            job_kind=training_pb2.JOB_KIND_TRAIN,
            job_status=training_pb2.JOB_STATUS_RUNNING,
            progress=training_pb2.JobProgress(percent=percent),
            sequence=sequence,
        )
        await notify_env.publish(event(update, user.id))
    await notify_env.publish(
        event(
            events_pb2.ModelTrained(model_id="m1", engine="gaussian_copula", duration_seconds=12),
            user.id,
        )
    )
    await notify_env.publish(
        event(events_pb2.BatchGenerated(batch_id="b1", row_count=1000), user.id)
    )
    await notify_env.publish(
        event(
            events_pb2.EvaluationCompleted(
                report_id="r1", batch_id="b1", quality_score=0.87, privacy_verdict="low risk"
            ),
            user.id,
        )
    )
    cancelled = events_pb2.JobUpdated(
        job_id="job-2",
        job_kind=training_pb2.JOB_KIND_GENERATE,
        job_status=training_pb2.JOB_STATUS_CANCELLED,
    )
    await notify_env.publish(event(cancelled, user.id))

    found = await eventually(lambda: notify_env.notifications(user), lambda ns: len(ns) >= 6)
    assert titles(found) == [
        "Evaluation ready",
        "Generate job cancelled",
        "Synthetic batch ready",
        "Training started",
        "Training succeeded",
        "Welcome to Synthetica",
    ]
    evaluation = next(n for n in found if n.title == "Evaluation ready")
    assert "quality 87%" in evaluation.message
    assert "privacy: low risk" in evaluation.message
    # It leads to the batch's report page, the only page a report has.
    assert evaluation.subject == "batch-report:b1"
    # Newest first (the welcome note comes whenever auth's outbox relays it).
    mine = [n for n in found if n.event_type != "user.registered"]
    assert mine[0].title == "Generate job cancelled"


async def test_project_members_hear_about_shared_facts_only(notify_env):
    owner, member, outsider = (
        await notify_env.user(),
        await notify_env.user(),
        await notify_env.user(),
    )
    # A real project: notify asks the real datasets service for its members.
    project = await notify_env.project(owner, member)
    await notify_env.publish(
        event(
            events_pb2.JobUpdated(
                job_id="j",
                job_kind=training_pb2.JOB_KIND_TRAIN,
                job_status=training_pb2.JOB_STATUS_RUNNING,
            ),
            owner.id,
            project_id=project,
        )
    )
    await notify_env.publish(
        event(events_pb2.ModelTrained(model_id="m", engine="tvae"), owner.id, project_id=project)
    )
    owner_sees = await eventually(lambda: notify_env.notifications(owner), lambda ns: len(ns) >= 3)
    member_sees = await eventually(
        lambda: notify_env.notifications(member), lambda ns: len(ns) >= 2
    )
    assert titles(owner_sees) == ["Training started", "Training succeeded", "Welcome to Synthetica"]
    assert titles(member_sees) == ["Training succeeded", "Welcome to Synthetica"]
    assert all(n.project_id == project for n in member_sees if n.title != "Welcome to Synthetica")
    # The outsider's own welcome note comes whenever auth's outbox relays it: waited for,
    # then nothing of the project's facts beside it (those reached the members above).
    outsider_sees = await eventually(
        lambda: notify_env.notifications(outsider), lambda ns: len(ns) >= 1
    )
    assert titles(outsider_sees) == ["Welcome to Synthetica"]


async def test_a_member_hears_that_a_dataset_uploaded_to_the_project_is_ready(notify_env):
    owner, member = await notify_env.user(), await notify_env.user()
    project = await notify_env.project(owner, member)
    # The member uploads: the datasets service itself publishes dataset.uploaded, whose owner
    # (the uploader) is the user notify asks datasets on behalf of.
    table = "age,city\n" + "".join(f"{20 + i},{('Oslo', 'Rome')[i % 2]}\n" for i in range(40))
    dataset_id = await notify_env.upload(member, project, "visits", table.encode())
    ready = await eventually(
        lambda: notify_env.notifications(owner),
        lambda ns: any(n.event_type == "dataset.uploaded" for n in ns),
    )
    told = [n for n in ready if n.event_type == "dataset.uploaded"]
    assert [(n.title, n.subject, n.project_id) for n in told] == [
        ("Dataset visits is ready", f"dataset:{dataset_id}", project)
    ]
    uploader = await eventually(
        lambda: notify_env.notifications(member),
        lambda ns: any(n.event_type == "dataset.uploaded" for n in ns),
    )
    assert "Dataset visits is ready" in titles(uploader)


async def test_a_fact_about_an_unknown_project_still_reaches_its_owner(notify_env):
    owner = await notify_env.user()
    gone = str(uuid.uuid4())  # e.g. a project deleted before its event was consumed
    await notify_env.publish(
        event(events_pb2.ModelTrained(model_id="m", engine="ctgan"), owner.id, project_id=gone)
    )
    found = await eventually(lambda: notify_env.notifications(owner), lambda ns: len(ns) >= 2)
    assert titles(found) == ["Training succeeded", "Welcome to Synthetica"]


async def test_stream_notifications_delivers_only_the_callers_new_ones(notify_env):
    user, other = await notify_env.user(), await notify_env.user()
    call = notify_env.stub.StreamNotifications(
        notify_pb2.StreamNotificationsRequest(), metadata=user.metadata, timeout=30
    )
    assert dict(await call.initial_metadata()).get("x-subscribed") == "1"
    for owner, name in ((other, "theirs"), (user, "mine")):
        await notify_env.publish(
            event(events_pb2.DatasetUploaded(dataset_id=name, name=name), owner.id)
        )
    received = await asyncio.wait_for(call.read(), 10)
    # The welcome note of the registration may come first: skip it.
    if received.notification.event_type == "user.registered":
        received = await asyncio.wait_for(call.read(), 10)
    call.cancel()
    assert received.notification.title == "Dataset mine is ready"
    assert received.notification.user_id == user.id


async def test_streaming_needs_credentials(notify_env):
    call = notify_env.stub.StreamNotifications(notify_pb2.StreamNotificationsRequest(), timeout=5)
    try:
        await call.read()
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.UNAUTHENTICATED
    else:
        raise AssertionError("an anonymous stream was accepted")
