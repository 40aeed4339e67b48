"""Generated batches against the owner's storage quota, which the datasets service keeps
(services.datasets.storage_quota) for uploads and batches alike.

At request time the API estimates a batch's bytes (``estimated_bytes``) and the datasets
service refuses a request that would not fit in what the project's owner has left, before
any job is queued. While a job writes, its ``BatchMeter`` charges what the attempt has
written so far every ``storage_charge_bytes`` (and once more, exactly, before the batch is
committed); the charge of a batch part (a shard, or 0) is keyed by the attempt writing it, so
a redelivered job or shard replaces its part's charge instead of adding to it, and an older
attempt cannot touch a newer one's. A charge refused stops the write, and the job fails
naming the quota; its files are deleted and its charge released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import ResourceExhausted
from services.datasets.client import DatasetsClient
from services.training.engines import EngineCancelled
from services.training.engines.profile import TableProfile
from services.training.worker_common import JobFailed
from synthetica.datasets.v1 import datasets_pb2

log = logging.getLogger(__name__)

# Bytes a value of a model's column takes in a generated batch (zstd-compressed Parquet), by
# the column's kind in the model's profile: lean, so that only a request that clearly cannot
# fit is refused up front; the meter charges the real bytes as they are written.
BYTES_PER_VALUE: Mapping[str, int] = {
    "numeric": 4,
    "datetime": 4,
    "categorical": 2,
    "id": 8,
    "pii": 8,
    "other": 8,
}
# A charge not refreshed for this long stops counting (the datasets service's STALE_AFTER is
# 10 minutes): a meter whose bytes stopped growing charges them again after this.
REFRESH_SECONDS = 60.0


def model_row_bytes(profile: Mapping[str, Any] | None) -> int:
    """The estimated bytes of one generated row of a model with this profile."""
    columns = TableProfile.from_dict(dict(profile or {"columns": []})).columns
    return max(1, sum(BYTES_PER_VALUE.get(c.kind, 8) for c in columns))


def estimated_bytes(rows: int, row_bytes: int) -> int:
    return max(rows, 0) * max(row_bytes, 1)


def local_size(path: Path) -> Callable[[], int]:
    """Bytes under a local file or folder the engine is writing (0 before it exists)."""

    def measure() -> int:
        if path.is_file():
            return path.stat().st_size
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return 0

    return measure


class QuotaExceeded(JobFailed):
    """The batch went past its owner's storage quota while being written."""


@dataclass(eq=False)
class BatchMeter:
    """Charges one attempt's part of a batch: ``watch`` beside the write, ``settle`` with
    the exact bytes before the batch (or shard) is committed, ``release`` when it was not."""

    datasets: DatasetsClient
    batch_id: str
    project_id: str
    dataset_id: str
    attempt: int
    part: int
    step_bytes: int
    interval_seconds: float
    charged: int = 0
    # Whether a charge was asked for (release is fenced by attempt, yet a job's split
    # attempt never charges and must not release the part its shard 0 charged).
    touched: bool = False
    # The job (or shard) committed with the settled charge: it stays.
    committed: bool = False
    refusal: str = ""
    _charged_at: float = field(default=0.0, repr=False)

    async def charge(self, size_bytes: int, *, final: bool = False) -> bool:
        """Sets the part's charge to ``size_bytes``; False when a newer attempt holds it.
        Raises QuotaExceeded (the quota's words) when it does not fit."""
        self.touched = True
        request = datasets_pb2.ChargeBatchStorageRequest(
            batch_id=self.batch_id,
            part=self.part,
            attempt=self.attempt,
            project_id=self.project_id,
            dataset_id=self.dataset_id,
            size_bytes=size_bytes,
            committed=final,
        )
        try:
            charged = await self.datasets.charge_batch_storage(request)
        except ResourceExhausted as exc:
            self.refusal = f"stopped at the storage quota: {exc.message}"
            raise QuotaExceeded(self.refusal) from exc
        if charged:
            self.charged = size_bytes
            self._charged_at = time.monotonic()
        return charged

    async def settle(self, size_bytes: int) -> bool:
        """The exact bytes of the finished part, charged to stay once committed."""
        return await self.charge(size_bytes, final=True)

    async def watch(self, measure: Callable[[], int], cancel: threading.Event) -> None:
        """Beside the write: charges what ``measure`` says was written every
        ``step_bytes``; sets ``cancel`` (the write stops) once a charge is refused or a newer
        attempt holds the part."""
        while not cancel.is_set():
            await asyncio.sleep(self.interval_seconds)
            size = await asyncio.to_thread(measure)
            grown = size - self.charged >= self.step_bytes
            stale = size and time.monotonic() - self._charged_at > REFRESH_SECONDS
            if not (grown or stale):
                continue
            try:
                if not await self.charge(size):
                    cancel.set()
                    return
            except QuotaExceeded:
                cancel.set()
                return
            except Exception as exc:  # the datasets service is away: the write goes on
                log.warning("charging batch %s failed: %s", self.batch_id, exc)

    async def release(self) -> None:
        """Gives back this attempt's charge of its part, unless the part was committed or
        never charged; a failure is logged (an uncommitted charge stops counting soon)."""
        if self.committed or not self.touched:
            return
        try:
            await self.datasets.release_batch_storage(
                [self.batch_id], part=self.part, attempt=self.attempt
            )
        except Exception as exc:
            log.warning("releasing the charge of batch %s failed: %s", self.batch_id, exc)


@contextlib.asynccontextmanager
async def metered(
    meter: BatchMeter | None, measure: Callable[[], int], cancel: threading.Event
) -> AsyncIterator[None]:
    """Runs ``meter.watch`` beside the block; a write it stopped (EngineCancelled) fails the
    job with the quota's words."""
    if meter is None:
        yield
        return
    watching = asyncio.create_task(meter.watch(measure, cancel))
    try:
        yield
    except EngineCancelled as exc:
        if meter.refusal:
            raise QuotaExceeded(meter.refusal) from exc
        raise
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
    if meter.refusal:
        raise QuotaExceeded(meter.refusal)


async def release_batches(datasets: DatasetsClient, batch_ids: list[str]) -> None:
    """Gives back every charge of these batches (a failed or cancelled job's, expired ones);
    a failure is logged."""
    if not batch_ids:
        return
    try:
        await datasets.release_batch_storage(batch_ids)
    except Exception as exc:
        log.warning("releasing the charges of %d batches failed: %s", len(batch_ids), exc)
