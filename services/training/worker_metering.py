"""The worker's side of the storage quota (``batch_storage``): each generate or template
attempt has a meter while it runs, which charges what it writes to the owner's quota and
gives the charge back unless the attempt committed its batch. Worker runs them (``worker``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from common.storage import Storage
from services.training import attempts, batch_storage
from services.training import models as m
from services.training.access import Access
from services.training.settings import TrainingSettings

GENERATING = (m.GENERATE, m.TEMPLATE)


class MeteredJobs:
    """The metering part of Worker, which provides these attributes."""

    access: Access
    settings: TrainingSettings
    storage: Storage
    # The storage meters of the generate attempts running, by (job id, attempt).
    _meters: dict[tuple[str, int], batch_storage.BatchMeter]

    def _meter(self, attempt: attempts.Attempt, *, part: int) -> batch_storage.BatchMeter:
        """What charges the attempt's part of its batch to the owner's storage quota."""
        return batch_storage.BatchMeter(
            self.access.datasets,
            batch_id=attempt.batch_id,
            project_id=attempt.project_id,
            dataset_id=attempt.dataset_id,
            attempt=attempt.attempt,
            part=part,
            step_bytes=self.settings.storage_charge_bytes,
            interval_seconds=self.settings.storage_charge_interval_seconds,
        )

    @contextlib.asynccontextmanager
    async def _metering(self, attempt: attempts.Attempt) -> AsyncIterator[None]:
        """While a generate or template attempt runs: its meter, whose charge is given back
        at the end unless the attempt committed its batch."""
        if attempt.kind not in GENERATING:
            yield
            return
        key = (attempt.job_id, attempt.attempt)
        meter = self._meters[key] = self._meter(attempt, part=0)
        try:
            yield
        finally:
            del self._meters[key]
            await meter.release()

    def _metered(
        self, attempt: attempts.Attempt, measure: Callable[[], int], cancel: threading.Event
    ) -> AbstractAsyncContextManager[None]:
        """The attempt's meter watching ``measure`` while the block writes."""
        meter = self._meters.get((attempt.job_id, attempt.attempt))
        return batch_storage.metered(meter, measure, cancel)

    async def _settle_charge(
        self, attempt: attempts.Attempt, folder: str
    ) -> batch_storage.BatchMeter | None:
        """Charges the exact bytes of the attempt's batch in ``folder`` before it commits;
        refused (QuotaExceeded) or failing, the folder is deleted and the error raised."""
        meter = self._meters.get((attempt.job_id, attempt.attempt))
        if meter is not None:
            try:
                await meter.settle(await asyncio.to_thread(self.storage.folder_size, folder))
            except Exception:
                await asyncio.to_thread(self.storage.delete, folder)
                raise
        return meter
