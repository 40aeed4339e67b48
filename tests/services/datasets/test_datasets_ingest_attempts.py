"""Ingesting a table survives its service dying between ingestion and relating: the next
process resumes it, relates it once and makes it READY; an older attempt that wakes up late
writes nothing over what the newer one finished. Two replicas relate a dataset one at a
time: a user's links saved on one are not overwritten by a detection running on the other."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from common.db import Database
from services.datasets import ingestion, relater
from services.datasets.ingest.runner import IngestRunner
from services.datasets.models import DatasetTable
from services.datasets.relations import Relations
from synthetica.datasets.v1 import datasets_pb2 as pb
from tests.services.datasets.conftest import DatasetsCaller
from tests.services.datasets.test_datasets_tables import add_table, fixture
from tests.support import AuthCaller, start_datasets


class Hang:
    """Relating that hangs when ``table`` is related the first time (the process dies
    there), and counts the runs for it that went through."""

    def __init__(self, table: str, *, dies: bool = True) -> None:
        self.real = relater.relate_stored
        self.table = table
        self.dies = dies
        self.entered = threading.Event()
        self.release = threading.Event()
        self.finished = 0

    def __call__(self, storage: Any, tables: Any, relations: Any, new_table: str) -> Any:
        if new_table == self.table and not self.entered.is_set():
            self.entered.set()
            self.release.wait(120)
            if self.dies:
                raise RuntimeError("this process was killed")
        result = self.real(storage, tables, relations, new_table)
        self.finished += new_table == self.table
        return result


@dataclass
class Replicas:
    """Datasets services on the same database and storage folder."""

    settings: dict[str, Any]
    servers: list[Any] = field(default_factory=list)
    callers: list[DatasetsCaller] = field(default_factory=list)

    async def start(self) -> tuple[Any, DatasetsCaller]:
        server = await start_datasets(**self.settings)
        self.servers.append(server)
        auth = AuthCaller(self.settings["auth_addr"], self.settings["service_token"])
        self.callers.append(DatasetsCaller(server.address, auth))
        return server, self.callers[-1]


@pytest.fixture
async def replicas(
    database_url, nats_url, service_token, auth_server, tmp_path
) -> AsyncIterator[Replicas]:
    settings = {
        "database_url": database_url,
        "nats_url": nats_url,
        "service_token": service_token,
        "auth_addr": auth_server.address,
        "storage_url": str(tmp_path),
    }
    replicas = Replicas(settings)
    yield replicas
    for caller in replicas.callers:
        await caller.close()
        await caller.auth.close()
    for server in replicas.servers:
        await server.stop(0)


def airlines_row(db: Database, dataset_id: str) -> DatasetTable:
    query = select(DatasetTable).where(
        DatasetTable.dataset_id == uuid.UUID(dataset_id), DatasetTable.name == "airlines"
    )
    return db.run(lambda session: session.scalars(query).one())


async def test_a_table_whose_service_died_while_relating_is_resumed_and_related_once(
    replicas, database_url, monkeypatch
):
    hang = Hang("airlines")
    monkeypatch.setattr(relater, "relate_stored", hang)
    first, caller = await replicas.start()
    user = await caller.user()
    project = await caller.project(user.md)
    flights = await caller.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")
    added = await add_table(
        caller, user.md, flights.id, fixture("airlines"), "airlines", wait_seconds=0
    )
    assert {t.name: t.status for t in added.tables}["airlines"] == pb.DATASET_STATUS_INGESTING
    assert await asyncio.to_thread(hang.entered.wait, 120)
    await first.stop(0)  # dies while relating

    _, caller = await replicas.start()  # resumes what the first left INGESTING
    dataset = await until_settled(caller, user.md, flights.id, "airlines")

    assert {t.name: t.status for t in dataset.tables}["airlines"] == pb.DATASET_STATUS_READY
    assert [(k.parent_table, k.child_table) for k in dataset.foreign_keys] == [
        ("airlines", "flights")
    ]
    assert hang.finished == 1  # related once, by the second attempt
    db = Database(database_url)
    try:
        row = airlines_row(db, flights.id)
        assert row.ingest_attempt == 2 and row.row_count == 14

        # The first attempt wakes up late: it can neither fail the table nor complete it
        # again with other relations.
        args = {"dataset_id": flights.id, "table_id": str(row.id), "attempt": 1}
        failure = {"ok": False, "code": "internal", "message": "late"}
        assert not db.run(ingestion.record_outcome, **args, outcome=failure)
        db.run(ingestion.complete, **args, relations=Relations(), primary_keys={}, counts=None)
        assert db.run(ingestion.relating_input, **args) is None
        assert db.run(ingestion.claim_attempt, dataset_id=flights.id, table_id=str(row.id)) is None
    finally:
        db.engine.dispose()
        hang.release.set()
    again = await caller.stub.GetDataset(
        pb.GetDatasetRequest(dataset_id=flights.id), metadata=user.md
    )
    assert again.dataset.foreign_keys == dataset.foreign_keys
    assert {t.name: t.status for t in again.dataset.tables}["airlines"] == pb.DATASET_STATUS_READY


async def test_a_replica_starting_while_another_ingests_leaves_the_table_to_it(
    replicas, database_url, monkeypatch
):
    """The second replica's startup recovery finds the table INGESTING, but its ingest lease
    held by the first, alive and working: it does not ingest it again. The table ends READY
    once, by the first replica's one attempt."""
    hang = Hang("airlines", dies=False)
    monkeypatch.setattr(relater, "relate_stored", hang)
    ended: list[str] = []
    real_run = IngestRunner._run

    async def run(runner: IngestRunner, dataset_id: str, table_id: str, options: Any) -> Any:
        result = await real_run(runner, dataset_id, table_id, options)
        if table_id:  # an added table's run; the upload's own ("") may end after it is READY
            ended.append(table_id)
        return result

    monkeypatch.setattr(IngestRunner, "_run", run)
    _, one = await replicas.start()
    user = await one.user()
    project = await one.project(user.md)
    flights = await one.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")
    await add_table(one, user.md, flights.id, fixture("airlines"), "airlines", wait_seconds=0)
    assert await asyncio.to_thread(hang.entered.wait, 120)  # the first replica is relating it
    assert ended == []

    await replicas.start()  # recovers what it finds INGESTING: airlines
    db = Database(database_url)
    try:
        for _ in range(1200):
            if ended:
                break
            await asyncio.sleep(0.1)
        # The second replica's attempt ended without claiming the table.
        assert len(ended) == 1, ended
        assert airlines_row(db, flights.id).ingest_attempt == 1
    finally:
        hang.release.set()
    try:
        dataset = await until_settled(one, user.md, flights.id, "airlines")
        assert {t.name: t.status for t in dataset.tables}["airlines"] == pb.DATASET_STATUS_READY
        assert hang.finished == 1  # related once
        row = airlines_row(db, flights.id)
        assert row.ingest_attempt == 1 and row.row_count == 14
    finally:
        db.engine.dispose()


