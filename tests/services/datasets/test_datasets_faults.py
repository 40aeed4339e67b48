"""Faults around ingestion: ingest workers die with the datasets service;
a dataset ingested before a crash keeps its output when it is ingested again; uploads that
never became a dataset are swept at start."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import pytest

from common.storage import Storage
from services.datasets import files
from services.datasets.ingest import IngestLimits, IngestOptions
from services.datasets.ingest.process import ingest_dataset
from tests.services.datasets.test_ingest_process import PEOPLE_CSV
from tests.services.training.training_world import opened_world
from tests.support import REPO, start_datasets
from tools.embedded import free_port, wait_until_listening


def _job(storage_dir: Path, dataset_id: str) -> dict:
    return {
        "storage_url": str(storage_dir),
        "storage_options": {},
        "dataset_id": dataset_id,
        "options": IngestOptions(),
        "limits": dataclasses.asdict(IngestLimits()),
    }


def test_an_ingestion_repeated_after_a_crash_returns_its_finished_output(tmp_path: Path):
    """The worker finished (and removed the upload) but the service died before recording
    it: ingesting again must give the same outcome, not UPLOAD_MISSING with the output
    thrown away."""
    storage = Storage(str(tmp_path), {})
    with storage.open(files.upload_key("d1"), "wb") as sink:
        sink.write(PEOPLE_CSV.encode())
    first = ingest_dataset(_job(tmp_path, "d1"))
    assert first["ok"], first
    assert not storage.exists(files.upload_key("d1"))

    again = ingest_dataset(_job(tmp_path, "d1"))
    assert again == first
    assert storage.exists(files.split_key("d1", "marks"))


def _old(path: Path, seconds: float = 3600) -> None:
    for item in [path, *path.rglob("*")]:
        stamp = time.time() - seconds
        os.utime(item, (stamp, stamp))


@pytest.fixture
async def world(datasets_server, auth_server, training_api, service_token) -> AsyncIterator:
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        yield world


async def test_partial_uploads_are_swept_at_start(world, datasets_config, datasets_server):
    storage_dir = Path(str(datasets_server.storage_dir))
    user = await world.user()
    kept = await world.dataset(user)  # a real dataset: its folder stays
    abandoned, streaming = str(uuid.uuid4()), str(uuid.uuid4())
    storage = Storage(str(storage_dir), {})
    for dataset_id in (abandoned, streaming):
        with storage.open(files.upload_key(dataset_id), "wb") as sink:
            sink.write(b"a,b\n1,2\n")
    _old(storage_dir / "datasets" / abandoned)

    server = await start_datasets(**datasets_config, storage_url=str(storage_dir))
    await server.stop(0)
    assert not (storage_dir / "datasets" / abandoned).exists()
    # Written to recently: another replica may still be receiving it.
    assert (storage_dir / "datasets" / streaming / "upload").exists()
    assert (storage_dir / "datasets" / kept / "split.parquet").exists()


async def test_ingest_workers_die_with_the_datasets_service(
    database_url, nats_url, service_token, auth_server, tmp_path
):
    env = {
        **os.environ,
        "SYNTHETICA_DATABASE_URL": database_url,
        "SYNTHETICA_NATS_URL": nats_url,
        "SYNTHETICA_SERVICE_TOKEN": service_token,
        "SYNTHETICA_AUTH_ADDR": auth_server.address,
        "SYNTHETICA_STORAGE_URL": str(tmp_path),
    }
    alive = await asyncio.to_thread(_kill_service_and_watch_its_workers, env)
    assert not alive, alive


def _kill_service_and_watch_its_workers(env: dict[str, str]) -> list[psutil.Process]:
    """kill -9 of a running datasets service; returns its ingest workers still alive a while
    on (a worker still starting checks for its parent once it is up)."""
    port = free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "services.datasets"],
        cwd=REPO,
        env={**env, "DATASETS_GRPC_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(service.pid, port, name="datasets", timeout=120)
        workers = psutil.Process(service.pid).children()
        assert workers  # the pool starts with the service
        service.kill()
        service.wait(timeout=10)
        return psutil.wait_procs(workers, timeout=90)[1]
    finally:
        if service.poll() is None:
            service.kill()
