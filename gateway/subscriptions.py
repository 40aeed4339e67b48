"""The NATS -> GraphQL bridge: live job updates, and websocket authentication.

``jobUpdates(jobId)`` must neither miss an update nor show a stale one. One ordered ephemeral
JetStream consumer per gateway process reads every ``job.updated`` event and fans it out to
the subscribers of that job. A subscriber registers with it *before* asking the training
service for the job's current state, so an update committed after that read is on its way to
the subscriber's queue; updates that the read already covers are dropped by their sequence (the
training service bumps a job's sequence with every change, and both its job.updated events and
its GetJob carry it), and the stream ends after a terminal status.

Websockets authenticate once, in ``connection_init`` (``{"Authorization": "Bearer ..."}`` or
``{"X-API-Key": "..."}``): the credentials are verified against auth (JWKS, or an API key
check) before the connection is acknowledged, and then forwarded to the services, which check
them again and enforce ownership.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import math
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from google.protobuf.message import DecodeError
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter

from common import jetstream
from common.clients import Metadata
from common.context import Principal
from common.errors import Unauthenticated
from common.events import EventType, job_update
from common.security import TokenAuthenticator
from gateway.clients import ServiceClients
from gateway.errors import ApiError, rpc_errors
from gateway.settings import GatewaySettings
from gateway.subscription_slots import SubscriptionSlots
from services.auth.client import AuthClient
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

log = logging.getLogger(__name__)

JOB_UPDATED_SUBJECT = jetstream.EVENTS_SUBJECT_PREFIX + EventType.JOB_UPDATED
TERMINAL = frozenset(
    {
        training_pb2.JOB_STATUS_SUCCEEDED,
        training_pb2.JOB_STATUS_FAILED,
        training_pb2.JOB_STATUS_CANCELLED,
    }
)
# Updates held per subscriber before the oldest is dropped (a stalled client loses history,
# never the latest state, and never slows the others).
LISTENER_BUFFER = 256
# Allocations the cyclic garbage collector lets pass before a young collection (Python's
# default: 700). Measured with bench/bench_subscriptions.py: a thousand websockets keep some
# 600,000 long-lived objects, and one update's fan-out keeps thousands alive for a moment; at
# 700 each fan-out promotes them, a full collection follows every few seconds, and it stalls
# every socket for 0.3-0.5 s. At 10,000 they die young and full collections become rare.
GC_YOUNG_THRESHOLD = 10_000


def relax_young_collections() -> None:
    """Raises the young-generation threshold of this process to GC_YOUNG_THRESHOLD (never
    lowers it); cyclic garbage is still collected, a little later."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), middle, old)


@dataclass(frozen=True)
class JobState:
    """A job's progress, from a job.updated event or the training service's GetJob."""

    job_id: str
    # A training_pb2.JobStatus value.
    status: int
    percent: float = 0.0
    epoch: int = 0
    total_epochs: int = 0
    loss: float | None = None
    eta_seconds: float | None = None
    message: str = ""
    error: str = ""
    model_id: str = ""
    batch_id: str = ""
    # The job's sequence at this state: every change of the job bumps it.
    sequence: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def supersedes(self, current: JobState) -> bool:
        """Whether this update is newer than ``current`` (and so worth sending). Exact, unlike
        comparing progress: a retried job goes back to queued and 0 %, and that is news."""
        return self.sequence > current.sequence

    @classmethod
    def from_event(cls, body: events_pb2.JobUpdated) -> JobState:
        update = job_update(body)
        return cls._of(update.job_id, update.job_status, update.progress, update)

    @classmethod
    def from_job(cls, job: training_pb2.Job) -> JobState:
        return cls._of(job.id, job.status, job.progress, job)

    @classmethod
    def _of(
        cls,
        job_id: str,
        status: int,
        progress: training_pb2.JobProgress,
        job: training_pb2.Job | events_pb2.JobUpdated,
    ) -> JobState:
        return cls(
            job_id=job_id,
            status=status or training_pb2.JOB_STATUS_QUEUED,
            percent=progress.percent,
            epoch=progress.epoch,
            total_epochs=progress.total_epochs,
            loss=progress.loss if progress.HasField("loss") else None,
            eta_seconds=progress.eta_seconds if progress.HasField("eta_seconds") else None,
            message=progress.message,
            error=job.error,
            model_id=job.model_id,
            batch_id=job.batch_id,
            sequence=job.sequence,
        )


