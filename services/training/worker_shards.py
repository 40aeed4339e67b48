"""The worker's side of sharded generation (``shards``): splitting a big job, and running one
shard of it as a delivery of ``synthetica.jobs.shard``. Worker runs them (``worker``).

A shard runs the job's own path for its rows (a model's sampling with the shard's seed, a
template's chunks of the shard), writes ``batches/<batch>/<job>/shards/<index>/<attempt>/
0.parquet`` and commits it fenced by the shard's attempt: an older attempt (a frozen worker
that resumes) learns at its next write that it lost the shard, stops and deletes only its
own folder; the committing attempt deletes the folders of older attempts of its shard.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nats.aio.msg import Msg

from common.contracts.rules import Rule
from common.db import Database
from common.errors import DomainError
from common.jetstream import Outcome, handles
from common.storage import Storage
from services.training import attempts, batch_storage, scratch, shards
from services.training import models as m
from services.training.access import Access
from services.training.engines import EngineCancelled, EngineCrashed, EngineError, ProgressUpdate
from services.training.engines.unique_labels import Shard
from services.training.payloads import GeneratePayload, TemplatePayload
from services.training.progress import ProgressReporter
from services.training.settings import TrainingSettings
from services.training.templates import SchemaError
from services.training.templates import jobs as template_jobs
from services.training.worker_common import (
    _SHUTDOWN_SIGNALS,
    JobFailed,
    Run,
    delete_other_attempts,
    heartbeating,
)
from synthetica.training.v1 import training_pb2

log = logging.getLogger(__name__)


class ShardJobs:
    """The sharded half of Worker, which provides these attributes and methods."""

    db: Database
    access: Access
    settings: TrainingSettings
    storage: Storage
    on_commit: Callable[[], None]
    _stopping: bool
    _cancels: set[threading.Event]
    _retention: timedelta
    _stale_after: timedelta

    if TYPE_CHECKING:

        def _meter(self, attempt: attempts.Attempt, *, part: int) -> batch_storage.BatchMeter: ...

        async def _rules(self, attempt: attempts.Attempt) -> list[Rule]: ...

        def _sampler(
            self, artifact: Path, request: GeneratePayload, rules: list[Rule], out: Path
        ) -> Callable[..., Run]: ...

    async def _split(self, attempt: attempts.Attempt, parts: list[tuple[int, int]]) -> Outcome:
        """Splits the job its attempt owns into shards; the job's message is then done."""
        ownership = await self.db.call(
            shards.split_job,
            job_id=attempt.job_id,
            attempt=attempt.attempt,
            parts=parts,
            queued_at_once=self.settings.shards_queued_per_job,
        )
        self.on_commit()
        log.info(
            "job split into shards",
            extra={"fields": {"job_id": attempt.job_id, "shards": len(parts)}},
        )
        if ownership is attempts.Ownership.SUPERSEDED:
            return Outcome.LEAVE
        return Outcome.ACK

    @handles(training_pb2.QueuedShard)
    async def handle_shard(self, queued: training_pb2.QueuedShard, msg: Msg) -> Outcome:
        try:
            shard = await self._start_shard(queued)
            while shard.action is attempts.Action.WAIT:
                if self._stopping:
                    return Outcome.RETRY
                await asyncio.sleep(self.settings.job_heartbeat_seconds)
                shard = await self._start_shard(queued)
        except DomainError:
            log.warning("dropping shard %d of job %s: no such shard", queued.index, queued.job_id)
            return Outcome.TERMINATE
        if shard.action is attempts.Action.DONE:
            if shard.discard:
                await self._discard(shard)
            return Outcome.ACK
        return await self._run_shard(shard)

    async def _start_shard(self, queued: training_pb2.QueuedShard) -> shards.ShardAttempt:
        shard = await self.db.call(
            shards.start_shard,
            job_id=queued.job_id,
            index=queued.index,
            max_attempts=self.settings.job_max_attempts,
            stale_after=self._stale_after,
        )
        self.on_commit()
        return shard

    async def _run_shard(self, shard: shards.ShardAttempt) -> Outcome:
        log.info(
            "shard started",
            extra={
                "fields": {
                    "job_id": shard.job.job_id,
                    "shard": shard.index,
                    "attempt": shard.job.attempt,
                }
            },
        )
        beat = functools.partial(self._shard_heartbeat, shard)
        meter = self._meter(shard.job, part=shard.index)
        try:
            async with heartbeating(self._cancels, beat) as cancel:
                return await self._shard_outcome(shard, cancel, meter)
        finally:
            await meter.release()

    async def _discard(self, shard: shards.ShardAttempt) -> None:
        """The files of a failed or cancelled job's shards go, and with them what they were
        charged against the storage quota."""
        await asyncio.to_thread(self.storage.delete, _shards_folder(shard))
        await batch_storage.release_batches(self.access.datasets, [shard.job.batch_id])

    async def _shard_outcome(
        self, shard: shards.ShardAttempt, cancel: threading.Event, meter: batch_storage.BatchMeter
    ) -> Outcome:
        folder = f"{_shards_folder(shard)}/{shard.index}/{shard.job.attempt}"
        key = f"{folder}/0.parquet"
        try:
            if shard.job.kind == m.GENERATE:
                tables = await self._sample_shard(shard, cancel, key, meter)
            else:
                tables = await self._template_shard(shard, cancel, key, meter)
            # The shard's exact bytes, to stay once it commits; past the quota, it fails.
            await meter.settle(await asyncio.to_thread(self.storage.folder_size, folder))
        except Exception as exc:
            await asyncio.to_thread(self.storage.delete, folder)
            return await self._shard_error(shard, exc)
        committed = await self.db.call(
            shards.finish_shard,
            job_id=shard.job.job_id,
            index=shard.index,
            attempt=shard.job.attempt,
            data_key=key,
            retention=self._retention,
            tables=tables,
            queued_at_once=self.settings.shards_queued_per_job,
        )
        if committed:
            meter.committed = True
            self.on_commit()
            await asyncio.to_thread(delete_other_attempts, self.storage, folder)
            return Outcome.ACK
        await asyncio.to_thread(self.storage.delete, folder)
        return _settle(await self._shard_call(shards.shard_heartbeat, shard))

    async def _shard_error(self, shard: shards.ShardAttempt, exc: Exception) -> Outcome:
        stopped = isinstance(exc, EngineCancelled) or (
            isinstance(exc, EngineCrashed) and exc.reason.endswith(_SHUTDOWN_SIGNALS)
        )
        if isinstance(exc, EngineCancelled) and not self._stopping:
            ownership = await self._shard_call(shards.shard_heartbeat, shard)
            if ownership is not attempts.Ownership.OWNED:
                log.info(
                    "shard attempt stopped",
                    extra={"fields": {"job_id": shard.job.job_id, "shard": shard.index}},
                )
                if await self.db.call(shards.discarded, job_id=shard.job.job_id):
                    await self._discard(shard)
                return _settle(ownership)
        if stopped or self._stopping:
            return _settle(await self._shard_call(shards.release_shard, shard), retry=True)
        if isinstance(exc, JobFailed | EngineError | EngineCrashed | DomainError):
            ownership = await self.db.call(
                shards.fail_shard,
                job_id=shard.job.job_id,
                index=shard.index,
                attempt=shard.job.attempt,
                error=str(exc),
            )
            self.on_commit()
            if ownership is attempts.Ownership.OWNED:
                # The whole job failed: the files its other shards committed go too, and
                # what they were charged (a shard still running discards its own on stopping).
                await self._discard(shard)
            return _settle(ownership)
        log.warning("shard attempt failed, will retry: %s", exc)
        return _settle(await self._shard_call(shards.release_shard, shard), retry=True)

    async def _shard_call(
        self, write: Callable[..., attempts.Ownership], shard: shards.ShardAttempt
    ) -> attempts.Ownership:
        return await self.db.call(
            write, job_id=shard.job.job_id, index=shard.index, attempt=shard.job.attempt
        )

    async def _shard_heartbeat(self, shard: shards.ShardAttempt, cancel: threading.Event) -> None:
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_seconds)
            try:
                ownership = await self._shard_call(shards.shard_heartbeat, shard)
            except Exception as exc:  # the database is away: the shard goes on meanwhile
                log.warning("heartbeat of shard %d failed: %s", shard.index, exc)
                continue
            if ownership is not attempts.Ownership.OWNED:
                cancel.set()
                return

    async def _sample_shard(
        self,
        shard: shards.ShardAttempt,
        cancel: threading.Event,
        key: str,
        meter: batch_storage.BatchMeter,
    ) -> list[str]:
        request = GeneratePayload.model_validate(shard.job.request or {})
        with scratch.workdir(self.settings) as workdir:
            artifact = workdir / "model.tar.gz"
            await asyncio.to_thread(self.storage.download_file, shard.job.artifact_key, artifact)
            out = workdir / "part.parquet"
            sample = self._sampler(artifact, request, await self._rules(shard.job), out)
            part = Shard(shard.index, shard.shards)
            run = sample(shard.count, request.seed, first_row=shard.start, shard=part)
            async with batch_storage.metered(meter, batch_storage.local_size(out), cancel):
                await self._shard_supervised(shard, cancel, run)
            await asyncio.to_thread(self.storage.upload_file, out, key)
        return []

    async def _template_shard(
        self,
        shard: shards.ShardAttempt,
        cancel: threading.Event,
        key: str,
        meter: batch_storage.BatchMeter,
    ) -> list[str]:
        request = TemplatePayload.model_validate(shard.job.request or {})
        try:
            generation = await asyncio.to_thread(template_jobs.plan_request, request)
        except SchemaError as exc:
            raise JobFailed(f"the template cannot be generated: {exc}") from exc
        written = template_jobs.Written()
        async with batch_storage.metered(meter, lambda: written.bytes, cancel):
            await self._shard_supervised(
                shard,
                cancel,
                lambda on_progress, cancel: template_jobs.write_part(
                    self.storage,
                    generation,
                    key=key,
                    start=shard.start,
                    count=shard.count,
                    chunk_rows=request.chunk_rows,
                    on_progress=on_progress,
                    cancel=cancel,
                    written=written,
                ),
            )
        return [t.name for t in generation.tables]

    async def _shard_supervised(
        self, shard: shards.ShardAttempt, cancel: threading.Event, run: Run
    ) -> Any:
        reporter = _ShardProgress(
            self.db,
            self.on_commit,
            shard.job,
            cancel,
            self.settings.progress_interval_seconds,
            shard=shard,
        )
        return await asyncio.to_thread(run, reporter, cancel)


@dataclass(eq=False)
class _ShardProgress(ProgressReporter):
    """The shard's rows so far, from the engine's percent (throttled as a job's progress);
    stops the shard once its attempt no longer owns it."""

    shard: shards.ShardAttempt

    def record(self, update: ProgressUpdate) -> attempts.Ownership:
        return self.db.run(
            shards.record_shard_progress,
            job_id=self.shard.job.job_id,
            index=self.shard.index,
            attempt=self.shard.job.attempt,
            rows_done=int(self.shard.count * update.percent / 100.0),
        )


def _shards_folder(shard: shards.ShardAttempt) -> str:
    return f"batches/{shard.job.batch_id}/{shard.job.job_id}/shards"


def _settle(ownership: attempts.Ownership, *, retry: bool = False) -> Outcome:
    """ACK once the shard (or its job) ended; LEAVE when a newer attempt owns it; RETRY for a
    shard given back that is still ours."""
    if ownership is attempts.Ownership.SUPERSEDED:
        return Outcome.LEAVE
    if ownership is attempts.Ownership.OWNED and retry:
        return Outcome.RETRY
    return Outcome.ACK
