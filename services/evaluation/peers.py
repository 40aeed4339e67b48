"""The training and datasets services as evaluation sees them, through their clients.

Every call goes with the service token on behalf of a user (the caller of Evaluate, or the
owner of an automatically evaluated batch), so the peer that owns the data checks that this
user may read it. Peer refusals come back as domain errors with the same meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from common.context import Principal
from common.settings import Settings
from services.datasets.client import DatasetsClient
from services.training.client import TrainingClient
from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2

SERVICE_NAME = "evaluation"


@dataclass(frozen=True)
class Caller:
    """The user the peers should check access for."""

    user_id: str
    role: str = "member"

    @property
    def principal(self) -> Principal:
        return Principal(user_id=self.user_id, role=self.role)


class Peers:
    def __init__(self, settings: Settings) -> None:
        self.training = TrainingClient(settings, service_name=SERVICE_NAME)
        self.datasets = DatasetsClient(settings, service_name=SERVICE_NAME)

    async def get_batch(self, batch_id: str, caller: Caller) -> training_pb2.Batch:
        return await self.training.get_batch(batch_id, on_behalf_of=caller.principal)

    async def get_model(self, model_id: str, caller: Caller) -> training_pb2.Model:
        return await self.training.get_model(model_id, on_behalf_of=caller.principal)

    async def batch_table(self, batch_id: str, caller: Caller, table: str = "") -> pd.DataFrame:
        """The batch's rows, downloaded as Parquet (typed, unlike CSV)."""
        return await self.training.batch_table(batch_id, on_behalf_of=caller.principal, table=table)

    async def get_template_schema(self, template_id: str, caller: Caller) -> str:
        return await self.training.get_template_schema(template_id, on_behalf_of=caller.principal)

    async def get_dataset(self, dataset_id: str, caller: Caller) -> datasets_pb2.Dataset:
        return await self.datasets.get_dataset(dataset_id, on_behalf_of=caller.principal)

    async def dataset_stats(self, dataset_id: str, caller: Caller) -> dict[str, Any]:
        return await self.datasets.get_stats(dataset_id, on_behalf_of=caller.principal)

    async def require_role(self, project_id: str, caller: Caller, role: str) -> None:
        """NotFound unless the caller is a member of the project, PermissionDenied unless
        with at least ``role`` (as the datasets service, which owns projects, decides)."""
        await self.datasets.check_access(project_id, caller.user_id, role)

    async def dataset_split(
        self, dataset_id: str, split: str, caller: Caller, table: str = ""
    ) -> pd.DataFrame:
        """One split ("train" or "holdout") of one typed table (the first unless named)."""
        rows = await self.datasets.read_dataset(
            dataset_id, split, on_behalf_of=caller.principal, table=table
        )
        return rows.to_pandas()

    async def close(self) -> None:
        await self.training.close()
        await self.datasets.close()