class JobSource(Protocol):
    async def current(self, job_id: str, metadata: Metadata) -> JobState:
        """The job's state as the caller may see it; raises a GraphQL error when the caller
        may not (not found, not theirs)."""
        ...


class TrainingJobSource:
    """The training service's GetJob, called with the subscriber's own credentials."""

    def __init__(self, clients: Callable[[], ServiceClients]) -> None:
        self._clients = clients

    async def current(self, job_id: str, metadata: Metadata) -> JobState:
        with rpc_errors():
            response = await self._clients().training.GetJob(
                training_pb2.GetJobRequest(job_id=job_id), metadata=metadata
            )
        return JobState.from_job(response.job)


class JobUpdatesHub:
    """One ordered ephemeral consumer of job.updated for the whole gateway, started on first
    use, fanning each update out to the queues of that job's subscribers."""

    def __init__(self, nats_url: str) -> None:
        self.nats_url = nats_url
        self._nc: NATS | None = None
        self._lock = asyncio.Lock()
        self._listeners: dict[str, set[asyncio.Queue[JobState]]] = defaultdict(set)

    async def _start(self) -> None:
        async with self._lock:
            if self._nc is not None:
                return
            nc = await jetstream.connect(self.nats_url, name="gateway-subscriptions")
            # Awaiting subscribe means the consumer exists on the server: from here on,
            # every update published reaches _dispatch.
            await nc.jetstream().subscribe(
                JOB_UPDATED_SUBJECT,
                ordered_consumer=True,
                deliver_policy=DeliverPolicy.NEW,
                cb=self._dispatch,
            )
            self._nc = nc

    async def _dispatch(self, msg: Msg) -> None:
        event = events_pb2.Event()
        try:
            event.ParseFromString(msg.data)
        except DecodeError:
            log.warning("undecodable job.updated event")
            return
        listeners = self._listeners.get(event.job_updated.job_id)
        if not listeners:
            return
        state = JobState.from_event(event.job_updated)
        for queue in listeners:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(state)

    @contextlib.asynccontextmanager
    async def listen(self, job_id: str) -> AsyncIterator[asyncio.Queue[JobState]]:
        await self._start()
        queue: asyncio.Queue[JobState] = asyncio.Queue(LISTENER_BUFFER)
        self._listeners[job_id].add(queue)
        try:
            yield queue
        finally:
            self._listeners[job_id].discard(queue)
            if not self._listeners[job_id]:
                del self._listeners[job_id]

    async def close(self) -> None:
        if self._nc is not None:
            await jetstream.close(self._nc)
            self._nc = None


async def job_updates(
    hub: JobUpdatesHub,
    source: JobSource,
    job_id: str,
    metadata: Metadata,
    *,
    authenticate: Callable[[Metadata], Awaitable[object]] | None = None,
    recheck_seconds: float = math.inf,
) -> AsyncIterator[JobState]:
    """The job's current state, then each newer update, until a terminal one.

    A job can run for hours, and its subscriber may meanwhile leave the project, have their
    API key revoked or their token expire: before an update is sent, once ``recheck_seconds``
    have passed since access was last confirmed, the credentials are checked again
    (``authenticate``) and the job read again with them; a refusal ends the stream with it."""
    loop = asyncio.get_running_loop()
    async with hub.listen(job_id) as queue:
        current = await source.current(job_id, metadata)
        confirmed = loop.time()
        yield current
        while not current.terminal:
            update = await queue.get()
            if not update.supersedes(current):
                continue
            if loop.time() - confirmed >= recheck_seconds:
                if authenticate is not None:
                    await authenticate(metadata)
                await source.current(job_id, metadata)
                confirmed = loop.time()
            current = update
            yield current


