"""NATS JetStream helpers: connection, idempotent stream and consumer set-up, de-duplicated
publishing, and a durable pull consumer with explicit acks and in-progress heartbeats.

Messages carry the W3C trace context in their headers (``traceparent``): the consumer's span
continues the trace of the request that caused the message."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass
from enum import Enum
from typing import TypeVar

import nats
from google.protobuf.message import DecodeError, Message
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import BadRequestError, NotFoundError
from opentelemetry.trace import SpanKind

from common.metrics import messages_handled_total
from common.tracing import TRACEPARENT, extract, inject, tracer

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)
H = TypeVar("H")

EVENTS_SUBJECT_PREFIX = "synthetica.events."
JOBS_SUBJECT_PREFIX = "synthetica.jobs."

EVENTS_STREAM = StreamConfig(
    name="EVENTS",
    subjects=[EVENTS_SUBJECT_PREFIX + ">"],
    retention=RetentionPolicy.LIMITS,
    storage=StorageType.FILE,
    max_age=7 * 24 * 3600,
    duplicate_window=600,
)
JOBS_STREAM = StreamConfig(
    name="JOBS",
    subjects=[JOBS_SUBJECT_PREFIX + ">"],
    retention=RetentionPolicy.WORK_QUEUE,
    storage=StorageType.FILE,
    duplicate_window=600,
)


def decode(msg: Msg, message_type: type[M]) -> M | None:
    """The ``message_type`` a NATS message carries; None, with a warning, when its bytes are
    not one (the caller drops it: no redelivery would make it readable)."""
    try:
        return message_type.FromString(msg.data)
    except DecodeError:
        log.warning("dropping a message on %s that is no %s", msg.subject, message_type.__name__)
        return None


def handles(
    message_type: type[M],
) -> Callable[[Callable[[H, M, Msg], Awaitable[Outcome]]], Callable[[H, Msg], Awaitable[Outcome]]]:
    """Makes a JetStream handler method of one that takes the decoded ``message_type`` (and
    the message itself): a message that does not decode is dropped (see ``decode``)."""

    def wrap(
        handle: Callable[[H, M, Msg], Awaitable[Outcome]],
    ) -> Callable[[H, Msg], Awaitable[Outcome]]:
        @functools.wraps(handle)
        async def on_message(self: H, msg: Msg) -> Outcome:
            decoded = decode(msg, message_type)
            if decoded is None:
                return Outcome.TERMINATE
            return await handle(self, decoded, msg)

        return on_message

    return wrap


async def connect(url: str, *, name: str) -> NATS:
    """Connects and keeps reconnecting forever: a NATS restart must not end a service."""

    async def on_error(exc: Exception) -> None:
        log.warning("nats error: %s", exc)

    return await nats.connect(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
        allow_reconnect=True,
        error_cb=on_error,
    )


async def close(nc: NATS) -> None:
    """The one way a process lets go of NATS: what it published or acked is flushed, then the
    connection closes. Not drain(): it waits out its timeout on a pull subscription whose fetch
    was cancelled; an unsettled message is redelivered anyway."""
    with contextlib.suppress(Exception):
        await nc.flush(timeout=2)
    await nc.close()


async def ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Creates the stream, or updates it to ``config``: safe to call at every start."""
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)


async def ensure_streams(js: JetStreamContext) -> None:
    for config in (EVENTS_STREAM, JOBS_STREAM):
        await ensure_stream(js, config)


async def ensure_consumer(
    js: JetStreamContext,
    stream: str,
    *,
    durable: str,
    filter_subject: str,
    ack_wait: float = 30.0,
    max_deliver: int = 5,
    backoff: list[float] | None = None,
    deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
) -> None:
    config = ConsumerConfig(
        durable_name=durable,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait,
        max_deliver=max_deliver,
        backoff=backoff,
        filter_subject=filter_subject,
        deliver_policy=deliver_policy,
    )
    await js.add_consumer(stream, config)


