"""The training service as other services (evaluation) see it: batches, models, their rows
and template schemas, read on behalf of a user so that training applies that user's rights.
Refusals come back as the caller's own domain errors."""

from __future__ import annotations

import io
from typing import BinaryIO

import pandas as pd
import pyarrow.parquet as pq

from common.clients import make_channel, peer_errors, service_metadata
from common.context import Principal
from common.settings import Settings
from synthetica.training.v1 import training_pb2, training_pb2_grpc


class TrainingClient:
    def __init__(self, settings: Settings, *, service_name: str) -> None:
        timeout = settings.rpc_timeout_seconds
        self._token = settings.service_token.get_secret_value()
        self._service_name = service_name
        self.channel = make_channel(settings.training_addr, default_timeout=timeout)
        self.stub = training_pb2_grpc.TrainingServiceStub(self.channel)
        # Whole tables are streamed: give them longer than a single call.
        self.stream_timeout = max(timeout, 300.0)

    def _metadata(self, caller: Principal) -> tuple[tuple[str, str], ...]:
        return service_metadata(
            self._token,
            service_name=self._service_name,
            on_behalf_of=caller.user_id,
            role=caller.role,
        )

    async def get_batch(self, batch_id: str, *, on_behalf_of: Principal) -> training_pb2.Batch:
        with peer_errors(f"batch {batch_id}"):
            response = await self.stub.GetBatch(
                training_pb2.GetBatchRequest(batch_id=batch_id),
                metadata=self._metadata(on_behalf_of),
            )
        return response.batch

    async def get_model(self, model_id: str, *, on_behalf_of: Principal) -> training_pb2.Model:
        with peer_errors(f"model {model_id}"):
            response = await self.stub.GetModel(
                training_pb2.GetModelRequest(model_id=model_id),
                metadata=self._metadata(on_behalf_of),
            )
        return response.model

    async def batch_table(
        self, batch_id: str, *, on_behalf_of: Principal, table: str = ""
    ) -> pd.DataFrame:
        """The batch's rows, downloaded as Parquet (typed, unlike CSV)."""
        buffer = io.BytesIO()
        await self.download_parquet(batch_id, buffer, on_behalf_of=on_behalf_of, table=table)
        buffer.seek(0)
        return pq.read_table(buffer).to_pandas()

    async def download_parquet(
        self, batch_id: str, sink: BinaryIO, *, on_behalf_of: Principal, table: str = ""
    ) -> None:
        """Writes the batch's Parquet file to ``sink`` as it streams in."""
        request = training_pb2.DownloadBatchRequest(
            batch_id=batch_id, format=training_pb2.EXPORT_FORMAT_PARQUET, table=table
        )
        with peer_errors(f"batch {batch_id}"):
            async for part in self.stub.DownloadBatch(
                request, metadata=self._metadata(on_behalf_of), timeout=self.stream_timeout
            ):
                sink.write(part.chunk)

    async def get_template_schema(self, template_id: str, *, on_behalf_of: Principal) -> str:
        with peer_errors(f"template {template_id}"):
            response = await self.stub.GetTemplate(
                training_pb2.GetTemplateRequest(template_id=template_id),
                metadata=self._metadata(on_behalf_of),
            )
        return response.template.schema_json

    async def close(self) -> None:
        await self.channel.close()
