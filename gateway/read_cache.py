"""The gateway's read cache for ``dataset(id)`` and ``project(id)``, never wrong for longer
than an event takes to arrive.

What is kept, and who may read it:
- a dataset's answer by dataset id (GetDataset shows every member the same answer), served
  only to a caller known to be a member of the dataset's project: ``(project, user)`` is
  remembered when the datasets service answered that user for a dataset of the project;
- a project's answer per ``(project, user)`` (it carries the caller's role).
The caller is identified as every service identifies it (common.security's authenticator:
access tokens until their ``exp``, API keys until revoked, disabled or
SYNTHETICA_API_KEY_CACHE_SECONDS). A caller the cache does not know (an outsider, an admin
who is no member, a bad token) is asked of the datasets service as before; refusals are
never kept.

What drops it: the datasets service writes an event with every change of what these answers
show (services/datasets/change_events.py: dataset.updated/uploaded/failed/deleted,
project.updated/deleted, project_member.added/removed, project_member_role.changed), in the
transaction of the change. Every gateway process follows them on a core NATS subscription of
its own and drops what they name; on a disconnect, a reconnect or a slow-consumer error it
drops everything and serves nothing from memory until it is subscribed again. A mutation
through this gateway drops everything when it ends (read your own writes without waiting
for the event). A fetch that began before any of these never stores its answer (the
generation counter). Entries live at most GATEWAY_READ_CACHE_SECONDS (what bounds anything
else: an event held up in an outbox while NATS is reachable) and at most
GATEWAY_READ_CACHE_ENTRIES are kept per kind, dataset answers of at most
GATEWAY_READ_CACHE_MEGABYTES together (least recently used first out).

It relies on the datasets service reading what it has committed (one PostgreSQL, no lagging
replica): a fetch that starts after an event arrived sees that event's change.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

import nats
import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from prometheus_client import Counter
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from common.clients import Metadata
from common.jetstream import EVENTS_SUBJECT_PREFIX
from common.polling import cancel_and_wait
from common.revocations import follow_revocations
from common.security import TokenAuthenticator
from gateway.settings import GatewaySettings
from services.auth.client import AuthClient
from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.events.v1 import events_pb2

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Every subject whose events change what is kept (see the module docstring).
SUBJECTS = tuple(
    EVENTS_SUBJECT_PREFIX + entity + ".*"
    for entity in ("dataset", "project", "project_member", "project_member_role")
)
lookups_total = Counter(
    "gateway_read_cache_lookups_total",
    "dataset(id) and project(id) reads: served from the read cache (hit), fetched and kept"
    " (miss), fetched and not kept (stale: an event came meanwhile), or not looked up (bypass:"
    " the caller is unknown, or the cache is not following events)",
    ["kind", "result"],
)
# Seconds between attempts to reach NATS while the cache is not subscribed.
RECONNECT_SECONDS = 2.0


class Lru(Generic[K, V]):
    """At most ``size`` entries weighing at most ``max_bytes`` together (``weigh``; none:
    unweighed), each until its deadline; the least recently used goes first. An entry
    heavier than ``max_bytes`` alone is not kept. (A few dozen lines, no dependency:
    cachetools is not in the environment.)"""

    def __init__(
        self, size: int, max_bytes: int = 0, weigh: Callable[[V], int] | None = None
    ) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._weigh = weigh
        self.bytes = 0
        self._items: OrderedDict[K, tuple[float, V, int]] = OrderedDict()

    def get(self, key: K, now: float) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= now:
            self._remove(key)
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: K, value: V, until: float) -> None:
        weight = self._weigh(value) if self._weigh is not None else 0
        self._remove(key)
        if self._weigh is not None and weight > self.max_bytes:
            return
        self._items[key] = (until, value, weight)
        self.bytes += weight
        while len(self._items) > self.size or (self._weigh and self.bytes > self.max_bytes):
            self._remove(next(iter(self._items)))

    def _remove(self, key: K) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self.bytes -= item[2]

    def drop(self, matches: Callable[[K, V], bool]) -> None:
        for key in [k for k, (_, v, _w) in self._items.items() if matches(k, v)]:
            self._remove(key)

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


Fetch = Callable[[], Awaitable[Any]]


class ReadCache:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.ttl = settings.read_cache_seconds
        size = settings.read_cache_entries
        # Weighed as sent: 20 tables of 1,000 columns is an answer of about 1 MB.
        budget = int(settings.read_cache_megabytes * 1024 * 1024)
        self.datasets: Lru[str, pb.Dataset] = Lru(size, budget, pb.Dataset.ByteSize)
        # (project id, user id) -> True: the datasets service answered this user for a
        # dataset of this project, so the user is a member (every role may read a dataset).
        self.members: Lru[tuple[str, str], bool] = Lru(size)
        self.projects: Lru[tuple[str, str], pb.Project] = Lru(size)
        self.generation = 0
        self.subscribed = False
        self._nc: NATS | None = None
        self._auth: AuthClient | None = None
        self._authenticator: TokenAuthenticator | None = None
        self._connecting: asyncio.Task[None] | None = None
        # What this instance answered, by result (see lookups_total).
        self.counts: dict[str, int] = {"hit": 0, "miss": 0, "stale": 0, "bypass": 0}

    # --- lifetime --------------------------------------------------------------------------

    async def start(self) -> None:
        """Starts following events (in the background until NATS answers); serves nothing
        from memory before."""
        self._auth = AuthClient(self.settings, service_name="gateway")
        self._authenticator = self._auth.authenticator(self.settings)
        self._connecting = asyncio.create_task(self._connect_until_done())

    async def _connect_until_done(self) -> None:
        level = logging.WARNING
        while True:
            try:
                await self._connect()
                return
            except Exception as exc:
                log.log(level, "read cache: NATS unreachable, serving without it: %s", exc)
                level = logging.DEBUG
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _connect(self) -> None:
        nc = await nats.connect(
            self.settings.nats_url,
            name="gateway-read-cache",
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=5,
            allow_reconnect=True,
            disconnected_cb=self._disconnected,
            reconnected_cb=self._reconnected,
            error_cb=self._error,
        )
        try:
            for subject in SUBJECTS:
                await nc.subscribe(subject, cb=self._on_event)
            if self._authenticator is not None:
                # The stream may not exist yet (no service started): this fails, and the
                # next attempt tries again on a new connection.
                await follow_revocations(nc, self._authenticator)
            await nc.flush()
        except BaseException:
            await nc.close()
            raise
        self._nc = nc
        self.clear()
        self.subscribed = True

    async def close(self) -> None:
        self.subscribed = False
        if self._connecting is not None:
            # Not one cancel and a wait: nats-py's connect retries for ever while NATS is away,
            # and a cancel that comes as a refused attempt ends is swallowed (Python 3.11's
            # wait_for), so the wait never ended (a gateway's shutdown hung on it).
            await cancel_and_wait([self._connecting])
        if self._nc is not None:
            await self._nc.close()
        if self._auth is not None:
            await self._auth.close()

    async def _disconnected(self) -> None:
        self.subscribed = False
        self.clear()

    async def _reconnected(self) -> None:
        # The client subscribes again as it reconnects; the flush returns once the server has
        # those subscriptions. What was published while away is lost: everything kept was
        # dropped on the disconnect, and a fetch begun before now is not kept (generation).
        self.clear()
        if self._nc is None:
            return
        try:
            await self._nc.flush(timeout=2)
        except Exception as exc:  # gone again: the next reconnect tries again
            log.info("read cache: NATS flush after reconnect failed: %s", exc)
            return
        self.clear()
        self.subscribed = True

    async def _error(self, exc: Exception) -> None:
        # A slow consumer loses messages: nothing kept can be trusted (other errors, such as
        # refused reconnects, come with a disconnect, which dropped everything already).
        level = logging.WARNING if isinstance(exc, nats.errors.SlowConsumerError) else logging.DEBUG
        log.log(level, "read cache: NATS error, dropping everything: %s", exc)
        self.clear()

    # --- invalidation ------------------------------------------------------------------------

    def clear(self) -> None:
        self.generation += 1
        self.datasets.clear()
        self.members.clear()
        self.projects.clear()

    async def _on_event(self, msg: Msg) -> None:
        event = events_pb2.Event()
        try:
            event.ParseFromString(msg.data)
        except Exception:
            self.clear()
            return
        self.apply(event)

    def apply(self, event: events_pb2.Event) -> None:
        """Drops what ``event`` changes; anything it cannot place drops everything."""
        self.generation += 1
        body = event.WhichOneof("body")
        project = event.project_id
        if body in ("dataset_updated", "dataset_uploaded", "dataset_failed", "dataset_deleted"):
            dataset_id = getattr(event, body).dataset_id
            self.datasets.drop(lambda key, _: key == dataset_id)
        elif body == "project_updated" and project:
            self.projects.drop(lambda key, _: key[0] == project)
        elif body in ("project_member_added", "project_member_removed") and project:
            self._drop_member(project, getattr(event, body).user_id)
        elif body == "project_member_role_changed" and project:
            self._drop_member(project, event.project_member_role_changed.user_id)
        elif body == "project_deleted" and project:
            self.projects.drop(lambda key, _: key[0] == project)
            self.members.drop(lambda key, _: key[0] == project)
            self.datasets.drop(lambda _, dataset: dataset.project_id == project)
        else:
            self.clear()

    def _drop_member(self, project: str, user: str) -> None:
        self.members.drop(lambda key, _: key == (project, user))
        self.projects.drop(lambda key, _: key == (project, user))

    # --- reads -------------------------------------------------------------------------------

    async def user_id(self, credentials: Metadata) -> str:
        """The caller's user id as the services see it; empty when the cache cannot serve
        this caller (no credentials, refused, or not following events)."""
        if not self.subscribed or self._authenticator is None or not credentials:
            return ""
        try:
            principal = await self._authenticator.authenticate(dict(credentials), peer="")
        except Exception:  # refused, or auth unreachable: the service answers as before
            return ""
        return principal.user_id if principal.via in ("token", "api_key") else ""

    def _count(self, kind: str, result: str) -> None:
        self.counts[result] += 1
        lookups_total.labels(kind, result).inc()

    async def dataset(self, credentials: Metadata, dataset_id: str, fetch: Fetch) -> pb.Dataset:
        user = await self.user_id(credentials)
        dataset_id = canonical(dataset_id)
        if not user or not dataset_id:
            self._count("dataset", "bypass")
            return await fetch()
        now = time.monotonic()
        dataset = self.datasets.get(dataset_id, now)
        if dataset is not None and self.members.get((dataset.project_id, user), now):
            self._count("dataset", "hit")
            return dataset
        generation = self.generation
        dataset = await fetch()
        if generation != self.generation or not self.subscribed:
            self._count("dataset", "stale")
            return dataset
        until = time.monotonic() + self.ttl
        self.datasets.put(dataset_id, dataset, until)
        self.members.put((dataset.project_id, user), True, until)
        self._count("dataset", "miss")
        return dataset

    async def project(self, credentials: Metadata, project_id: str, fetch: Fetch) -> pb.Project:
        user = await self.user_id(credentials)
        project_id = canonical(project_id)
        if not user or not project_id:
            self._count("project", "bypass")
            return await fetch()
        key = (project_id, user)
        project = self.projects.get(key, time.monotonic())
        if project is not None:
            self._count("project", "hit")
            return project
        generation = self.generation
        project = await fetch()
        if generation != self.generation or not self.subscribed:
            self._count("project", "stale")
            return project
        self.projects.put(key, project, time.monotonic() + self.ttl)
        self._count("project", "miss")
        return project


def canonical(value: str) -> str:
    """The id as the events name it: the services take any spelling of a UUID (upper case,
    no hyphens, braces, urn:uuid:), and an answer kept under another spelling would outlive
    the event that drops it. Empty for no UUID (the service refuses it)."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return ""


class ClearAfterMutations(SchemaExtension):
    """A mutation through this gateway drops everything the cache keeps once it has run, so
    its caller reads their own write at once (other gateways drop it when its event comes)."""

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        cache = getattr(context.context, "read_cache", None)
        if cache is not None and context.operation_type == OperationType.MUTATION:
            cache.clear()
