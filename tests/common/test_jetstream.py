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
    for _ in range(2):  # setting up the same consumer again changes nothing
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


async def test_two_replicas_start_the_same_consumer_and_share_its_messages(js):
    """A second replica starting the same durable (here with another max_deliver, which
    JetStream updates in place) starts; together they handle each message once."""
    await jetstream.ensure_streams(js)
    handled: list[bytes] = []
    two = asyncio.Event()

    async def handler(msg) -> Outcome:
        handled.append(msg.data)
        if len(handled) == 2:
            two.set()
        return Outcome.ACK

    consumers = [
        await jetstream.start_consumer(
            js,
            stream="JOBS",
            durable="test-replicas",
            subject="synthetica.jobs.replicas",
            handler=handler,
            max_deliver=max_deliver,
        )
        for max_deliver in (3, 7)
    ]
    for i in range(2):
        await jetstream.publish(js, "synthetica.jobs.replicas", b"job-%d" % i, msg_id=f"r-{i}")
    await asyncio.wait_for(two.wait(), 30)
    for consumer in consumers:
        consumer.stop()
    await asyncio.gather(*(c.task for c in consumers))

    assert sorted(handled) == [b"job-0", b"job-1"]
    info = await js.consumer_info("JOBS", "test-replicas")
    assert info.num_pending == 0 and info.num_ack_pending == 0


async def test_close_returns_while_a_pull_consumer_was_cancelled_mid_fetch(own_nats):
    """Stopping a process whose consumer task was cancelled while fetching does not wait on
    a drain that never ends; what was published before is in the stream."""
    nc = await jetstream.connect(own_nats.url, name="jetstream-close-test")
    js = nc.jetstream()
    await jetstream.ensure_streams(js)

    async def handler(msg) -> Outcome:
        return Outcome.ACK

    consumer = await jetstream.start_consumer(
        js, stream="JOBS", durable="test-close", subject="synthetica.jobs.close", handler=handler
    )
    await asyncio.sleep(0.3)  # inside a fetch
    consumer.task.cancel()
    await jetstream.publish(js, "synthetica.events.close.tested", b"x", msg_id="close-1")
    await asyncio.wait_for(jetstream.close(nc), 4)
    assert nc.is_closed

    again = await jetstream.connect(own_nats.url, name="jetstream-close-check")
    info = await again.jetstream().stream_info("EVENTS")
    await jetstream.close(again)
    assert info.state.messages >= 1
