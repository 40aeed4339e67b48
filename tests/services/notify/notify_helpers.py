"""Helpers of the notify tests: users, projects, events on the real EVENTS stream, polling."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import uvicorn
from google.protobuf.message import Message
from nats.js import JetStreamContext

from common.clients import Metadata
from common.events import new_event
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc
from synthetica.events.v1 import events_pb2
from synthetica.notify.v1 import notify_pb2, notify_pb2_grpc
from tests.support import AuthCaller, publish_event, upload_ready
from tools.embedded import free_port

T = TypeVar("T")


@dataclass
class User:
    id: str
    email: str
    metadata: Metadata


@dataclass
class NotifyEnv:
    """One notify server and what a test needs around it."""

    stub: notify_pb2_grpc.NotifyServiceStub
    js: JetStreamContext
    auth: AuthCaller
    # The real datasets service, which notify asks for a project's members.
    datasets: datasets_pb2_grpc.DatasetsServiceStub

    async def user(self) -> User:
        registered = await self.auth.register()
        return User(
            registered.user.id,
            registered.user.email,
            self.auth.bearer(registered.tokens.access_token),
        )

    async def project(self, owner: User, *members: User) -> str:
        """A new project of ``owner``'s, shared with ``members`` as editors (they may upload)."""
        created = await self.datasets.CreateProject(
            datasets_pb2.CreateProjectRequest(name="Shared"), metadata=owner.metadata
        )
        for member in members:
            await self.datasets.AddProjectMember(
                datasets_pb2.AddProjectMemberRequest(
                    project_id=created.project.id,
                    email=member.email,
                    role=datasets_pb2.PROJECT_ROLE_EDITOR,
                ),
                metadata=owner.metadata,
            )
        return created.project.id

    async def upload(self, user: User, project_id: str, name: str, csv: bytes) -> str:
        return await upload_ready(
            self.datasets,
            user.metadata,
            project_id=project_id,
            name=name,
            csv=csv,
            wait_seconds=60,
        )

    async def publish(self, event: events_pb2.Event, *, msg_id: str | None = None) -> None:
        """Publishes like the outbox relay does; a fresh msg_id defeats JetStream's de-dup,
        which is what a redelivery looks like to the consumer."""
        await publish_event(self.js, event, msg_id=msg_id)

    async def notifications(self, user: User, **request: Any) -> list[notify_pb2.Notification]:
        response = await self.stub.ListNotifications(
            notify_pb2.ListNotificationsRequest(**request), metadata=user.metadata
        )
        return list(response.notifications)


def event(body: Message, user_id: str, *, project_id: str = "") -> events_pb2.Event:
    return new_event(body, user_id=user_id, project_id=project_id)


async def publish_dataset(js: JetStreamContext, user_id: str, name: str) -> None:
    """A dataset.uploaded fact, as the datasets service publishes it: a notification."""
    body = events_pb2.DatasetUploaded(dataset_id=name, name=name, row_count=5)
    await publish_event(js, event(body, user_id))


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], *, timeout: float = 180.0
) -> T:
    """Polls ``probe`` until ``accept`` holds for its result, and returns that result; fails
    saying what it last saw when ``timeout`` seconds pass first (returning the last value then
    made a slow run look like a wrong count: "2 attempts" of a delivery still in progress).

    The wait is long because each module's notify server is a new durable consumer that first
    works through every event earlier tests left on the session's EVENTS stream (thousands
    after the SDK and training tests): on a loaded 2-core machine that took over 60 s."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if accept(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not there after {timeout:.0f} s; last seen: {value!r}")
        await asyncio.sleep(0.1)


@dataclass
class Receiver:
    """Answers each POST to its own path with the next status of ``script`` (then 200) and
    records it. Any other path gets 404 and leaves the script alone: in CI a delivery once
    succeeded on its second try where the script needs three, most likely because another
    test's delivery reached a receiver that had bound port 0 and took the scripted 500."""

    script: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""
    path: str = field(default_factory=lambda: f"/hooks/{uuid.uuid4().hex}")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != self.path:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((headers, body))
        status = self.script.pop(0) if self.script else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@contextlib.asynccontextmanager
async def receiver(script: list[int] | None = None) -> AsyncIterator[Receiver]:
    app = Receiver(script=list(script or []))
    # Below the ephemeral range (port 0 binds inside it, where other connections land too).
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
        await asyncio.sleep(0.02)
    app.url = f"http://127.0.0.1:{port}{app.path}"
    try:
        yield app
    finally:
        server.should_exit = True
        await task
