"""The engine calls of a model's generate job, whole or in shards (``worker``,
``worker_shards``): sampling with the request's options, and the rules its rows obey."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from common.context import Principal
from common.contracts.rule_protos import rules_from_proto
from common.contracts.rules import Rule
from common.errors import NotFound
from services.training import attempts
from services.training.access import Access
from services.training.engines import run_sampling
from services.training.engines.unique_labels import Shard
from services.training.payloads import GeneratePayload
from services.training.settings import TrainingSettings
from services.training.worker_common import Run, engine_run


class Sampling:
    """The sampling part of Worker, which provides these attributes."""

    access: Access
    settings: TrainingSettings

    def _sampler(
        self, artifact: Path, request: GeneratePayload, rules: list[Rule], out: Path
    ) -> Callable[..., Run]:
        """The engine call that samples ``count`` rows with ``seed`` for the request (rows
        ``first_row``.. of a sharded job, by its ``shard``)."""

        def sample(count: int, seed: int, first_row: int = 0, shard: Shard | None = None) -> Run:
            return engine_run(
                functools.partial(
                    run_sampling,
                    artifact,
                    count,
                    seed,
                    out,
                    conditions=request.conditions or None,
                    anomaly_ratio=request.anomaly_ratio,
                    mark_anomalies=bool(request.mark_column),
                    anomaly_column=request.anomaly_column,
                    enforce_bounds=request.enforce_bounds,
                    chunk_rows=self.settings.sample_chunk_rows,
                    rules=rules,
                    first_row=first_row,
                    shard=shard,
                ),
                self.settings.engine_threads,
            )

        return sample

    async def _rules(self, attempt: attempts.Attempt) -> list[Rule]:
        """The rules of the model's dataset as they stand now: a model trained before them
        obeys them too (rows that break one are drawn again). None once it is deleted."""
        owner = Principal(user_id=attempt.owner_id, role="member")
        try:
            dataset = await self.access.datasets.get_dataset(attempt.dataset_id, on_behalf_of=owner)
        except NotFound:
            return []
        return rules_from_proto(dataset)
