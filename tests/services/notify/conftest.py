"""Fixtures for the notify tests: a notify service on real PostgreSQL and NATS, users from a
real auth service, projects from the real datasets service, events published to the real
EVENTS stream, and a gRPC caller."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import nats
import pytest

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2_grpc
from synthetica.notify.v1 import notify_pb2_grpc
from tests.services.notify.notify_helpers import NotifyEnv
from tests.support import AuthCaller, start_notify


@pytest.fixture(scope="module")
async def notify_env(
    auth_server, datasets_server, database_url, nats_url, service_token, tmp_path_factory
) -> AsyncIterator[NotifyEnv]:
    server = await start_notify(
        database_url=database_url,
        nats_url=nats_url,
        service_token=service_token,
        auth_addr=auth_server.address,
        datasets_addr=datasets_server.address,
        storage_url=str(tmp_path_factory.mktemp("storage")),
        consumer_name="notify-test-" + uuid.uuid4().hex[:8],
        webhook_backoff_seconds=0.2,
        webhook_max_attempts=3,
        webhook_poll_seconds=0.1,
        webhook_timeout_seconds=5.0,
    )
    nc = await nats.connect(nats_url)
    channel = make_channel(server.address)
    datasets_channel = make_channel(datasets_server.address)
    auth = AuthCaller(auth_server.address, service_token)
    yield NotifyEnv(
        notify_pb2_grpc.NotifyServiceStub(channel),
        nc.jetstream(),
        auth,
        datasets_pb2_grpc.DatasetsServiceStub(datasets_channel),
    )
    await auth.close()
    await datasets_channel.close()
    await channel.close()
    await nc.close()
    await server.stop(0)
