"""JetStream helpers on a real NATS: idempotent set-up and the durable pull consumer."""

from __future__ import annotations

import asyncio

import pytest
from nats.js.api import RetentionPolicy

from common import jetstream
from common.jetstream import JOBS_STREAM, Outcome, PullConsumer


@pytest.fixture
async def js(own_nats):
    nc = await jetstream.connect(own_nats.url, name="jetstream-test")
    yield nc.jetstream()
    await jetstream.close(nc)


async def test_stream_setup_is_idempotent(js):
    for _ in range(3):
        await jetstream.ensure_streams(js)
    events = await js.stream_info("EVENTS")
    jobs = await js.stream_info("JOBS")
    assert events.config.subjects == ["synthetica.events.>"]
    assert jobs.config.retention == RetentionPolicy.WORK_QUEUE
    assert jobs.config.duplicate_window == JOBS_STREAM.duplicate_window


async def test_publish_deduplicates_by_message_id(js):
    await jetstream.ensure_streams(js)
    for _ in range(3):
        await jetstream.publish(js, "synthetica.events.test.happened", b"x", msg_id="same-id")
    info = await js.stream_info("EVENTS")
    assert info.state.messages == 1


async def test_pull_consumer_acks_retries_and_terminates(js):
    await jetstream.ensure_streams(js)
    await jetstream.ensure_consumer(
        js,
        "JOBS",
        durable="test-workers",
        filter_subject="synthetica.jobs.test",
        ack_wait=2,
        max_deliver=3,
    )
    # Setting up the same consumer again changes nothing.
    await jetstream.ensure_consumer(
        js,
        "JOBS",
        durable="test-workers",
        filter_subject="synthetica.jobs.test",
        ack_wait=2,
        max_deliver=3,
    )
    seen: list[tuple[bytes, int]] = []
    done = asyncio.Event()

    async def handler(msg) -> Outcome:
        seen.append((msg.data, msg.metadata.num_delivered))
        if msg.data == b"flaky" and msg.metadata.num_delivered == 1:
            return Outcome.RETRY
        if msg.data == b"slow":
            await asyncio.sleep(3.5)  # longer than ack_wait: heartbeats must keep it ours
        if len({d for d, _ in seen}) == 4 and len(seen) >= 5:
            done.set()
        return Outcome.TERMINATE if msg.data == b"poison" else Outcome.ACK

    consumer = PullConsumer(
        js,
        stream="JOBS",
        durable="test-workers",
        subject="synthetica.jobs.test",
        handler=handler,
        heartbeat=0.5,
        retry_delay=0.2,
    )
    for i, body in enumerate((b"ok", b"flaky", b"poison", b"slow")):
        await jetstream.publish(js, "synthetica.jobs.test", body, msg_id=f"job-{i}")
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(done.wait(), 30)
    await asyncio.sleep(3)  # give a wrongly unacked message time to come back
    consumer.stop()
    await task

    deliveries = {
        body: [n for d, n in seen if d == body] for body in (b"ok", b"flaky", b"poison", b"slow")
    }
    assert deliveries == {b"ok": [1], b"flaky": [1, 2], b"poison": [1], b"slow": [1]}
    info = await js.consumer_info("JOBS", "test-workers")
    assert info.num_pending == 0 and info.num_ack_pending == 0
