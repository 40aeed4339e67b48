"""What the training tests share: users with a small uploaded table, and the training calls
they make against the real services."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pandas as pd

from common.clients import make_channel
from common.grpc_server import GrpcServer
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc
from synthetica.training.v1 import training_pb2, training_pb2_grpc
from tests.adult import small_csv as small_adult_csv
from tests.support import AuthCaller, User, upload_ready

FINISHED = (
    training_pb2.JOB_STATUS_SUCCEEDED,
    training_pb2.JOB_STATUS_FAILED,
    training_pb2.JOB_STATUS_CANCELLED,
)
# Settings every worker of the session shares (they share one durable JetStream consumer).
WORKER_SETTINGS = {
    "job_ack_wait_seconds": 4.0,
    "job_heartbeat_seconds": 1.0,
    "job_retry_delay_seconds": 0.5,
    "job_max_attempts": 2,
    "engine_threads": 1,
    "progress_interval_seconds": 0.5,
}


class TrainingWorld:
    """A test's view of the platform: users, projects, datasets and the training stub."""

    def __init__(self, training_addr: str, datasets_addr: str, auth: AuthCaller) -> None:
        self.channels = [make_channel(training_addr), make_channel(datasets_addr)]
        self.training = training_pb2_grpc.TrainingServiceStub(self.channels[0])
        self.datasets = datasets_pb2_grpc.DatasetsServiceStub(self.channels[1])
        self.auth = auth

    async def user(self) -> User:
        return await self.auth.user("train")

    async def project(self, user: User) -> str:
        response = await self.datasets.CreateProject(
            datasets_pb2.CreateProjectRequest(name="Census"), metadata=user.md
        )
        return response.project.id

    async def add_member(self, owner: User, project_id: str, email: str, role: int) -> None:
        await self.datasets.AddProjectMember(
            datasets_pb2.AddProjectMemberRequest(project_id=project_id, email=email, role=role),
            metadata=owner.md,
        )

    async def dataset(self, user: User, data: bytes | None = None, project_id: str = "") -> str:
        """Uploads ``data`` (a small adult CSV by default) and waits until it is ready."""
        project_id = project_id or await self.project(user)
        return await upload_ready(
            self.datasets,
            user.md,
            project_id=project_id,
            name="adult",
            csv=data if data is not None else small_adult_csv(),
            wait_seconds=120,
        )

    async def train(
        self, user: User, dataset_id: str, engine: str = "gaussian_copula", **params: object
    ) -> training_pb2.TrainModelResponse:
        return await self.training.TrainModel(
            training_pb2.TrainModelRequest(
                dataset_id=dataset_id, engine=engine, params=training_pb2.TrainParams(**params)
            ),
            metadata=user.md,
        )

    async def wait_job(
        self, user: User, job_id: str, statuses: Iterable[int] = FINISHED, timeout: float = 180
    ) -> training_pb2.Job:
        wanted = set(statuses)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            job = (
                await self.training.GetJob(
                    training_pb2.GetJobRequest(job_id=job_id), metadata=user.md
                )
            ).job
            if job.status in wanted:
                return job
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"job still {job.status} after {timeout}s: {job}")
            await asyncio.sleep(0.3)

    async def trained_model(self, user: User, dataset_id: str, **params: object) -> str:
        """A READY gaussian_copula model id."""
        started = await self.train(user, dataset_id, **params)
        job = await self.wait_job(user, started.job.id)
        assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job
        return started.model.id

    async def batch(self, user: User, batch_id: str) -> training_pb2.Batch:
        response = await self.training.GetBatch(
            training_pb2.GetBatchRequest(batch_id=batch_id), metadata=user.md
        )
        return response.batch

    async def succeeded_batch(
        self,
        user: User,
        started: training_pb2.GenerateResponse | training_pb2.GenerateFromTemplateResponse,
    ) -> training_pb2.Batch:
        """The batch of a generate or template job just started, once the job succeeded."""
        job = await self.wait_job(user, started.job.id)
        assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
        return await self.batch(user, started.batch.id)

    async def jobs(self, user: User) -> list[training_pb2.Job]:
        """The user's jobs, newest first: a refused request must not have added one."""
        response = await self.training.ListJobs(training_pb2.ListJobsRequest(), metadata=user.md)
        return list(response.jobs)

    async def download(self, user: User, batch_id: str, fmt: int, **kw: object) -> bytes:
        stream = self.training.DownloadBatch(
            training_pb2.DownloadBatchRequest(batch_id=batch_id, format=fmt, **kw),
            metadata=user.md,
            # A whole batch streams in this one call: 800,000 rows outlasted the channel's
            # 30 s default on a loaded machine.
            timeout=300,
        )
        return b"".join([m.chunk async for m in stream])

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


def training_settings(
    *, database_url: str, nats_url: str, token: str, auth: str, datasets: str, storage: Path
) -> dict[str, object]:
    return {
        "database_url": database_url,
        "nats_url": nats_url,
        "service_token": token,
        "auth_addr": auth,
        "datasets_addr": datasets,
        "storage_url": str(storage),
        **WORKER_SETTINGS,
    }


def frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data))


@contextlib.asynccontextmanager
async def opened_world(
    training: GrpcServer, datasets: GrpcServer, auth: GrpcServer, service_token: str
) -> AsyncIterator[TrainingWorld]:
    """A TrainingWorld on these servers, its auth caller acting with ``service_token``;
    both are closed on the way out."""
    caller = AuthCaller(auth.address, service_token)
    world = TrainingWorld(training.address, datasets.address, caller)
    try:
        yield world
    finally:
        await world.close()
        await caller.close()
