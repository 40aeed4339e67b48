"""A revoked API key, or the key of a disabled user, stops working in the other services too
at once, not after their cache of API keys expires.

The services here remember API keys for five minutes, so a refusal can only come from the
revocation event reaching them, not from their memory running out. Auth and datasets run on
a database of their own: disabling a user needs an admin, and the first account is one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import grpc
import pytest

from synthetica.auth.v1 import auth_pb2
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc
from tests.conftest import migrated_database
from tests.support import AuthCaller, start_auth, start_datasets

REMEMBERED_SECONDS = 300
# How long a test waits for an event to arrive before it calls the key still working.
EVENT_DEADLINE_SECONDS = 20


@pytest.fixture(scope="module")
async def world(postgres_server_url, nats_url, service_token, tmp_path_factory):
    database_url = migrated_database(postgres_server_url)
    auth = await start_auth(
        database_url=database_url, nats_url=nats_url, service_token=service_token
    )
    datasets = await start_datasets(
        database_url=database_url,
        nats_url=nats_url,
        service_token=service_token,
        auth_addr=auth.address,
        storage_url=str(tmp_path_factory.mktemp("storage")),
        api_key_cache_seconds=REMEMBERED_SECONDS,
    )
    caller = AuthCaller(auth.address, service_token)
    admin = await caller.register()  # the first account: an admin
    channel = grpc.aio.insecure_channel(datasets.address)
    yield caller, admin, datasets_pb2_grpc.DatasetsServiceStub(channel)
    await channel.close()
    await caller.close()
    await datasets.stop(0)
    await auth.stop(0)


async def key_of(caller: AuthCaller, tokens: auth_pb2.TokenPair) -> auth_pb2.CreateApiKeyResponse:
    return await caller.stub.CreateApiKey(
        auth_pb2.CreateApiKeyRequest(name="ci"), metadata=caller.bearer(tokens.access_token)
    )


def lists_projects(
    stub: datasets_pb2_grpc.DatasetsServiceStub, secret: str
) -> Callable[[], Awaitable[grpc.StatusCode]]:
    async def call() -> grpc.StatusCode:
        try:
            await stub.ListProjects(
                datasets_pb2.ListProjectsRequest(), metadata=(("x-api-key", secret),)
            )
        except grpc.aio.AioRpcError as exc:
            return exc.code()
        return grpc.StatusCode.OK

    return call


async def refused_in_time(call: Callable[[], Awaitable[grpc.StatusCode]]) -> bool:
    deadline = time.monotonic() + EVENT_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if await call() == grpc.StatusCode.UNAUTHENTICATED:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_revoked_key_stops_working_in_other_services(world):
    caller, _, datasets = world
    user = await caller.register()
    key = await key_of(caller, user.tokens)
    other = await key_of(caller, user.tokens)
    call, other_call = lists_projects(datasets, key.secret), lists_projects(datasets, other.secret)
    assert await call() == grpc.StatusCode.OK  # now remembered by datasets
    assert await other_call() == grpc.StatusCode.OK

    await caller.stub.RevokeApiKey(
        auth_pb2.RevokeApiKeyRequest(api_key_id=key.api_key.id),
        metadata=caller.bearer(user.tokens.access_token),
    )
    assert await refused_in_time(call)
    # Only that key: the user's other key goes on working.
    assert await other_call() == grpc.StatusCode.OK


async def test_a_disabled_user_s_keys_stop_working_in_other_services(world):
    caller, admin, datasets = world
    user = await caller.register()
    call = lists_projects(datasets, (await key_of(caller, user.tokens)).secret)
    assert await call() == grpc.StatusCode.OK

    await caller.stub.SetUserDisabled(
        auth_pb2.SetUserDisabledRequest(user_id=user.user.id, disabled=True),
        metadata=caller.bearer(admin.tokens.access_token),
    )
    assert await refused_in_time(call)
