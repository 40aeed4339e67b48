"""Models: ``client.models`` and ``Model`` objects (``generate``), asynchronous and
synchronous."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthetica_client._base import Bound, all_pages, enum_of, enum_or_none, id_of
from synthetica_client._batches import AsyncBatch, Batch
from synthetica_client._generated import enums
from synthetica_client._generated.fragments import ModelFields
from synthetica_client._generated.input_types import AnomaliesInput, GenerateInput
from synthetica_client._mirror import Mirror, Namespace, blocking, mirrors
from synthetica_client.errors import NotFound
from synthetica_client.progress import ProgressOption

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient
    from synthetica_client._datasets import DatasetRef
    from synthetica_client._projects import ProjectRef

# A model as the methods take it: its id or the object (of either client).
ModelRef = str | ModelFields


class AsyncModel(Bound, ModelFields):
    _resource = "models"

    async def generate(
        self,
        rows: int,
        *,
        seed: int | None = None,
        conditions: dict[str, Any] | None = None,
        anomalies: float | None = None,
        mark_anomalies: str = "",
        enforce_bounds: bool = True,
        format: str = "parquet",
        wait: bool = True,
        progress: ProgressOption = True,
    ) -> AsyncBatch:
        """Generates ``rows`` synthetic rows. ``conditions`` fixes column values
        (``{"sex": "Female"}``), bounds them (``{"age": {"gte": 30, "lt": 40}}``) or lists
        the values allowed (``{"race": ["White", "Black"]}``); ``anomalies`` perturbs that
        share of rows (marked in the column ``mark_anomalies`` when given). Waits for the
        batch unless ``wait=False``."""
        request = GenerateInput(
            model_id=self.id,
            count=rows,
            seed=seed,
            conditions=conditions,
            anomalies=AnomaliesInput(ratio=anomalies, mark_column=mark_anomalies)
            if anomalies is not None
            else None,
            enforce_bounds=enforce_bounds,
            format=enum_of(enums.ExportFormat, format, "format"),
        )
        payload = (await self._client._t.generate(input=request)).generate
        batch = AsyncBatch.bind(payload.batch, self._client)
        return await batch.wait(progress=progress) if wait else batch


class AsyncModels:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, model: ModelRef) -> AsyncModel:
        return AsyncModel.bind((await self._c._t.model(id=id_of(model))).model, self._c)

    async def list(
        self,
        *,
        project: ProjectRef | None = None,
        dataset: DatasetRef | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[AsyncModel]:
        """Models newest first: a project's (or your own), of one dataset (its id or the
        object), in one status."""
        status_value = enum_or_none(enums.ModelStatus, status, "status")
        found = await all_pages(
            self._c._t.models,
            "models",
            limit,
            project_id=await self._c.projects._id(project),
            dataset_id=id_of(dataset) if dataset else None,
            status=status_value,
        )
        return [AsyncModel.bind(m, self._c) for m in found]

    async def newest(self, dataset: DatasetRef, *, project: ProjectRef | None = None) -> AsyncModel:
        """The newest READY model of a dataset (by id, or by name as ``datasets.get`` finds
        it): what to generate from after ``train``. NotFound when it has none ready."""
        found = await self._c.datasets.get(dataset, project=project)
        # Newest first, filtered by the server: one model each, not every page of them.
        ready = await self.list(project=found.project_id, dataset=found.id, status="READY", limit=1)
        if ready:
            return ready[0]
        models = await self.list(project=found.project_id, dataset=found.id, limit=1)
        last = models[0] if models else None
        if last is None:
            raise NotFound(f"dataset {found.name!r} ({found.id}) has no model: train one first")
        raise NotFound(
            f"dataset {found.name!r} ({found.id}) has no READY model: its newest, {last.id},"
            f" is {last.status.value}{f' ({last.error})' if last.error else ''}"
        )


@mirrors(AsyncModel)
class Model(Mirror, ModelFields):
    generate = blocking(AsyncModel.generate, Batch, then_wait=True)


class Models(Namespace):
    get = blocking(AsyncModels.get, Model)
    list = blocking(AsyncModels.list, list[Model])
    newest = blocking(AsyncModels.newest, Model)
