"""Faults: the auth service rides out a PostgreSQL restart and loses nothing committed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import psutil
import pytest
import sqlalchemy as sa

from common.migrations import MIGRATIONS, upgrade
from synthetica.auth.v1 import auth_pb2
from tests.support import PASSWORD, AuthCaller, start_auth, unique_email
from tools.embedded import EmbeddedPostgres, free_port


@pytest.fixture
def restartable_postgres():
    data_dir = Path(tempfile.mkdtemp(prefix="synthetica-test-pg-restart-"))
    server = EmbeddedPostgres(data_dir, free_port(), throwaway=True)
    server.start()
    server.create_database("synthetica")
    url = server.url("synthetica")
    for schema, path in MIGRATIONS.items():
        upgrade(url, schema, path)
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
async def caller(
    restartable_postgres, nats_url, service_token, tmp_path
) -> AsyncIterator[AuthCaller]:
    """A caller of an auth service on the restartable PostgreSQL."""
    server = await start_auth(
        database_url=restartable_postgres.url("synthetica"),
        nats_url=nats_url,
        service_token=service_token,
        storage_url=str(tmp_path),
    )
    caller = AuthCaller(server.address, service_token)
    yield caller
    await caller.close()
    await server.stop(0)


async def test_postgres_restart_loses_nothing(restartable_postgres, caller):
    before = unique_email()
    await caller.register(before)
    restartable_postgres.stop()
    with pytest.raises(grpc.aio.AioRpcError) as down:
        await caller.register()
    assert down.value.code() == grpc.StatusCode.UNAVAILABLE  # typed: try again later
    assert "database" in down.value.details()
    restartable_postgres.start()
    after = unique_email()
    await caller.register(after)  # pooled connections were re-established
    for email in (before, after):
        login = await caller.stub.Login(
            auth_pb2.LoginRequest(email=email, password=PASSWORD), metadata=caller.service_md
        )
        assert login.user.email == email
    engine = sa.create_engine(restartable_postgres.url("synthetica"))
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM auth.users")).scalar_one()
    engine.dispose()
    assert count == 2


async def test_a_frozen_postgres_is_a_typed_unavailable_and_recovery_needs_no_restart(
    restartable_postgres, caller
):
    """PostgreSQL stopped (SIGSTOP: it accepts connections and answers
    nothing) gives UNAVAILABLE within seconds, well before the caller's deadline, and the
    service works again once PostgreSQL does."""
    postmaster = psutil.Process(
        int((restartable_postgres.data_dir / "postmaster.pid").read_text().split()[0])
    )
    await caller.register()
    # The postmaster and every backend (each backend leads a process group of its own).
    frozen_processes = [postmaster, *postmaster.children(recursive=True)]
    for process in frozen_processes:
        process.suspend()
    try:
        for _ in range(3):  # pooled connections and new ones alike
            with pytest.raises(grpc.aio.AioRpcError) as frozen:
                await caller.stub.Register(
                    auth_pb2.RegisterRequest(email=unique_email(), password=PASSWORD),
                    metadata=caller.service_md,
                    timeout=60,
                )
            assert frozen.value.code() == grpc.StatusCode.UNAVAILABLE, frozen.value
            assert "database" in frozen.value.details()
    finally:
        for process in frozen_processes:
            process.resume()
    email = unique_email()
    await caller.register(email)
    login = await caller.stub.Login(
        auth_pb2.LoginRequest(email=email, password=PASSWORD), metadata=caller.service_md
    )
    assert login.user.email == email
