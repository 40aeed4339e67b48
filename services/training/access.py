"""Who may touch what: project membership and datasets, asked of the datasets service.

Every call goes out with the service token on behalf of the user concerned (through
``DatasetsClient``), so the datasets service applies its own rules too: a dataset of
another user's project is NOT_FOUND or PERMISSION_DENIED there, and stays so here.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import grpc
import pyarrow as pa

from common.clients import peer_errors
from common.context import Principal
from common.contracts.relational import RelationalError, RelationalSchema
from common.errors import FailedPrecondition, InvalidArgument
from common.interceptors import require_user
from common.settings import Settings
from services.datasets.client import DatasetsClient, ProjectAccess, relational_schema
from services.training.approvals import Approval, approval_needed
from synthetica.datasets.v1 import datasets_pb2

VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"


def calling_user() -> Principal:
    """The caller: a user, or a service acting on behalf of one."""
    return require_user("this call needs a user's credentials (or a service on behalf of one)")


# NOT_FOUND and PERMISSION_DENIED are mapped by DatasetsClient; a malformed id is the caller's.
_BAD_DATASET_ID = {"codes": (grpc.StatusCode.INVALID_ARGUMENT,), "field": "dataset_id"}


def dataset_schema(dataset: datasets_pb2.Dataset) -> RelationalSchema:
    """The dataset's tables and links; a dataset stored before it listed its tables is the
    single table of its top-level fields."""
    if not dataset.tables:
        return RelationalSchema.parse({"tables": [{"name": dataset.name or "table"}]})
    try:
        return relational_schema(dataset)
    except RelationalError as exc:
        raise FailedPrecondition(
            f"dataset {dataset.id} cannot be learned: {exc}", reason="DATASET_NOT_READY"
        ) from exc


def _require_tables_ready(dataset: datasets_pb2.Dataset) -> None:
    """Every table of the dataset is learned, so one still ingesting (or relating) or one
    that failed is refused here, named, rather than failing the job when it reads it."""
    for table in dataset.tables:
        if table.status == datasets_pb2.DATASET_STATUS_INGESTING:
            raise FailedPrecondition(
                f"table {table.name!r} of dataset {dataset.id} is still being ingested; "
                "train once it is ready",
                reason="TABLE_NOT_READY",
            )
        if table.status == datasets_pb2.DATASET_STATUS_FAILED:
            raise FailedPrecondition(
                f"table {table.name!r} of dataset {dataset.id} failed to ingest "
                f"({table.error}); upload it again or remove it with removeDatasetTable",
                reason="TABLE_NOT_READY",
            )


class Access:
    def __init__(self, settings: Settings, *, service_name: str) -> None:
        self.datasets = DatasetsClient(settings, service_name=service_name)

    async def require(self, principal: Principal, project_id: str, role: str) -> None:
        """NotFound unless the user is a member of the project, PermissionDenied unless with
        at least ``role``; services acting for nobody in particular pass."""
        if principal.is_user:
            await self.datasets.check_access(project_id, principal.user_id, role)

    async def project(
        self,
        principal: Principal,
        project_id: str,
        role: str = VIEWER,
        *,
        include_owners: bool = False,
    ) -> ProjectAccess:
        """As ``require``, with the project's settings (and its owners when asked). Admins
        pass with ``role`` OWNER (they approve and release anywhere), and so do services
        acting for nobody in particular, whatever the role."""
        return await self.datasets.project_access(
            project_id,
            principal.user_id,
            role,
            include_owners=include_owners,
            admin=not principal.is_user or (principal.is_admin and role == OWNER),
        )

    async def approval(self, principal: Principal, project_id: str) -> Approval | None:
        """PermissionDenied below editor; else whether the caller's new job in the project
        waits for an owner's approval (None: it runs at once)."""
        access = await self.project(principal, project_id, EDITOR, include_owners=True)
        return approval_needed(access, principal)

    async def list_scope(self, principal: Principal, project_id: str) -> dict[str, str]:
        """A project's items for its members; without a project, the caller's own items."""
        if project_id:
            await self.require(principal, project_id, VIEWER)
            return {"project_id": project_id}
        if not principal.is_user:
            raise InvalidArgument("project_id is required for service callers", field="project_id")
        return {"owner_id": principal.user_id}

    async def require_reader(self, principal: Principal, project_id: uuid.UUID) -> None:
        """Membership decides, even for an item's creator: a removed member loses access."""
        await self.require(principal, str(project_id), VIEWER)

    async def dataset_for_training(
        self, principal: Principal, dataset_id: str
    ) -> datasets_pb2.Dataset:
        """The dataset, when the user may train on it and it is ready."""
        if not dataset_id:
            raise InvalidArgument("dataset_id is required", field="dataset_id")
        with peer_errors(**_BAD_DATASET_ID):
            dataset = await self.datasets.get_dataset(dataset_id, on_behalf_of=principal)
        if dataset.status == datasets_pb2.DATASET_STATUS_INGESTING:
            raise FailedPrecondition(
                f"dataset {dataset_id} is still being ingested; train once it is ready",
                reason="DATASET_NOT_READY",
            )
        if dataset.status != datasets_pb2.DATASET_STATUS_READY:
            raise FailedPrecondition(
                f"dataset {dataset_id} failed to ingest: {dataset.error}",
                reason="DATASET_NOT_READY",
            )
        _require_tables_ready(dataset)
        await self.require(principal, dataset.project_id, EDITOR)
        return dataset

    async def download_training_split(self, user_id: str, dataset_id: str, path: Path) -> int:
        """Writes the train split to ``path`` (an Arrow IPC stream), read on behalf of the
        job's owner, without holding it in memory; returns the bytes written."""
        owner = Principal(user_id=user_id, role="member")
        with peer_errors(**_BAD_DATASET_ID):
            return await self.datasets.download_split(dataset_id, path, "train", on_behalf_of=owner)

    async def read_training_tables(
        self, user_id: str, dataset_id: str, tables: list[str]
    ) -> dict[str, pa.Table]:
        """Each named table's train split (split by root entity: a family stays together)."""
        owner = Principal(user_id=user_id, role="member")
        out = {}
        with peer_errors(**_BAD_DATASET_ID):
            for name in tables:
                out[name] = await self.datasets.read_dataset(
                    dataset_id, "train", on_behalf_of=owner, table=name
                )
        return out

    async def close(self) -> None:
        await self.datasets.close()
