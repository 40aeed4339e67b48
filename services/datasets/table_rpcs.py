"""DatasetsService's RPCs that change how a dataset's tables relate, or which tables it has:
setting keys and links, and removing a table. Each holds the dataset's relating lock (across
replicas, see ``relater``) from reading the relations to saving them and the new split, so a
detection running elsewhere cannot overwrite them. DatasetsServicer serves them."""

from __future__ import annotations

import asyncio

import grpc

from common.db import Database
from common.errors import NotFound
from common.storage import Storage
from services.datasets import convert, files, models, service, table_service
from services.datasets.member_rpcs import calling_user
from services.datasets.relater import Relater
from services.datasets.relations import Relations
from services.datasets.table_checks import checked_relations
from synthetica.datasets.v1 import datasets_pb2


class TableRpcs:
    """The tables half of DatasetsServicer, which provides these attributes."""

    db: Database
    storage: Storage
    relater: Relater

    async def UpdateDatasetRelationships(
        self,
        request: datasets_pb2.UpdateDatasetRelationshipsRequest,
        context: grpc.aio.ServicerContext,
    ) -> datasets_pb2.UpdateDatasetRelationshipsResponse:
        user = calling_user()
        args = {"user_id": user.user_id, "dataset_id": request.dataset_id}
        dataset = await self.db.call(service.get_dataset, **args, required=models.EDITOR)
        service.require_ready(dataset)
        async with self.relater.lock(str(dataset.id)):
            dataset = await self.db.call(service.get_dataset, **args, required=models.EDITOR)
            tables = table_service.ready_tables(dataset)
            current = Relations.model_validate(dataset.relations or {})
            keys, relations = convert.relationships_from_proto(request, dataset, current)
            checked = await asyncio.to_thread(
                checked_relations, self.storage, tables, keys, relations
            )
            await self.db.call(
                table_service.save_relationships, **args, relations=checked, primary_keys=keys
            )
            saved = await self.relater.resplit(str(dataset.id))
        if saved is None:  # deleted meanwhile
            raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
        return datasets_pb2.UpdateDatasetRelationshipsResponse(
            dataset=convert.dataset_to_proto(saved)
        )

    async def RemoveDatasetTable(
        self, request: datasets_pb2.RemoveDatasetTableRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.RemoveDatasetTableResponse:
        args = {"user_id": calling_user().user_id, "dataset_id": request.dataset_id}
        dataset = await self.db.call(service.get_dataset, **args, required=models.EDITOR)
        async with self.relater.lock(str(dataset.id)):
            unit = await self.db.call(table_service.remove_table, **args, name=request.table_name)
            await asyncio.to_thread(files.remove_all, self.storage, unit)
            saved = await self.relater.resplit(str(dataset.id))
        if saved is None:  # deleted meanwhile
            raise NotFound("dataset not found", reason="DATASET_NOT_FOUND")
        return datasets_pb2.RemoveDatasetTableResponse(dataset=convert.dataset_to_proto(saved))
