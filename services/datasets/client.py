"""The datasets service as other services (training, evaluation, notify) see it.

Every call is made with the service token on behalf of a user, so the datasets service
applies that user's project rights: a worker can read only what its job's owner may read.
It also passes on ``default_table_name``, the name an upload's first table gets, which the
gateway gives the tables of a zip upload alike, and ``UPLOAD_ACCEPTED`` and ``UPLOAD_LIMIT``,
the initial metadata with which UploadDataset tells its client to send the file and how much
of it (``services.datasets.upload_store``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pyarrow as pa

from common.clients import make_channel, peer_errors, service_metadata
from common.context import Principal
from common.contracts.relational import RelationalSchema
from common.errors import InvalidArgument, NotFound, PermissionDenied, ResourceExhausted
from common.settings import Settings
from services.datasets.tables import default_table_name as default_table_name
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc

UPLOAD_ACCEPTED = ("x-upload-accepted", "1")
# With it, the most bytes the file may have: a client stops there with too_large's error,
# the same the service would give (ending the call while the client still writes made it
# "internal error" now and then).
UPLOAD_LIMIT = "x-upload-limit"
# The reason of a refusal by the storage quota (services.datasets.storage_quota), for uploads
# and generated batches alike; the gateway shows it as QUOTA_EXCEEDED.
QUOTA_REASON = "STORAGE_QUOTA_EXCEEDED"


def too_large(limit: int) -> InvalidArgument:
    return InvalidArgument(
        f"the file is larger than the upload limit of {limit:,} bytes",
        field="file",
        reason="TOO_LARGE",
    )


@contextlib.contextmanager
def _quota_refusals() -> Iterator[None]:
    """The datasets service's quota refusal (and NOT_FOUND for a project gone), passed on
    with its reason, so the gateway shows QUOTA_EXCEEDED as it does for an upload."""
    try:
        with peer_errors(codes=(grpc.StatusCode.NOT_FOUND,)):
            yield
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
            raise
        raise ResourceExhausted(exc.details() or "", reason=QUOTA_REASON) from exc


ROLES = {
    "viewer": datasets_pb2.PROJECT_ROLE_VIEWER,
    "editor": datasets_pb2.PROJECT_ROLE_EDITOR,
    "owner": datasets_pb2.PROJECT_ROLE_OWNER,
}
ROLE_NAMES = {value: name for name, value in ROLES.items()}
SPLITS = {
    "train": datasets_pb2.DATASET_SPLIT_TRAIN,
    "holdout": datasets_pb2.DATASET_SPLIT_HOLDOUT,
    "all": datasets_pb2.DATASET_SPLIT_ALL,
}
# The datasets service's "not there / not yours", passed on as the caller's own answers.
REFUSALS = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)


def relational_schema(dataset: datasets_pb2.Dataset) -> RelationalSchema:
    """The dataset's tables, keys, sequences and links, as the shared contract has them
    (a single-table dataset gives one table and no link)."""
    return RelationalSchema.parse(
        {
            "tables": [
                {
                    "name": table.name,
                    "columns": [column.name for column in table.metadata.columns],
                    "primary_key": table.metadata.primary_key or None,
                    "sequence": {
                        "entity_key": table.sequence.entity_key,
                        "order_column": table.sequence.order_column,
                    }
                    if table.HasField("sequence")
                    else None,
                }
                for table in dataset.tables
            ],
            "foreign_keys": [
                {
                    "parent_table": key.parent_table,
                    "parent_column": key.parent_column,
                    "child_table": key.child_table,
                    "child_column": key.child_column,
                }
                for key in dataset.foreign_keys
            ],
        }
    )


@dataclass(frozen=True)
class ProjectAccess:
    """A user's standing in a project: their role (when at least the one asked for), the
    project's settings and, when asked for, its owners."""

    role: str
    settings: datasets_pb2.ProjectSettings
    owner_ids: tuple[str, ...] = ()


