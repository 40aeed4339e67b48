"""DatasetsService's storage quota RPCs (services.datasets.storage_quota): the caller's usage,
and for the training service, a generate request's estimate checked and a batch's bytes
charged and given back. DatasetsServicer serves them."""

from __future__ import annotations

import grpc

from common.db import Database
from common.errors import FieldViolation, InvalidArgument
from common.ids import parse_id
from common.interceptors import require_service
from services.datasets import storage_quota
from services.datasets.member_rpcs import calling_user
from services.datasets.settings import DatasetsSettings
from synthetica.datasets.v1 import datasets_pb2


class QuotaRpcs:
    """The storage quota half of DatasetsServicer, which provides these attributes."""

    db: Database
    settings: DatasetsSettings

    async def GetStorageUsage(
        self, request: datasets_pb2.GetStorageUsageRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.GetStorageUsageResponse:
        found = await self.db.call(
            storage_quota.usage,
            user_id=calling_user().user_id,
            quota_bytes=self.settings.storage_quota_bytes,
        )
        return datasets_pb2.GetStorageUsageResponse(
            used_bytes=found.used_bytes, quota_bytes=found.quota_bytes
        )

    async def CheckStorageQuota(
        self, request: datasets_pb2.CheckStorageQuotaRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CheckStorageQuotaResponse:
        require_service("this call is for services only", reason="SERVICE_ONLY")
        found = await self.db.call(
            storage_quota.check_room,
            project_id=request.project_id,
            size_bytes=request.size_bytes,
            quota_bytes=self.settings.storage_quota_bytes,
        )
        return datasets_pb2.CheckStorageQuotaResponse(
            used_bytes=found.used_bytes, quota_bytes=found.quota_bytes
        )

    async def ChargeBatchStorage(
        self, request: datasets_pb2.ChargeBatchStorageRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ChargeBatchStorageResponse:
        require_service("this call is for services only", reason="SERVICE_ONLY")
        violations = []
        if request.attempt < 1:
            violations.append(FieldViolation("attempt", "must be at least 1"))
        if request.part < 0:
            violations.append(FieldViolation("part", "must not be negative"))
        if request.size_bytes < 0:
            violations.append(FieldViolation("size_bytes", "must not be negative"))
        if violations:
            raise InvalidArgument(violations[0].description, violations=violations)
        charge = storage_quota.PartCharge(
            batch_id=parse_id(request.batch_id, "batch_id"),
            part=request.part,
            attempt=request.attempt,
            project_id=request.project_id,
            dataset_id=parse_id(request.dataset_id, "dataset_id") if request.dataset_id else None,
            size_bytes=request.size_bytes,
            committed=request.committed,
        )
        charged = await self.db.call(
            storage_quota.charge_batch,
            charge=charge,
            quota_bytes=self.settings.storage_quota_bytes,
        )
        return datasets_pb2.ChargeBatchStorageResponse(charged=charged)

    async def ReleaseBatchStorage(
        self, request: datasets_pb2.ReleaseBatchStorageRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ReleaseBatchStorageResponse:
        require_service("this call is for services only", reason="SERVICE_ONLY")
        if request.attempt and len(request.batch_ids) != 1:
            raise InvalidArgument("one batch id with an attempt", field="batch_ids")
        await self.db.call(
            storage_quota.release_batches,
            batch_ids=[parse_id(i, "batch_ids") for i in request.batch_ids],
            part=request.part,
            attempt=request.attempt,
        )
        return datasets_pb2.ReleaseBatchStorageResponse()
