"""The worker role: runs train, generate and template jobs pulled from the JOBS stream.

Each train or generate job runs its engine in a child process (``engines.runner``) from a
worker thread; a template job generates in the thread itself (``template_jobs``).
Progress goes to the job row and out as job.updated (through the outbox); every progress
write also reads the job's status back, so a cancellation stops the child within seconds.
Outputs are written under the job's id and committed in one transaction only if the job is
still running, so a redelivered job (a worker killed mid-job) never yields two models or
two batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from google.protobuf.message import DecodeError
from nats.aio.msg import Msg

from common.db import Database
from common.errors import DomainError
from common.jetstream import Outcome
from common.storage import Storage
from services.training import models as m
from services.training import service, template_jobs
from services.training.access import Access
from services.training.engines import (
    EngineCancelled,
    EngineError,
    ProgressUpdate,
    TrainParams,
    get_engine,
    read_manifest,
    run_sampling,
    run_training,
)
from services.training.settings import TrainingSettings
from services.training.templates import SchemaError
from synthetica.training.v1 import training_pb2

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """The job cannot succeed (bad data, engine error): fail it, do not retry."""


class Worker:
    def __init__(
        self,
        db: Database,
        settings: TrainingSettings,
        storage: Storage,
        access: Access,
        *,
        on_commit: Callable[[], None],
    ) -> None:
        self.db = db
        self.settings = settings
        self.storage = storage
        self.access = access
        self.on_commit = on_commit
        self._cancels: set[threading.Event] = set()
        self._stopping = False
        self._retention = timedelta(days=settings.batch_retention_days)

    def stop(self) -> None:
        """Stops the engine processes of running jobs (at shutdown); those jobs are not
        acknowledged, so JetStream hands them to another worker."""
        self._stopping = True
        for cancel in list(self._cancels):
            cancel.set()

    async def handle(self, msg: Msg) -> Outcome:
        """The JetStream handler: ACK when the job reached an end, RETRY when it should run
        again, TERMINATE for a message that is no job of ours."""
        try:
            queued = training_pb2.QueuedJob.FromString(msg.data)
        except DecodeError:
            log.warning("dropping a message that is not a QueuedJob on %s", msg.subject)
            return Outcome.TERMINATE
        try:
            attempt = await self.db.call(
                service.start_attempt,
                job_id=queued.job_id,
                max_attempts=self.settings.job_max_attempts,
            )
        except DomainError:
            log.warning("dropping queued job %s: no such job", queued.job_id)
            return Outcome.TERMINATE
        self.on_commit()
        if attempt.action == "done":
            return Outcome.ACK
        return await self._run_attempt(attempt)

    async def _run_attempt(self, attempt: service.Attempt) -> Outcome:
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
        try:
            if attempt.kind == m.TRAIN:
                await self._train(attempt)
            elif attempt.kind == m.GENERATE:
                await self._generate(attempt)
            elif attempt.kind == m.TEMPLATE:
                await self._template(attempt)
            else:
                raise JobFailed(f"this worker does not run {attempt.kind} jobs")
        except EngineCancelled:
            if self._stopping:
                return Outcome.RETRY
            log.info("job cancelled", extra={"fields": {"job_id": attempt.job_id}})
        except (JobFailed, EngineError, DomainError) as exc:
            await self._fail(attempt, str(exc))
        except Exception as exc:
            # Infrastructure trouble (storage, datasets service): worth another attempt.
            if attempt.attempt >= self.settings.job_max_attempts:
                await self._fail(attempt, f"gave up after {attempt.attempt} attempts: {exc}")
                return Outcome.ACK
            log.exception(
                "job attempt failed, will retry", extra={"fields": {"job_id": attempt.job_id}}
            )
            return Outcome.RETRY
        return Outcome.ACK

    async def _fail(self, attempt: service.Attempt, error: str) -> None:
        log.info("job failed", extra={"fields": {"job_id": attempt.job_id, "error": error}})
        await self.db.call(service.fail_job, job_id=attempt.job_id, error=error)
        self.on_commit()

    # --- train ----------------------------------------------------------------------------

    async def _train(self, attempt: service.Attempt) -> None:
        table, dataset = await self.access.read_training_data(attempt.owner_id, attempt.dataset_id)
        if table.num_rows == 0:
            raise JobFailed("the dataset's training split has no rows")
        metadata = _engine_metadata(dataset)
        params = TrainParams(**(attempt.params or {}))
        with self._workdir() as workdir:
            data_path = workdir / "train.parquet"
            await asyncio.to_thread(pq.write_table, table, data_path)
            del table
            artifact = workdir / "model.tar.gz"
            result = await self._supervised(
                attempt,
                lambda on_progress, cancel: run_training(
                    get_engine(attempt.engine),
                    data_path,
                    metadata,
                    params,
                    artifact,
                    on_progress=on_progress,
                    cancel_event=cancel,
                    threads=self.settings.engine_threads or None,
                ),
            )
            profile = read_manifest(artifact).profile.to_dict()
            key = f"models/{attempt.model_id}/{attempt.job_id}.tar.gz"
            await asyncio.to_thread(self._upload, artifact, key)
        committed = await self.db.call(
            service.finish_training,
            job_id=attempt.job_id,
            artifact_key=key,
            metrics=_json_safe(result.metrics),
            profile=profile,
        )
        await self._settled(committed, key)

    # --- generate -------------------------------------------------------------------------

    async def _generate(self, attempt: service.Attempt) -> None:
        request = dict(attempt.request or {})
        if not attempt.artifact_key:
            raise JobFailed("the model has no artifact")
        with self._workdir() as workdir:
            artifact = workdir / "model.tar.gz"
            await asyncio.to_thread(self._download, attempt.artifact_key, artifact)
            out = workdir / "batch.parquet"
            mark_column = request.get("mark_column") or ""
            result = await self._supervised(
                attempt,
                lambda on_progress, cancel: run_sampling(
                    artifact,
                    int(request["count"]),
                    int(request["seed"]),
                    out,
                    conditions=request.get("conditions") or None,
                    anomaly_ratio=float(request.get("anomaly_ratio") or 0.0),
                    mark_anomalies=bool(mark_column),
                    anomaly_column=mark_column or "is_anomaly",
                    enforce_bounds=bool(request.get("enforce_bounds")),
                    chunk_rows=self.settings.sample_chunk_rows,
                    on_progress=on_progress,
                    cancel_event=cancel,
                    threads=self.settings.engine_threads or None,
                ),
            )
            key = f"batches/{attempt.batch_id}/{attempt.job_id}.parquet"
            await asyncio.to_thread(self._upload, out, key)
        committed = await self.db.call(
            service.finish_generation,
            job_id=attempt.job_id,
            data_key=key,
            row_count=result.rows,
            retention=self._retention,
        )
        await self._settled(committed, key)

    # --- template -------------------------------------------------------------------------

    async def _template(self, attempt: service.Attempt) -> None:
        request = dict(attempt.request or {})
        try:
            generation = await asyncio.to_thread(template_jobs.plan_request, request)
        except SchemaError as exc:
            raise JobFailed(f"the template cannot be generated: {exc}") from exc
        prefix = template_jobs.job_prefix(attempt.batch_id, attempt.job_id)
        try:
            result = await self._supervised(
                attempt,
                lambda on_progress, cancel: template_jobs.write_batch(
                    self.storage,
                    generation,
                    prefix=prefix,
                    chunk_rows=int(request["chunk_rows"]),
                    on_progress=on_progress,
                    cancel=cancel,
                ),
            )
        except Exception:
            # Partial files of this attempt; a retry writes them again from the start.
            await asyncio.to_thread(self.storage.delete, prefix)
            raise
        committed = await self.db.call(
            service.finish_generation,
            job_id=attempt.job_id,
            data_key=result.keys[0],
            row_count=result.rows,
            retention=self._retention,
            tables=result.tables,
        )
        await self._settled(committed, prefix)

    # --- shared ---------------------------------------------------------------------------

    async def _settled(self, committed: bool, key: str) -> None:
        if committed:
            self.on_commit()
            return
        # Cancelled while the outputs were being written: nothing references them.
        await asyncio.to_thread(self.storage.delete, key)

    async def _supervised(
        self,
        attempt: service.Attempt,
        run: Callable[[Callable[[ProgressUpdate], None], threading.Event], Any],
    ) -> Any:
        """Runs the blocking engine call in a thread, with progress going to the job and a
        cancel event set as soon as the job is no longer running."""
        cancel = threading.Event()
        reporter = _ProgressReporter(
            self, attempt.job_id, cancel, self.settings.progress_interval_seconds
        )
        self._cancels.add(cancel)
        try:
            return await asyncio.to_thread(run, reporter, cancel)
        finally:
            self._cancels.discard(cancel)

    def _upload(self, local: Path, key: str) -> None:
        with local.open("rb") as source, self.storage.open(key, "wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)

    def _download(self, key: str, local: Path) -> None:
        with self.storage.open(key, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)

    @contextlib.contextmanager
    def _workdir(self) -> Iterator[Path]:
        """Scratch space for one attempt, removed whatever happens."""
        root = self.settings.work_dir or None
        if root:
            Path(root).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="job-", dir=root) as tmp:
            yield Path(tmp)


class _ProgressReporter:
    """Called by the runner in the engine thread at least every couple of seconds."""

    def __init__(
        self, worker: Worker, job_id: str, cancel: threading.Event, interval: float
    ) -> None:
        self.worker = worker
        self.job_id = job_id
        self.cancel = cancel
        self.interval = interval
        self.last = 0.0
        self.loop = asyncio.get_running_loop()

    def __call__(self, update: ProgressUpdate) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and update.percent < 100.0:
            return
        self.last = now
        try:
            status = self.worker.db.run(
                service.record_progress,
                job_id=self.job_id,
                progress=service.Progress(
                    percent=update.percent,
                    message=update.message,
                    epoch=update.epoch,
                    total_epochs=update.total_epochs,
                    loss=update.loss,
                    eta_seconds=update.eta_seconds,
                ),
            )
        except Exception as exc:  # a database hiccup must not kill the engine run
            log.warning("could not record progress of job %s: %s", self.job_id, exc)
            return
        self.loop.call_soon_threadsafe(self.worker.on_commit)
        if status != m.RUNNING:
            self.cancel.set()


def _engine_metadata(dataset: Any) -> dict[str, Any]:
    """The datasets service's column metadata in the layout the engines read."""
    columns = {
        c.name: {
            k: v
            for k, v in (
                ("sdtype", c.sdtype),
                ("datetime_format", c.datetime_format),
                ("pii", c.pii),
            )
            if v
        }
        for c in dataset.metadata.columns
    }
    return {"columns": columns, "primary_key": dataset.metadata.primary_key or None}


def _json_safe(value: Any) -> Any:
    """Metrics go into JSONB: tuples become lists, non-finite floats null."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value
