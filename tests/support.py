"""Helpers the tests share: start services in-process on port 0, call them, make users."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import nats
import sqlalchemy as sa
import uvicorn
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from nats.js import JetStreamContext
from starlette.types import ASGIApp

from common.clients import Metadata, make_channel, service_metadata
from common.grpc_server import GrpcServer
from common.jetstream import EVENTS_SUBJECT_PREFIX, publish
from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.subscriptions import JobSource
from services.auth.main import build as build_auth
from services.auth.settings import AuthSettings
from services.datasets.main import build as build_datasets
from services.datasets.settings import DatasetsSettings
from services.evaluation.main import build as build_evaluation
from services.evaluation.settings import EvaluationSettings
from services.notify.main import build as build_notify
from services.notify.settings import NotifySettings
from services.training.main import build as build_training
from services.training.main import build_worker as build_training_worker
from services.training.settings import TrainingSettings
from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc
from synthetica.events.v1 import events_pb2

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-42"
# The built-in templates the product ships, in the order they are listed.
BUILTIN_TEMPLATES = (
    "user",
    "ecommerce_transaction",
    "company",
    "healthcare_ehr",
    "finance_transactions",
    "robotics_sensors",
)
# The suite's auth service makes this account an admin (tests.support.admin_token signs it in).
ADMIN_EMAIL = "admin@synthetica.example.com"


async def _started(server: Awaitable[GrpcServer]) -> GrpcServer:
    built = await server
    await built.start()
    return built


async def start_auth(**settings: object) -> GrpcServer:
    """The auth service on port 0. The whole suite registers from 127.0.0.1, so the limit
    on registrations per address is lifted unless a test sets it (the limit's own tests do);
    passwords are hashed at Argon2id's lowest cost unless a test sets it."""
    settings.setdefault("register_max_per_client", 1_000_000)
    # Cheap password hashes (the default cost is about 0.2 CPU-s a hash, paid at every
    # registration and login of the suite); tests/services/auth/test_auth_grpc.py checks
    # the default cost on a service of its own.
    settings.setdefault("password_hash_time_cost", 1)
    settings.setdefault("password_hash_memory_kib", 64)
    settings.setdefault("password_hash_parallelism", 1)
    return await _started(build_auth(AuthSettings(grpc_port=0, **settings)))


async def start_datasets(**settings: object) -> GrpcServer:
    """The datasets service on port 0; needs auth_addr (it verifies tokens against auth)."""
    return await _started(build_datasets(DatasetsSettings(grpc_port=0, **settings)))


async def start_notify(**settings: object) -> GrpcServer:
    """The notify service on port 0; needs auth_addr and datasets_addr (project members).
    Webhooks may target loopback here."""
    settings.setdefault("webhook_allowed_networks", ["127.0.0.0/8"])
    return await _started(build_notify(NotifySettings(grpc_port=0, **settings)))


async def start_training(**settings: object) -> GrpcServer:
    """The training API on port 0; needs auth_addr and datasets_addr."""
    return await _started(build_training(TrainingSettings(grpc_port=0, **settings)))


async def start_training_worker(**settings: object) -> GrpcServer:
    """A training worker in-process, its health server on port 0."""
    return await _started(build_training_worker(TrainingSettings(worker_health_port=0, **settings)))


async def start_evaluation(**settings: object) -> GrpcServer:
    """The evaluation service on port 0 (its batch.generated consumer included); needs
    auth_addr, training_addr and datasets_addr."""
    return await _started(build_evaluation(EvaluationSettings(grpc_port=0, **settings)))


SERVICES = ("auth", "datasets", "training", "evaluation", "notify")


def spawn_python(args: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen:
    """``python <args>`` from the repository root in a session of its own (a signal to its
    process group reaches all it starts), its output and errors one text stream."""
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def addresses(*servers: GrpcServer) -> dict[str, str]:
    """The settings that point a service or the gateway at running servers, named after the
    gRPC service each serves: ``synthetica.training.v1.TrainingService`` gives
    ``training_addr``."""
    return {
        name.split(".")[1] + "_addr": server.address
        for server in servers
        for name in server.service_names
    }


@contextlib.asynccontextmanager
async def start_gateway(
    *servers: GrpcServer,
    service_token: str,
    job_source: JobSource | None = None,
    **settings: object,
) -> AsyncIterator[str]:
    """A gateway over real HTTP on a free port, calling ``servers`` (see :func:`addresses`;
    an ``<service>_addr`` in ``settings`` wins); yields its base URL. A service (or NATS) not
    given is unreachable, not the default address, where `make up` may be serving."""
    unreachable = {f"{name}_addr": f"unix:/nonexistent/{name}.sock" for name in SERVICES}
    # Nor the default NATS (`make up`'s): a read cache following another server's events
    # would keep answers nobody invalidates.
    unreachable["nats_url"] = "nats://127.0.0.1:1"
    app = create_app(
        GatewaySettings(
            service_token=service_token, **(unreachable | addresses(*servers) | settings)
        ),
        job_source=job_source,
    )
    async with serve(app) as url:
        yield url


@contextlib.asynccontextmanager
async def gateway_client(
    *servers: GrpcServer, service_token: str, timeout: float
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client (``timeout`` seconds a request) of a gateway over ``servers``, started
    as :func:`start_gateway` starts it."""
    async with (
        start_gateway(*servers, service_token=service_token) as url,
        httpx.AsyncClient(base_url=url, timeout=timeout) as client,
    ):
        yield client


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """An ASGI app served over real HTTP on a free port; yields its base URL. Served as
    gateway/main.py serves it: without uvicorn's access log (the gateway writes its own),
    requests still running 10 s after the shutdown began are cancelled, no websocket
    compression."""
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=int(
                GatewaySettings.model_fields["shutdown_grace_seconds"].default
            ),
            ws_per_message_deflate=False,
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def upload_ready(
    datasets: datasets_pb2_grpc.DatasetsServiceStub,
    metadata: Metadata,
    *,
    project_id: str,
    name: str,
    csv: bytes,
    wait_seconds: int,
) -> str:
    """Uploads a CSV into the project the way a client does and returns the dataset's id once
    it is ingested (the datasets service then publishes dataset.uploaded itself)."""
    header = datasets_pb2.UploadHeader(
        project_id=project_id, name=name, file_name=name + ".csv", wait_seconds=wait_seconds
    )

    async def requests() -> AsyncIterator[datasets_pb2.UploadDatasetRequest]:
        yield datasets_pb2.UploadDatasetRequest(header=header)
        yield datasets_pb2.UploadDatasetRequest(chunk=csv)

    # The call outlives the server's wait by half of it, so the server's answer arrives.
    response = await datasets.UploadDataset(
        requests(), metadata=metadata, timeout=wait_seconds * 1.5
    )
    assert response.dataset.status == datasets_pb2.DATASET_STATUS_READY, response.dataset
    return response.dataset.id


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@dataclass(frozen=True)
class User:
    """A registered user: the access token, and the metadata that carries it."""

    id: str
    email: str
    md: Metadata
    token: str


class AuthCaller:
    """A gRPC client of the auth service with a choice of credentials per call."""

    def __init__(self, address: str, service_token: str) -> None:
        self.channel = make_channel(address)
        self.stub = auth_pb2_grpc.AuthServiceStub(self.channel)
        self.service_md = service_metadata(service_token, service_name="tests")

    @staticmethod
    def bearer(token: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {token}"),)

    async def register(
        self, email: str | None = None, password: str = PASSWORD
    ) -> auth_pb2.RegisterResponse:
        return await self.stub.Register(
            auth_pb2.RegisterRequest(email=email or unique_email(), password=password),
            metadata=self.service_md,
        )

    async def user(self, prefix: str = "user") -> User:
        """A new user with an email that starts with ``prefix``."""
        registered = await self.register(unique_email(prefix))
        token = registered.tokens.access_token
        return User(registered.user.id, registered.user.email, self.bearer(token), token)

    async def admin_token(self) -> str:
        """An access token of the suite's admin account (registered on first use)."""
        try:
            return (await self.register(ADMIN_EMAIL)).tokens.access_token
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise
        login = await self.stub.Login(
            auth_pb2.LoginRequest(email=ADMIN_EMAIL, password=PASSWORD), metadata=self.service_md
        )
        return login.tokens.access_token

    async def close(self) -> None:
        await self.channel.close()


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
    *,
    token: str | None = None,
    api_key: str | None = None,
    headers: dict | None = None,
) -> dict:
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if api_key:
        sent["X-API-Key"] = api_key
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
    )
    assert response.status_code == 200, response.text
    return response.json()


def error_code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


def rpc_code(exc: grpc.aio.AioRpcError) -> grpc.StatusCode:
    return exc.code()


def field_violations(exc: grpc.aio.AioRpcError) -> dict[str, str]:
    """The fields an INVALID_ARGUMENT names in its BadRequest detail, in order, with what is
    wrong with each; empty when the error carries none."""
    for detail in rpc_status.from_call(exc).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return {v.field: v.description for v in bad.field_violations}
    return {}


async def publish_event(
    js: JetStreamContext, event: events_pb2.Event, *, msg_id: str | None = None
) -> None:
    """Publishes ``event`` on its subject as the outbox relay does, with the event's id as
    ``Nats-Msg-Id`` (a fresh ``msg_id`` passes JetStream's de-duplication: a redelivery)."""
    subject = EVENTS_SUBJECT_PREFIX + event.type
    await publish(js, subject, event.SerializeToString(), msg_id=msg_id or event.id)


async def stream_events(url: str, subject: str) -> list[events_pb2.Event]:
    """Every event on the subject so far, read with an ordered ephemeral consumer."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    sub = await js.subscribe(subject, ordered_consumer=True)
    found = []
    while True:
        try:
            msg = await sub.next_msg(timeout=1.0)
        except nats.errors.TimeoutError:
            break
        event = events_pb2.Event()
        event.ParseFromString(msg.data)
        found.append(event)
    await nc.close()
    return found


def error_reason(error: grpc.aio.AioRpcError) -> str:
    """The reason of the google.rpc.ErrorInfo an error carries ("" without one)."""
    status = rpc_status.from_call(error)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


@contextlib.contextmanager
def loaded_sql(
    database_url: str, script: str, *, drop: Sequence[str] = ()
) -> Iterator[sa.Connection]:
    """A connection to the test database once ``script`` ran there in one transaction; the
    tables named in ``drop`` are dropped afterwards, whatever happened."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(script)
        with engine.connect() as conn:
            yield conn
    finally:
        with engine.begin() as conn:
            for name in drop:
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        engine.dispose()
