"""The training and datasets services as evaluation sees them (datasets through its client).

Every call goes with the service token on behalf of a user (the caller of Evaluate, or the
owner of an automatically evaluated batch), so the peer that owns the data checks that this
user may read it. Peer refusals come back as domain errors with the same meaning.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pandas as pd
import pyarrow.parquet as pq

from common.clients import make_channel, service_metadata
from common.context import Principal
from common.errors import DomainError, FailedPrecondition, InvalidArgument, NotFound
from common.errors import PermissionDenied as Forbidden
from common.settings import Settings
from services.datasets.client import DatasetsClient
from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2, training_pb2_grpc

SERVICE_NAME = "evaluation"
# Peer statuses that are answers about the data (the report cannot be made as asked);
# anything else (UNAVAILABLE, DEADLINE_EXCEEDED, ...) is a fault worth retrying.
_ANSWERS: dict[grpc.StatusCode, type[DomainError]] = {
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.PERMISSION_DENIED: Forbidden,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
}


@dataclass(frozen=True)
class Caller:
    """The user the peers should check access for."""

    user_id: str
    role: str = "member"

    @property
    def principal(self) -> Principal:
        return Principal(user_id=self.user_id, role=self.role)


@contextlib.contextmanager
def peer_answers(what: str) -> Iterator[None]:
    """Turns a peer's NOT_FOUND / PERMISSION_DENIED / ... into our own domain error."""
    try:
        yield
    except grpc.aio.AioRpcError as exc:
        error = _ANSWERS.get(exc.code())
        if error is None:
            raise
        raise error(f"{what}: {exc.details()}") from exc


class Peers:
    def __init__(self, settings: Settings) -> None:
        timeout = settings.rpc_timeout_seconds
        self._token = settings.service_token.get_secret_value()
        self.channel = make_channel(settings.training_addr, default_timeout=timeout)
        self.training = training_pb2_grpc.TrainingServiceStub(self.channel)
        self.datasets = DatasetsClient(settings, service_name=SERVICE_NAME)
        # Whole tables are streamed: give them longer than a single call.
        self.stream_timeout = max(timeout, 300.0)

    def _metadata(self, caller: Caller) -> tuple[tuple[str, str], ...]:
        return service_metadata(
            self._token, service_name=SERVICE_NAME, on_behalf_of=caller.user_id, role=caller.role
        )

    async def get_batch(self, batch_id: str, caller: Caller) -> training_pb2.Batch:
        with peer_answers(f"batch {batch_id}"):
            response = await self.training.GetBatch(
                training_pb2.GetBatchRequest(batch_id=batch_id), metadata=self._metadata(caller)
            )
        return response.batch

    async def get_model(self, model_id: str, caller: Caller) -> training_pb2.Model:
        with peer_answers(f"model {model_id}"):
            response = await self.training.GetModel(
                training_pb2.GetModelRequest(model_id=model_id), metadata=self._metadata(caller)
            )
        return response.model

    async def batch_table(self, batch_id: str, caller: Caller, table: str = "") -> pd.DataFrame:
        """The batch's rows, downloaded as Parquet (typed, unlike CSV)."""
        request = training_pb2.DownloadBatchRequest(
            batch_id=batch_id, format=training_pb2.EXPORT_FORMAT_PARQUET, table=table
        )
        buffer = io.BytesIO()
        with peer_answers(f"batch {batch_id}"):
            async for part in self.training.DownloadBatch(
                request, metadata=self._metadata(caller), timeout=self.stream_timeout
            ):
                buffer.write(part.chunk)
        buffer.seek(0)
        return pq.read_table(buffer).to_pandas()

    async def get_template_schema(self, template_id: str, caller: Caller) -> str:
        with peer_answers(f"template {template_id}"):
            response = await self.training.GetTemplate(
                training_pb2.GetTemplateRequest(template_id=template_id),
                metadata=self._metadata(caller),
            )
        return response.template.schema_json

    async def get_dataset(self, dataset_id: str, caller: Caller) -> datasets_pb2.Dataset:
        return await self.datasets.get_dataset(dataset_id, on_behalf_of=caller.principal)

    async def dataset_stats(self, dataset_id: str, caller: Caller) -> dict[str, Any]:
        return await self.datasets.get_stats(dataset_id, on_behalf_of=caller.principal)

    async def require_role(self, project_id: str, caller: Caller, role: str) -> None:
        """NotFound unless the caller is a member of the project, PermissionDenied unless
        with at least ``role`` (as the datasets service, which owns projects, decides)."""
        await self.datasets.check_access(project_id, caller.user_id, role)

    async def dataset_split(self, dataset_id: str, split: str, caller: Caller) -> pd.DataFrame:
        """One split ("train" or "holdout") of the typed table."""
        table = await self.datasets.read_dataset(dataset_id, split, on_behalf_of=caller.principal)
        return table.to_pandas()

    async def close(self) -> None:
        await self.channel.close()
        await self.datasets.close()