def _credentials(params: Any) -> Metadata:
    """Credentials from a connection_init payload, header names in any case."""
    if not isinstance(params, dict):
        return ()
    given = {str(k).lower(): v for k, v in params.items() if isinstance(v, str) and v}
    found = []
    if "authorization" in given:
        found.append(("authorization", given["authorization"]))
    if "x-api-key" in given:
        found.append(("x-api-key", given["x-api-key"]))
    return tuple(found)


class Subscriptions:
    """What subscriptions need for the gateway's lifetime: the hub, the job source, and the
    authenticator of websocket connections. A gateway serves long-lived websockets, so its
    process collects young garbage less eagerly (see relax_young_collections)."""

    def __init__(
        self,
        settings: GatewaySettings,
        clients: Callable[[], ServiceClients],
        *,
        job_source: JobSource | None = None,
    ) -> None:
        relax_young_collections()
        self.settings = settings
        self.hub = JobUpdatesHub(settings.nats_url)
        self.jobs = job_source or TrainingJobSource(clients)
        self.slots = SubscriptionSlots(
            settings.max_subscriptions_per_connection, settings.max_subscriptions_per_user
        )
        self._auth: AuthClient | None = None
        self._authenticator: TokenAuthenticator | None = None

    async def authenticate(self, credentials: Metadata) -> Principal:
        """Who the credentials are; raises Unauthenticated unless auth accepts them."""
        if not credentials:
            raise Unauthenticated("credentials required")
        if self._authenticator is None:
            # Made on first use, inside the event loop the gRPC channel belongs to; the
            # authenticator keeps auth's public keys cached across connections.
            self._auth = AuthClient(self.settings, service_name="gateway")
            # API keys are asked of auth every time here (connections and uploads are few),
            # so a revoked key opens nothing, without following revocation events.
            self._authenticator = self._auth.authenticator(self.settings, api_key_cache_seconds=0.0)
        return await self._authenticator.authenticate(dict(credentials), peer="")

    async def reauthenticate(self, credentials: Metadata) -> Principal:
        """:meth:`authenticate` for a live subscription: a refusal is the client's error
        (UNAUTHENTICATED), and so is auth being unreachable (SERVICE_UNAVAILABLE): the stream
        ends rather than going on unchecked, and the client subscribes again."""
        try:
            return await self.authenticate(credentials)
        except Unauthenticated as exc:
            raise ApiError(exc.message, code="UNAUTHENTICATED") from exc
        except Exception as exc:
            log.warning("subscription re-authentication failed: %s", exc)
            raise ApiError("authentication unavailable", code="SERVICE_UNAVAILABLE") from exc

    @contextlib.asynccontextmanager
    async def slot(self, context: Any) -> AsyncIterator[None]:
        """One of the live-subscription slots of the context's socket and user, for as long
        as the subscription runs (gateway/subscription_slots.py)."""
        user_id = context.user_id or (await self.reauthenticate(context.credentials)).user_id
        async with self.slots.hold(context.connection, user_id):
            yield

    async def close(self) -> None:
        await self.hub.close()
        if self._auth is not None:
            await self._auth.close()


class AuthenticatingRouter(GraphQLRouter):
    """Accepts a websocket only with credentials auth accepts, from connection_init (or, for
    clients that can set them, the upgrade request's headers)."""

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested deeper than the parser recurses is malformed JSON (400, or a websocket
        closed 4400), not a RecursionError (500): bodies, multipart ``operations`` and
        ``map``, variables and websocket messages all come through here."""
        try:
            return super().decode_json(data)
        except RecursionError as exc:
            raise json.JSONDecodeError("nested too deeply", "", 0) from exc

    async def on_ws_connect(self, context: Any) -> None:
        credentials = _credentials(context.connection_params) or context.credentials
        try:
            principal = await context.subscriptions.authenticate(credentials)
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message}) from exc
        except Exception as exc:  # auth unreachable: refuse rather than let anyone in
            log.warning("websocket authentication failed: %s", exc)
            raise ConnectionRejectionError({"message": "authentication unavailable"}) from exc
        context.credentials = credentials
        context.user_id = principal.user_id
