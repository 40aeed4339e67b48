"""Webhook receivers are chosen by users, so some are hostile: one that sends its answer one
byte at a time for ever, or its headers one byte at a time, or an endless body. None of them
may hold up the sender (other users' webhooks go on being delivered) or fill its memory. A
status line is the receiver's answer (the body is never read); no status line within the
timeout is a failed attempt that says so. Nor can one user's many slow receivers take every
sending slot: a user has at most a few deliveries in flight, and the others' go past."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2
from tests.services.notify.notify_helpers import NotifyEnv, User, event, eventually, receiver
from tools.embedded import free_port

BATCHES = ["batch.generated"]
ENDLESS_CAP = 256 << 20


@dataclass
class Hostile:
    """A raw TCP receiver that reads the request and then answers as ``mode`` says, until
    the sender hangs up or the test ends."""

    mode: str
    url: str = ""
    requests: int = 0
    sent_bytes: int = 0
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            self.requests += 1
            answering = asyncio.create_task(self.answer(writer))
            await reader.read()  # returns at the sender's hang-up (the body was tiny)
            answering.cancel()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.hung_up.set()
            writer.close()

    async def answer(self, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            if self.mode == "drip-headers":
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    self.sent_bytes += 1
                    await asyncio.sleep(0.5)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
            writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
            chunk = b"x" * (1 << 20) if self.mode == "endless" else b"x"
            while self.sent_bytes < ENDLESS_CAP:  # then silence: a test run stays bounded
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                self.sent_bytes += len(chunk)
                if self.mode == "drip-body":
                    await asyncio.sleep(0.5)
            await asyncio.sleep(3600)


@contextlib.asynccontextmanager
async def hostile(mode: str) -> AsyncIterator[Hostile]:
    app = Hostile(mode)
    port = free_port()
    server = await asyncio.start_server(app.handle, "127.0.0.1", port, family=socket.AF_INET)
    app.url = f"http://127.0.0.1:{port}/hooks/{uuid.uuid4().hex}"
    try:
        yield app
    finally:
        server.close()
        with contextlib.suppress(Exception):
            server.close_clients()  # type: ignore[attr-defined]  # Python 3.13+


async def hook(env: NotifyEnv, user: User, url: str) -> str:
    created = await env.stub.CreateWebhook(
        notify_pb2.CreateWebhookRequest(url=url, events=BATCHES), metadata=user.metadata
    )
    return created.webhook.id


async def deliveries(env: NotifyEnv, user: User, webhook_id: str):
    reply = await env.stub.GetWebhook(
        notify_pb2.GetWebhookRequest(webhook_id=webhook_id), metadata=user.metadata
    )
    return list(reply.webhook.deliveries)


def batch_event(user: User) -> events_pb2.Event:
    return event(events_pb2.BatchGenerated(batch_id=uuid.uuid4().hex, row_count=1), user.id)


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers", "endless"])
async def test_a_receiver_that_never_finishes_does_not_hold_up_other_webhooks(notify_env, mode):
    attacker, victim = await notify_env.user(), await notify_env.user()
    async with hostile(mode) as bad, receiver() as good:
        bad_hook = await hook(notify_env, attacker, bad.url)
        await notify_env.publish(batch_event(attacker))
        await eventually(lambda: asyncio.sleep(0, bad.requests), lambda n: n >= 1, timeout=120)
        good_hook = await hook(notify_env, victim, good.url)
        await notify_env.publish(batch_event(victim))
        # The honest receiver gets its event while the hostile one is still being "answered"
        # (before the fix the sender waited on the hostile answer, for ever).
        done = await eventually(
            lambda: deliveries(notify_env, victim, good_hook),
            lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_SUCCEEDED,
            timeout=90,
        )
        assert len(good.received) == 1
        assert done[0].attempts == 1
        # The sender hung up on the hostile receiver, and recorded what it answered.
        await asyncio.wait_for(bad.hung_up.wait(), timeout=90)
        recorded = await eventually(
            lambda: deliveries(notify_env, attacker, bad_hook),
            lambda ds: ds and ds[0].attempts >= 1,
            timeout=90,
        )
    if mode == "drip-headers":  # no status line within the deadline: failed, said why
        assert recorded[0].status != notify_pb2.DELIVERY_STATUS_SUCCEEDED
        assert "did not answer within 5 s" in recorded[0].error, recorded[0]
    else:  # its status came at once: that is the answer, its body is not read
        assert recorded[0].status == notify_pb2.DELIVERY_STATUS_SUCCEEDED, recorded[0]
        assert recorded[0].response_status == 200
    # An endless body is not read: the sender took what fits in the sockets' buffers at most.
    assert bad.sent_bytes < 64 << 20, bad.sent_bytes


async def test_many_slow_receivers_of_one_user_do_not_queue_up_everyone_else(notify_env):
    attacker, victim = await notify_env.user(), await notify_env.user()
    async with hostile("drip-headers") as bad, receiver() as good:
        for _ in range(20):  # the most webhooks a user may have
            await hook(notify_env, attacker, bad.url)
        await notify_env.publish(batch_event(attacker))  # 20 deliveries, 5 s each
        await eventually(lambda: asyncio.sleep(0, bad.requests), lambda n: n >= 1, timeout=120)
        good_hook = await hook(notify_env, victim, good.url)
        await notify_env.publish(batch_event(victim))
        await eventually(
            lambda: deliveries(notify_env, victim, good_hook),
            lambda ds: ds and ds[0].status == notify_pb2.DELIVERY_STATUS_SUCCEEDED,
            timeout=120,
        )
        started = bad.requests
    # Before, the sender took due deliveries oldest first, eight at a time, and waited for all
    # eight: the victim's came after the first attempts of all 20 slow ones (100 s at 10 s
    # each, then their retries). Now the attacker has at most 2 in flight.
    assert started <= 4, started