async def until_settled(caller: DatasetsCaller, md: Any, dataset_id: str, name: str) -> pb.Dataset:
    request = pb.GetDatasetRequest(dataset_id=dataset_id)
    for _ in range(1200):
        dataset = (await caller.stub.GetDataset(request, metadata=md)).dataset
        if {t.name: t.status for t in dataset.tables}[name] != pb.DATASET_STATUS_INGESTING:
            return dataset
        await asyncio.sleep(0.1)
    pytest.fail(f"{name} still INGESTING")


async def test_links_a_user_sets_on_one_replica_wait_for_a_detection_on_another(
    replicas, monkeypatch
):
    hang = Hang("airlines", dies=False)
    monkeypatch.setattr(relater, "relate_stored", hang)
    _, one = await replicas.start()
    _, other = await replicas.start()
    user = await one.user()
    project = await one.project(user.md)
    flights = await one.upload(user.md, project.id, fixture("flights"), file_name="flights.csv")
    await add_table(one, user.md, flights.id, fixture("airlines"), "airlines", wait_seconds=0)
    assert await asyncio.to_thread(hang.entered.wait, 120)  # detecting on the first replica

    # The user removes every link through the other replica meanwhile.
    request = pb.UpdateDatasetRelationshipsRequest(
        dataset_id=flights.id, foreign_keys=[], replace_foreign_keys=True
    )
    update = asyncio.ensure_future(
        other.stub.UpdateDatasetRelationships(request, metadata=user.md, timeout=120)
    )
    try:
        done, _ = await asyncio.wait({update}, timeout=3)
        assert not done  # it waits for the detection to finish
    finally:
        hang.release.set()
    await update

    dataset = await until_settled(one, user.md, flights.id, "airlines")
    assert {t.name: t.status for t in dataset.tables}["airlines"] == pb.DATASET_STATUS_READY
    assert list(dataset.foreign_keys) == []  # the user's choice, saved last, holds
