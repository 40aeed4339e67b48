"""Fixtures for the notify tests: a notify service on real PostgreSQL and NATS, users from a
real auth service, projects from the real datasets service, events published to the real
EVENTS stream, and a gRPC caller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import nats
import pytest

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2_grpc
from synthetica.notify.v1 import notify_pb2_grpc
from tests.services.notify.notify_helpers import NotifyEnv
from tests.support import AuthCaller


@pytest.fixture(scope="module")
async def notify_env(
    notify_server, auth_server, datasets_server, nats_url, service_token
) -> AsyncIterator[NotifyEnv]:
    nc = await nats.connect(nats_url)
    channel = make_channel(notify_server.address)
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
