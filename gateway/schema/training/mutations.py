"""Training mutations: the changes the domain offers in the Mutation root."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.downloads import DOWNLOAD_URL_TTL_SECONDS, download_path, sign_download
from gateway.errors import ApiError
from gateway.http import public_url
from gateway.schema.common import call, caller, fetched
from gateway.schema.json_struct import struct_of
from gateway.schema.training.types import (
    Batch,
    DownloadLink,
    ExportFormat,
    GenerateInput,
    GeneratePayload,
    Job,
    TrainModelInput,
    TrainModelPayload,
)
from synthetica.training.v1 import training_pb2

_GATE_HOLDS = {
    training_pb2.BATCH_GATE_STATE_BLOCKED: "PRIVACY_GATE_BLOCKED",
    training_pb2.BATCH_GATE_STATE_AWAITING_VERDICT: "PRIVACY_GATE_AWAITING_VERDICT",
}


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="create a model and queue its training job")
    async def train_model(
        self, info: Info[Context, None], input: TrainModelInput
    ) -> TrainModelPayload:
        params = training_pb2.TrainParams(
            epochs=input.epochs,
            batch_size=input.batch_size,
            time_budget_seconds=input.time_budget_seconds,
            seed=input.seed,
            options=struct_of(input.options, "options"),
            differential_privacy=(
                input.differential_privacy.to_proto() if input.differential_privacy else None
            ),
        )
        request = training_pb2.TrainModelRequest(
            dataset_id=input.dataset_id, engine=input.engine, params=params, name=input.name
        )
        response = await call(info, info.context.clients.training.TrainModel, request)
        return TrainModelPayload.from_proto(response)

    @strawberry.mutation(description="queue a job that generates a synthetic batch")
    async def generate(self, info: Info[Context, None], input: GenerateInput) -> GeneratePayload:
        anomalies = input.anomalies
        request = training_pb2.GenerateRequest(
            model_id=input.model_id,
            count=input.count,
            seed=input.seed,
            conditions=struct_of(input.conditions, "conditions"),
            anomalies=training_pb2.AnomalyOptions(
                ratio=anomalies.ratio, mark_column=anomalies.mark_column
            )
            if anomalies
            else None,
            enforce_bounds=input.enforce_bounds,
            format=input.format.value,
        )
        response = await call(info, info.context.clients.training.Generate, request)
        return GeneratePayload.from_proto(response)

    @strawberry.mutation(description="stop a queued or running job")
    async def cancel_job(self, info: Info[Context, None], id: strawberry.ID) -> Job:
        request = training_pb2.CancelJobRequest(job_id=id)
        rpc = info.context.clients.training.CancelJob
        return await fetched(info, rpc, request, "job", Job.from_proto)

    @strawberry.mutation(
        description="approve a PENDING_APPROVAL job (project owners and admins): it is queued"
    )
    async def approve_job(
        self, info: Info[Context, None], job_id: strawberry.ID, comment: str = ""
    ) -> Job:
        request = training_pb2.ApproveJobRequest(job_id=job_id, comment=comment)
        rpc = info.context.clients.training.ApproveJob
        return await fetched(info, rpc, request, "job", Job.from_proto)

    @strawberry.mutation(
        description="reject a PENDING_APPROVAL job with a comment (project owners and admins): "
        "it ends CANCELLED and never runs"
    )
    async def reject_job(
        self, info: Info[Context, None], job_id: strawberry.ID, comment: str
    ) -> Job:
        request = training_pb2.RejectJobRequest(job_id=job_id, comment=comment)
        rpc = info.context.clients.training.RejectJob
        return await fetched(info, rpc, request, "job", Job.from_proto)

    @strawberry.mutation(
        description="release a batch the privacy gate (OWNER_OVERRIDE) holds, giving a reason "
        "(project owners and admins): recorded, and the project's owners are told"
    )
    async def release_batch(
        self, info: Info[Context, None], batch_id: strawberry.ID, reason: str
    ) -> Batch:
        request = training_pb2.ReleaseBatchRequest(batch_id=batch_id, reason=reason)
        rpc = info.context.clients.training.ReleaseBatch
        return await fetched(info, rpc, request, "batch", Batch.from_proto)

    @strawberry.mutation(description="a short-lived link that downloads the batch without login")
    async def create_batch_download_url(
        self,
        info: Info[Context, None],
        batch_id: strawberry.ID,
        format: ExportFormat = ExportFormat.CSV,
        table_name: str = "",
        table: str = "",
        csv_formula_guard: Annotated[
            bool,
            strawberry.argument(
                description="CSV: prefix ' to cells and column names a spreadsheet would run "
                "as a formula; false downloads the values as they are"
            ),
        ] = True,
    ) -> DownloadLink:
        ctx = info.context
        request = training_pb2.GetBatchRequest(batch_id=batch_id)
        batch = (await call(info, ctx.clients.training.GetBatch, request)).batch
        user_id, role = await caller(info)
        if batch.status != training_pb2.BATCH_STATUS_READY:
            raise ApiError(
                f"batch {batch_id} is not ready",
                code="FAILED_PRECONDITION",
                reason="BATCH_NOT_READY",
            )
        held = _GATE_HOLDS.get(batch.gate.state)
        if held is not None:
            # The link would be refused when used; say so now. The training service decides.
            raise ApiError(batch.gate.message, code="FAILED_PRECONDITION", reason=held)
        token, expires = sign_download(
            ctx.settings,
            batch_id=batch.id,
            user_id=user_id,
            role=role,
            ttl_seconds=DOWNLOAD_URL_TTL_SECONDS,
        )
        path = download_path(
            batch.id,
            format.name.lower(),
            table_name=table_name,
            table=table,
            token=token,
            csv_formula_guard=csv_formula_guard,
        )
        return DownloadLink(url=public_url(ctx.settings, path), expires_at=expires)
