"""Fixtures for the ingestion tests: a local fsspec filesystem and an ingest helper."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common.clients import make_channel
from services.datasets.client import DatasetsClient
from services.datasets.ingest import IngestLimits, IngestOptions, IngestResult, ingest
from services.datasets.settings import DatasetsSettings
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc
from tests.support import AuthCaller, User

Ingest = Callable[..., tuple[IngestResult, pa.Table]]
Metadata = tuple[tuple[str, str], ...]


@pytest.fixture
def fs() -> fsspec.AbstractFileSystem:
    return fsspec.filesystem("file")


@pytest.fixture
def out_path(tmp_path: Path) -> str:
    return str(tmp_path / "store" / "data.parquet")


@pytest.fixture
def run_ingest(fs: fsspec.AbstractFileSystem, out_path: str) -> Ingest:
    """Ingest bytes or a file with the given options; returns the result and the written table."""

    def run(
        source: bytes | Path, limits: IngestLimits | None = None, **options: object
    ) -> tuple[IngestResult, pa.Table]:
        if isinstance(source, Path):
            path = source
            opener = lambda: path.open("rb")  # noqa: E731
        else:
            opener = lambda: io.BytesIO(source)  # noqa: E731
        result = ingest(
            opener, options=IngestOptions(**options), limits=limits, fs=fs, out_path=out_path
        )
        return result, pq.read_table(out_path)

    return run


class DatasetsCaller:
    """Users with their credentials, and the datasets service's calls they make."""

    def __init__(self, address: str, auth: AuthCaller) -> None:
        self.channel = make_channel(address)
        self.stub = datasets_pb2_grpc.DatasetsServiceStub(self.channel)
        self.auth = auth

    async def user(self) -> User:
        return await self.auth.user("ds")

    async def add(self, owner: Metadata, project_id: str, user: User, role: int) -> None:
        await self.stub.AddProjectMember(
            datasets_pb2.AddProjectMemberRequest(
                project_id=project_id, email=user.email, role=role
            ),
            metadata=owner,
        )

    async def project(self, md: Metadata, name: str = "Census") -> datasets_pb2.Project:
        response = await self.stub.CreateProject(
            datasets_pb2.CreateProjectRequest(name=name), metadata=md
        )
        return response.project

    async def upload(
        self,
        md: Metadata,
        project_id: str,
        data: bytes,
        *,
        file_name: str = "data.csv",
        name: str = "",
        wait_seconds: int = 120,
        chunk_bytes: int = 256 * 1024,
        **options: Any,
    ) -> datasets_pb2.Dataset:
        header = datasets_pb2.UploadHeader(
            project_id=project_id,
            name=name,
            file_name=file_name,
            options=datasets_pb2.IngestOptions(**options),
            wait_seconds=wait_seconds,
        )

        async def messages() -> AsyncIterator[datasets_pb2.UploadDatasetRequest]:
            yield datasets_pb2.UploadDatasetRequest(header=header)
            for start in range(0, len(data), chunk_bytes):
                yield datasets_pb2.UploadDatasetRequest(chunk=data[start : start + chunk_bytes])

        response = await self.stub.UploadDataset(messages(), metadata=md, timeout=180)
        return response.dataset

    async def close(self) -> None:
        await self.channel.close()


@contextlib.asynccontextmanager
async def datasets_caller(server, auth_server, service_token: str) -> AsyncIterator[DatasetsCaller]:
    """A caller of the datasets ``server`` (users and projects made through ``auth_server``)."""
    auth = AuthCaller(auth_server.address, service_token)
    caller = DatasetsCaller(server.address, auth)
    try:
        yield caller
    finally:
        await caller.close()
        await auth.close()


@pytest.fixture
async def ds(datasets_server, auth_server, service_token) -> AsyncIterator[DatasetsCaller]:
    async with datasets_caller(datasets_server, auth_server, service_token) as caller:
        yield caller


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "datasets").rglob("*") if p.is_file())


@pytest.fixture
def storage_files(datasets_server) -> Callable[[], list[Path]]:
    """Every file the datasets service keeps, to check that a failed upload stored nothing."""
    return lambda: stored_files(datasets_server.storage_dir)


@pytest.fixture
async def client(datasets_server, service_token) -> AsyncIterator[DatasetsClient]:
    """A datasets client as the training service holds one (the tables tests read with it)."""
    settings = DatasetsSettings(
        database_url="unused", service_token=service_token, datasets_addr=datasets_server.address
    )
    client = DatasetsClient(settings, service_name="training")
    yield client
    await client.close()