async def publish(
    js: JetStreamContext,
    subject: str,
    payload: bytes,
    *,
    msg_id: str,
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
) -> None:
    """Publishes with ``Nats-Msg-Id`` so JetStream drops a repeat within the duplicate window.

    The current trace context goes in the headers unless ``headers`` already has a
    ``traceparent`` (the outbox relay passes the one captured when the event was written)."""
    sent = dict(headers or {})
    if TRACEPARENT not in sent:
        inject(sent)
    sent["Nats-Msg-Id"] = msg_id
    await js.publish(subject, payload, headers=sent, timeout=timeout)


async def start_consumer(
    js: JetStreamContext,
    *,
    stream: str,
    durable: str,
    subject: str,
    handler: Handler,
    ack_wait: float = 30.0,
    max_deliver: int = 5,
    heartbeat: float = 5.0,
    retry_delay: float = 2.0,
) -> PullConsumer:
    """Creates the durable consumer when missing and starts pulling from it in a task
    (``consumer.task``); ``consumer.stop()`` ends it. A durable another replica created with
    other settings keeps working as it is."""
    try:
        await ensure_consumer(
            js,
            stream,
            durable=durable,
            filter_subject=subject,
            ack_wait=ack_wait,
            max_deliver=max_deliver,
        )
    except BadRequestError as exc:
        log.warning("consumer %s exists with another configuration: %s", durable, exc)
    consumer = PullConsumer(
        js,
        stream=stream,
        durable=durable,
        subject=subject,
        handler=handler,
        heartbeat=heartbeat,
        retry_delay=retry_delay,
    )
    consumer.task = asyncio.create_task(consumer.run())
    return consumer


class Outcome(Enum):
    ACK = "ack"
    RETRY = "retry"
    TERMINATE = "terminate"
    # Another delivery of the same message owns it (a job taken over by a newer attempt):
    # settling this one would ack or redeliver what that delivery is working on.
    LEAVE = "leave"


Handler = Callable[[Msg], Awaitable[Outcome]]


@dataclass(eq=False)
class PullConsumer:
    """Fetches from a durable pull consumer one message at a time and runs ``handler``.

    While the handler runs, ``in_progress()`` is sent every ``heartbeat`` seconds so a long job
    is not redelivered; the handler's outcome decides ack, nak (with delay) or term.
    """

    js: JetStreamContext
    _: KW_ONLY
    stream: str
    durable: str
    subject: str
    handler: Handler
    heartbeat: float = 5.0
    retry_delay: float = 2.0

    def __post_init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        subscription = await self.js.pull_subscribe(
            self.subject, durable=self.durable, stream=self.stream
        )
        try:
            while not self._stopping.is_set():
                try:
                    messages = await subscription.fetch(1, timeout=1.0)
                except NatsTimeoutError:
                    continue
                except Exception as exc:  # connection loss: keep trying, nats reconnects
                    log.warning("fetch from %s failed: %s", self.durable, exc)
                    await asyncio.sleep(0.5)
                    continue
                for msg in messages:
                    await self._handle(msg)
        finally:
            # Also when cancelled mid-fetch: a subscription left behind stalls drain().
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _handle(self, msg: Msg) -> None:
        with tracer().start_as_current_span(
            f"{msg.subject} process",
            context=extract(msg.headers or {}),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": msg.subject,
                "messaging.consumer.group.name": self.durable,
            },
        ) as span:
            outcome = await self._run_handler(msg)
            span.set_attribute("synthetica.outcome", outcome.value)
        messages_handled_total.labels(self.durable, outcome.value).inc()
        await self._settle(msg, outcome)

    async def _run_handler(self, msg: Msg) -> Outcome:
        beat = asyncio.create_task(self._heartbeat(msg))
        try:
            return await self.handler(msg)
        except Exception:
            log.exception("handler failed on %s", msg.subject)
            return Outcome.RETRY
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _settle(self, msg: Msg, outcome: Outcome) -> None:
        try:
            if outcome is Outcome.LEAVE:
                return
            if outcome is Outcome.ACK:
                await msg.ack()
            elif outcome is Outcome.TERMINATE:
                await msg.term()
            else:
                await msg.nak(delay=self.retry_delay)
        except Exception as exc:
            log.warning("could not settle message on %s: %s", msg.subject, exc)

    async def _heartbeat(self, msg: Msg) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            with contextlib.suppress(Exception):
                await msg.in_progress()