class DatasetsClient:
    def __init__(self, settings: Settings, *, service_name: str) -> None:
        self.channel = make_channel(
            settings.datasets_addr, default_timeout=settings.rpc_timeout_seconds
        )
        self.stub = datasets_pb2_grpc.DatasetsServiceStub(self.channel)
        self._token = settings.service_token.get_secret_value()
        self._service_name = service_name

    def _metadata(self, principal: Principal | None = None) -> tuple[tuple[str, str], ...]:
        return service_metadata(
            self._token,
            service_name=self._service_name,
            on_behalf_of=principal.user_id if principal else "",
            role=principal.role if principal else "",
        )

    async def check_access(self, project_id: str, user_id: str, required_role: str) -> str:
        """The user's role ("viewer", "editor" or "owner") when it is at least
        ``required_role``; NotFound when not a member, PermissionDenied when too low."""
        return (await self.project_access(project_id, user_id, required_role)).role

    async def project_access(
        self,
        project_id: str,
        user_id: str,
        required_role: str,
        *,
        include_owners: bool = False,
        admin: bool = False,
    ) -> ProjectAccess:
        """As ``check_access``, with the project's settings (and owners when asked). An
        ``admin`` passes whatever their membership (role "admin"), where the project exists."""
        with peer_errors(codes=REFUSALS):
            response = await self.stub.CheckProjectAccess(
                datasets_pb2.CheckProjectAccessRequest(
                    project_id=project_id,
                    user_id=user_id,
                    required_role=ROLES[required_role],
                    include_owners=include_owners,
                ),
                metadata=self._metadata(),
            )
        owners = tuple(response.owner_ids)
        if admin and response.HasField("settings"):
            return ProjectAccess("admin", response.settings, owners)
        if response.role == datasets_pb2.PROJECT_ROLE_UNSPECIFIED:
            raise NotFound("project not found", reason="PROJECT_NOT_FOUND")
        role = ROLE_NAMES[response.role]
        if not response.allowed:
            raise PermissionDenied(
                f"this needs the {required_role} role in the project; the user is {role}",
                reason="PROJECT_ROLE_TOO_LOW",
            )
        return ProjectAccess(role, response.settings, owners)

    async def get_dataset(
        self, dataset_id: str, *, on_behalf_of: Principal
    ) -> datasets_pb2.Dataset:
        with peer_errors(codes=REFUSALS):
            response = await self.stub.GetDataset(
                datasets_pb2.GetDatasetRequest(dataset_id=dataset_id),
                metadata=self._metadata(on_behalf_of),
            )
        return response.dataset

    async def get_stats(self, dataset_id: str, *, on_behalf_of: Principal) -> dict[str, Any]:
        """The statistics computed at ingestion (per column count, nulls, distinct, ...)."""
        with peer_errors(codes=REFUSALS):
            response = await self.stub.GetDatasetStats(
                datasets_pb2.GetDatasetStatsRequest(dataset_id=dataset_id),
                metadata=self._metadata(on_behalf_of),
            )
        return json.loads(response.stats_json or "{}")

    async def read_dataset(
        self,
        dataset_id: str,
        split: str = "train",
        *,
        on_behalf_of: Principal,
        table: str = "",
    ) -> pa.Table:
        """The split ("train", "holdout" or "all") of one table (the first unless named) as
        one Arrow table, streamed in chunks."""
        buffer = io.BytesIO()
        async for chunk in self._split_chunks(dataset_id, split, on_behalf_of, table):
            buffer.write(chunk)
        buffer.seek(0)
        return pa.ipc.open_stream(buffer).read_all()

    async def download_split(
        self,
        dataset_id: str,
        path: Path,
        split: str = "train",
        *,
        on_behalf_of: Principal,
        table: str = "",
    ) -> int:
        """Writes the split (as ``read_dataset``) to the file ``path`` as an Arrow IPC
        stream, chunk by chunk: memory stays at one chunk whatever the split's size.
        Returns the bytes written."""
        written = 0
        with path.open("wb") as out:
            async for chunk in self._split_chunks(dataset_id, split, on_behalf_of, table):
                await asyncio.to_thread(out.write, chunk)
                written += len(chunk)
        return written

    async def _split_chunks(
        self, dataset_id: str, split: str, on_behalf_of: Principal, table: str
    ) -> AsyncIterator[bytes]:
        with peer_errors(codes=REFUSALS):
            call = self.stub.ReadDataset(
                datasets_pb2.ReadDatasetRequest(
                    dataset_id=dataset_id, split=SPLITS[split], table=table
                ),
                metadata=self._metadata(on_behalf_of),
            )
            async for response in call:
                yield response.arrow_ipc_chunk

    async def list_project_members(self, project_id: str, *, on_behalf_of: Principal) -> list[str]:
        """The user ids of the project's members, as ``on_behalf_of`` may see them; NotFound
        for a project that is gone or that user's no longer, InvalidArgument for a bad id."""
        members: list[str] = []
        page_token = ""
        with peer_errors(codes=(*REFUSALS, grpc.StatusCode.INVALID_ARGUMENT)):
            while True:
                page = await self.stub.ListProjectMembers(
                    datasets_pb2.ListProjectMembersRequest(
                        project_id=project_id, page_size=200, page_token=page_token
                    ),
                    metadata=self._metadata(on_behalf_of),
                )
                members.extend(m.user_id for m in page.members)
                page_token = page.next_page_token
                if not page_token:
                    return members

    # --- storage quota (generated batches; services.datasets.storage_quota) --------------

    async def check_storage_quota(self, project_id: str, size_bytes: int) -> None:
        """ResourceExhausted (``STORAGE_QUOTA_EXCEEDED``) when the project's owner has no
        room for about ``size_bytes`` more."""
        with _quota_refusals():
            await self.stub.CheckStorageQuota(
                datasets_pb2.CheckStorageQuotaRequest(project_id=project_id, size_bytes=size_bytes),
                metadata=self._metadata(),
            )

    async def charge_batch_storage(self, charge: datasets_pb2.ChargeBatchStorageRequest) -> bool:
        """Sets a batch part's charge (see ChargeBatchStorage); False when a newer attempt
        holds it. ResourceExhausted (``STORAGE_QUOTA_EXCEEDED``) past the quota."""
        with _quota_refusals():
            response = await self.stub.ChargeBatchStorage(charge, metadata=self._metadata())
        return response.charged

    async def release_batch_storage(
        self, batch_ids: list[str], *, part: int = 0, attempt: int = 0
    ) -> None:
        """Gives back the batches' charges (one part's, as far as ``attempt`` holds it)."""
        await self.stub.ReleaseBatchStorage(
            datasets_pb2.ReleaseBatchStorageRequest(
                batch_ids=batch_ids, part=part, attempt=attempt
            ),
            metadata=self._metadata(),
        )

    async def close(self) -> None:
        await self.channel.close()

    relational_schema = staticmethod(relational_schema)
