"""The worker role: runs train, generate and template jobs pulled from the JOBS stream.

Each train or generate job runs its engine in a child process (``engines.runner``) from a
worker thread; a template job generates in the thread itself (``templates.jobs``). The jobs
on several linked tables are in ``worker_relational``.
Progress goes to the job row and out as job.updated (through the outbox).

One owner per attempt: a redelivered job starts a new attempt only when the running one's
heartbeat (written every ``job_heartbeat_seconds``) is older than ``job_ack_wait_seconds``;
otherwise the worker that got the delivery watches the job until it ends or goes silent.
Every write of an attempt (heartbeat, progress, failure, commit) is fenced by its attempt
number: an attempt that was taken over (its worker frozen, then resumed) learns so at its
next write, stops its engine, deletes only its own files (under ``<job>/<attempt>/``) and
leaves the message to the attempt that owns it. Outputs are committed in one transaction,
so a job never yields two models or two batches.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from nats.aio.msg import Msg

from common.context import Principal
from common.contracts.rule_protos import rules_from_proto
from common.db import Database
from common.errors import DomainError
from common.jetstream import Outcome, decode
from common.storage import Storage
from services.training import attempts, batch_storage, scratch, shards
from services.training import models as m
from services.training.access import Access, dataset_schema
from services.training.engines import (
    EngineCancelled,
    EngineCrashed,
    EngineError,
    ProgressUpdate,
    TrainParams,
    get_engine,
    read_manifest,
    run_training,
)
from services.training.footprint import check_fits, memory_limit_bytes, plan_training
from services.training.payloads import GeneratePayload, TemplatePayload
from services.training.progress import ProgressReporter
from services.training.settings import TrainingSettings
from services.training.templates import SchemaError
from services.training.templates import jobs as template_jobs
from services.training.worker_common import (
    _SHUTDOWN_SIGNALS,
    JobFailed,
    _attempt_folder,
    _engine_metadata,
    _json_safe,
    delete_other_attempts,
    engine_run,
    heartbeating,
)
from services.training.worker_metering import MeteredJobs
from services.training.worker_relational import RelationalJobs
from services.training.worker_sampling import Sampling
from services.training.worker_shards import ShardJobs
from synthetica.training.v1 import training_pb2

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Worker(RelationalJobs, ShardJobs, MeteredJobs, Sampling):
    db: Database
    settings: TrainingSettings
    storage: Storage
    access: Access
    _: KW_ONLY
    on_commit: Callable[[], None]

    def __post_init__(self) -> None:
        self._cancels: set[threading.Event] = set()
        self._stopping = False
        self._retention = timedelta(days=self.settings.batch_retention_days)
        self._stale_after = timedelta(seconds=self.settings.job_ack_wait_seconds)
        self._meters: dict[tuple[str, int], batch_storage.BatchMeter] = {}

    def stop(self) -> None:
        """Stops the engine processes of running jobs (at shutdown); those jobs are not
        acknowledged, so JetStream hands them to another worker."""
        self._stopping = True
        for cancel in list(self._cancels):
            cancel.set()

    async def handle(self, msg: Msg) -> Outcome:
        """The JetStream handler: ACK when the job reached an end, RETRY when it should run
        again, TERMINATE for a message that is no job of ours, LEAVE when a newer attempt
        owns the job."""
        if msg.subject == shards.SHARD_SUBJECT:
            return await self.handle_shard(msg)
        queued = decode(msg, training_pb2.QueuedJob)
        if queued is None:
            return Outcome.TERMINATE
        try:
            attempt = await self._start(queued.job_id)
            if attempt.action is attempts.Action.WAIT:
                log.info(
                    "job runs on another worker with a recent heartbeat: watching it",
                    extra={"fields": {"job_id": queued.job_id, "attempt": attempt.attempt}},
                )
            while attempt.action is attempts.Action.WAIT:
                if self._stopping:
                    return Outcome.RETRY
                await asyncio.sleep(self.settings.job_heartbeat_seconds)
                attempt = await self._start(queued.job_id)
        except DomainError:
            log.warning("dropping queued job %s: no such job", queued.job_id)
            return Outcome.TERMINATE
        if attempt.action is attempts.Action.DONE:
            if attempt.discard and attempt.batch_id:
                # A job that failed or was cancelled (perhaps while its worker was away):
                # nothing its batch was charged stays counted.
                await batch_storage.release_batches(self.access.datasets, [attempt.batch_id])
            return Outcome.ACK
        return await self._run_attempt(attempt)

    async def _start(self, job_id: str) -> attempts.Attempt:
        attempt = await self.db.call(
            attempts.start_attempt,
            job_id=job_id,
            max_attempts=self.settings.job_max_attempts,
            stale_after=self._stale_after,
        )
        self.on_commit()
        return attempt

    async def _run_attempt(self, attempt: attempts.Attempt) -> Outcome:
        log.info(
            "job started",
            extra={
                "fields": {
                    "job_id": attempt.job_id,
                    "kind": attempt.kind,
                    "attempt": attempt.attempt,
                }
            },
        )
        beat = functools.partial(self._heartbeat, attempt)
        async with self._metering(attempt), heartbeating(self._cancels, beat) as cancel:
            return await self._outcome(attempt, cancel)

    async def _outcome(self, attempt: attempts.Attempt, cancel: threading.Event) -> Outcome:
        try:
            if attempt.kind == m.TRAIN:
                return await self._train(attempt, cancel)
            if attempt.kind == m.GENERATE:
                return await self._generate(attempt, cancel)
            if attempt.kind == m.TEMPLATE:
                return await self._template(attempt, cancel)
            raise JobFailed(f"this worker does not run {attempt.kind} jobs")
        except EngineCancelled:
            if self._stopping:
                return await self._release(attempt)
            ownership = await self._ownership(attempt)
            if ownership is attempts.Ownership.OWNED:  # not ours to decide: run it again
                return await self._release(attempt)
            log.info(
                "job attempt stopped",
                extra={"fields": {"job_id": attempt.job_id, "ownership": ownership}},
            )
            return _settle(ownership)
        except EngineCrashed as exc:
            if self._stopping or exc.reason.endswith(_SHUTDOWN_SIGNALS):
                # Stopped from outside (shutdown, Ctrl-C): not the job's fault.
                return await self._retry(attempt, exc)
            return await self._fail(attempt, str(exc))
        except (JobFailed, EngineError, DomainError) as exc:
            return await self._fail(attempt, str(exc))
        except Exception as exc:
            # Infrastructure trouble (storage, datasets service): worth another attempt.
            return await self._retry(attempt, exc)

    async def _retry(self, attempt: attempts.Attempt, exc: Exception) -> Outcome:
        if attempt.attempt >= self.settings.job_max_attempts:
            return await self._fail(attempt, f"gave up after {attempt.attempt} attempts: {exc}")
        log.warning(
            "job attempt failed, will retry: %s",
            exc,
            extra={"fields": {"job_id": attempt.job_id, "attempt": attempt.attempt}},
        )
        return await self._release(attempt)

    async def _release(self, attempt: attempts.Attempt) -> Outcome:
        """Gives the job back so the next delivery starts a new attempt at once."""
        ownership = await self.db.call(
            attempts.release_attempt, job_id=attempt.job_id, attempt=attempt.attempt
        )
        return Outcome.RETRY if ownership is attempts.Ownership.OWNED else _settle(ownership)

    async def _ownership(self, attempt: attempts.Attempt) -> attempts.Ownership:
        return await self.db.call(
            attempts.heartbeat, job_id=attempt.job_id, attempt=attempt.attempt
        )

    async def _heartbeat(self, attempt: attempts.Attempt, cancel: threading.Event) -> None:
        """Keeps the job from being handed over while this attempt runs, and stops the
        attempt as soon as the job is cancelled or was taken over."""
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_seconds)
            try:
                ownership = await self._ownership(attempt)
            except Exception as exc:  # the database is away: the engine goes on meanwhile
                log.warning("heartbeat of job %s failed: %s", attempt.job_id, exc)
                continue
            if ownership is not attempts.Ownership.OWNED:
                cancel.set()
                return

    async def _fail(self, attempt: attempts.Attempt, error: str) -> Outcome:
        ownership = await self.db.call(
            attempts.fail_attempt, job_id=attempt.job_id, attempt=attempt.attempt, error=error
        )
        if ownership is attempts.Ownership.OWNED:
            log.info("job failed", extra={"fields": {"job_id": attempt.job_id, "error": error}})
            self.on_commit()
            return Outcome.ACK
        return _settle(ownership)

    # --- train ----------------------------------------------------------------------------

    async def _train(self, attempt: attempts.Attempt, cancel: threading.Event) -> Outcome:
        dataset = await self.access.datasets.get_dataset(
            attempt.dataset_id, on_behalf_of=Principal(user_id=attempt.owner_id, role="member")
        )
        schema = dataset_schema(dataset)
        if not schema.is_single_table:
            return await self._train_relational(attempt, cancel, dataset, schema)
        if dataset.train_row_count == 0:
            raise JobFailed("the dataset's training split has no rows")
        # Before anything is read: a job that cannot fit fails now, naming the numbers.
        check_fits(
            plan_training(attempt.engine, dataset, self.settings.train_max_rows),
            memory_limit_bytes(self.settings.worker_memory_mb),
        )
        metadata = _engine_metadata(dataset.metadata)
        # SDV engines learn the rules declared by now (the others apply them at generation).
        metadata["rules"] = [r.model_dump(mode="json") for r in rules_from_proto(dataset)]
        params = TrainParams.from_dict(attempt.params or {})
        with scratch.workdir(self.settings) as workdir:
            data_path = workdir / "train.arrows"
            await self.access.download_training_split(
                attempt.owner_id, attempt.dataset_id, data_path
            )
            artifact = workdir / "model.tar.gz"
            train = functools.partial(
                run_training,
                get_engine(attempt.engine),
                data_path,
                metadata,
                params,
                artifact,
                max_rows=self.settings.train_max_rows,
            )
            result = await self._supervised(
                attempt, cancel, engine_run(train, self.settings.engine_threads)
            )
            return await self._finish_training(attempt, artifact, result.metrics)

    # --- generate -------------------------------------------------------------------------

    async def _generate(self, attempt: attempts.Attempt, cancel: threading.Event) -> Outcome:
        request = GeneratePayload.model_validate(attempt.request or {})
        if not attempt.artifact_key:
            raise JobFailed("the model has no artifact")
        with scratch.workdir(self.settings) as workdir:
            artifact = workdir / "model.tar.gz"
            await asyncio.to_thread(self.storage.download_file, attempt.artifact_key, artifact)
            if read_manifest(artifact).relational:
                return await self._generate_tables(attempt, cancel, request, artifact, workdir)
            if request.count > self.settings.shard_threshold_rows:
                # Shards of whole sampling chunks: each is its rows of the job unsplit.
                parts = shards.plan_shards(
                    request.count, self.settings.shard_rows, unit=self.settings.sample_chunk_rows
                )
                return await self._split(attempt, parts)
            out = workdir / "batch.parquet"
            sample = self._sampler(artifact, request, await self._rules(attempt), out)
            async with self._metered(attempt, batch_storage.local_size(out), cancel):
                result = await self._supervised(
                    attempt, cancel, sample(request.count, request.seed)
                )
            folder = _attempt_folder(f"batches/{attempt.batch_id}", attempt)
            key = f"{folder}/0.parquet"
            await asyncio.to_thread(self.storage.upload_file, out, key)
        return await self._commit(
            attempts.finish_generation,
            attempt,
            folder,
            data_key=key,
            row_count=result.rows,
            retention=self._retention,
        )

    # --- template -------------------------------------------------------------------------

    async def _template(self, attempt: attempts.Attempt, cancel: threading.Event) -> Outcome:
        request = TemplatePayload.model_validate(attempt.request or {})
        try:
            generation = await asyncio.to_thread(template_jobs.plan_request, request)
        except SchemaError as exc:
            raise JobFailed(f"the template cannot be generated: {exc}") from exc
        parts = template_jobs.shard_parts(
            generation,
            chunk_rows=request.chunk_rows,
            threshold=self.settings.shard_threshold_rows,
            shard_rows=self.settings.shard_rows,
        )
        if parts:
            return await self._split(attempt, parts)
        prefix = template_jobs.job_prefix(attempt.batch_id, attempt.job_id, attempt.attempt)
        written = template_jobs.Written()
        try:
            async with self._metered(attempt, lambda: written.bytes, cancel):
                result = await self._supervised(
                    attempt,
                    cancel,
                    lambda on_progress, cancel: template_jobs.write_batch(
                        self.storage,
                        generation,
                        prefix=prefix,
                        chunk_rows=request.chunk_rows,
                        on_progress=on_progress,
                        cancel=cancel,
                        written=written,
                    ),
                )
        except Exception:
            # Partial files of this attempt (and only of this one); a retry writes them again.
            await asyncio.to_thread(self.storage.delete, prefix)
            raise
        return await self._commit(
            attempts.finish_generation,
            attempt,
            prefix,
            data_key=result.keys[0],
            row_count=result.rows,
            retention=self._retention,
            tables=result.tables,
        )

    # --- shared ---------------------------------------------------------------------------

    async def _commit(
        self,
        finish: Callable[..., bool],
        attempt: attempts.Attempt,
        folder: str,
        **outputs: Any,
    ) -> Outcome:
        """Commits what the attempt made (``finish``: attempts.finish_training or
        finish_generation, given ``outputs``), then: on success the files of older attempts
        (frozen or killed workers) go; otherwise this attempt's own files, which nothing
        references. A batch's exact bytes are charged to its owner's storage quota first:
        refused, the job fails and its files go."""
        meter = await self._settle_charge(attempt, folder)
        committed = await self.db.call(
            finish, job_id=attempt.job_id, attempt=attempt.attempt, **outputs
        )
        if committed:
            if meter is not None:
                meter.committed = True
            self.on_commit()
            await asyncio.to_thread(delete_other_attempts, self.storage, folder)
            return Outcome.ACK
        await asyncio.to_thread(self.storage.delete, folder)
        return _settle(await self._ownership(attempt))

    async def _finish_training(
        self, attempt: attempts.Attempt, artifact: Path, metrics: dict[str, Any]
    ) -> Outcome:
        """Stores the trained model's artifact in the attempt's folder, then commits the model
        with the artifact's profile and ``metrics``."""
        profile = read_manifest(artifact).profile.to_dict()
        folder = _attempt_folder(f"models/{attempt.model_id}", attempt)
        key = f"{folder}/model.tar.gz"
        await asyncio.to_thread(self.storage.upload_file, artifact, key)
        return await self._commit(
            attempts.finish_training,
            attempt,
            folder,
            artifact_key=key,
            metrics=_json_safe(metrics),
            profile=profile,
        )

    async def _supervised(
        self,
        attempt: attempts.Attempt,
        cancel: threading.Event,
        run: Callable[[Callable[[ProgressUpdate], None], threading.Event], Any],
    ) -> Any:
        """Runs the blocking engine call in a thread, with progress going to the job and a
        cancel event set as soon as the attempt no longer owns a running job."""
        reporter = ProgressReporter(
            self.db, self.on_commit, attempt, cancel, self.settings.progress_interval_seconds
        )
        return await asyncio.to_thread(run, reporter, cancel)


def _settle(ownership: attempts.Ownership) -> Outcome:
    """The message of an attempt that no longer owns its job: acked when the job ended,
    left to the newer attempt's delivery when it was taken over."""
    return Outcome.LEAVE if ownership is attempts.Ownership.SUPERSEDED else Outcome.ACK
