"""Jobs: ``client.jobs`` and ``Job`` objects, asynchronous and synchronous, and following a
job to its end (``wait``): live updates from the ``jobUpdates`` subscription, or polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import websockets

from synthetica_client._base import POLL_SECONDS, Bound, all_pages, enum_or_none, id_of
from synthetica_client._generated import enums
from synthetica_client._generated.exceptions import GraphQLClientError
from synthetica_client._generated.fragments import JobFields
from synthetica_client._mirror import Mirror, Namespace, blocking, mirrors
from synthetica_client.errors import JobCancelled, JobFailed
from synthetica_client.progress import Bars, JobProgress, ProgressOption, console_for, job_detail

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient
    from synthetica_client._batches import AsyncBatch, Batch
    from synthetica_client._models import AsyncModel, Model
    from synthetica_client._projects import ProjectRef

log = logging.getLogger("synthetica_client")

JobStatus = enums.JobStatus
TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
# A job as the methods take it: its id or the object (of either client).
JobRef = str | JobFields
# A live subscription this long without news is checked with a query.
QUIET_SECONDS = 20.0
# The websocket could not be used: refused, blocked by a proxy, closed early, timed out.
WEBSOCKET_TROUBLE = (
    OSError,
    websockets.exceptions.WebSocketException,
    TimeoutError,
    GraphQLClientError,
)


class AsyncJob(Bound, JobFields):
    _resource = "jobs"

    async def cancel(self) -> AsyncJob:
        return await self._client.jobs.cancel(self.id)

    async def approve(self, comment: str = "") -> AsyncJob:
        """See ``client.jobs.approve``."""
        return await self._client.jobs.approve(self.id, comment)

    async def reject(self, comment: str) -> AsyncJob:
        """See ``client.jobs.reject``."""
        return await self._client.jobs.reject(self.id, comment)

    async def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> AsyncModel | AsyncBatch:
        """Follows the job until it ends (the ``jobUpdates`` subscription, or polling when
        websockets are blocked) and returns what it made: the model of a training job, the
        batch of a generate job. Raises JobFailed or JobCancelled, and TimeoutError after
        ``timeout`` seconds (the job goes on)."""
        final = await follow(self._client, self, progress=progress, timeout=timeout)
        if final.kind == enums.JobKind.TRAIN:
            return await self._client.models.get(final.model_id or "")
        return await self._client.batches.get(final.batch_id or "")


class AsyncJobs:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, job: JobRef) -> AsyncJob:
        return AsyncJob.bind((await self._c._t.job(id=id_of(job))).job, self._c)

    async def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        project: ProjectRef | None = None,
        limit: int | None = None,
    ) -> list[AsyncJob]:
        """Your jobs (or a project's), newest first; ``status`` e.g. "RUNNING"."""
        found = await all_pages(
            self._c._t.jobs,
            "jobs",
            limit,
            status=enum_or_none(enums.JobStatus, status, "status"),
            kind=enum_or_none(enums.JobKind, kind, "kind"),
            project_id=await self._c.projects._id(project),
        )
        return [AsyncJob.bind(j, self._c) for j in found]

    async def cancel(self, job: JobRef) -> AsyncJob:
        return AsyncJob.bind((await self._c._t.cancel_job(id=id_of(job))).cancel_job, self._c)

    async def approve(self, job: JobRef, comment: str = "") -> AsyncJob:
        """Lets a PENDING_APPROVAL job run (project owners and admins); the requester is told."""
        result = await self._c._t.approve_job(id=id_of(job), comment=comment)
        return AsyncJob.bind(result.approve_job, self._c)

    async def reject(self, job: JobRef, comment: str) -> AsyncJob:
        """Cancels a PENDING_APPROVAL job for good (project owners and admins); the requester
        is told, with the comment."""
        result = await self._c._t.reject_job(id=id_of(job), comment=comment)
        return AsyncJob.bind(result.reject_job, self._c)


async def follow(
    client: AsyncClient, job: JobFields, *, progress: ProgressOption, timeout: float | None
) -> AsyncJob:
    """Shows the job's progress until it ends; its final state, or JobFailed /
    JobCancelled."""
    label = f"{job.kind.value.lower() if job.kind else 'job'} {job.id[:8]}"
    with Bars.job(console_for(progress)) as bars:
        bar = bars.add(label, total=100, detail=job.status.value.lower() if job.status else "")

        def show(status: Any, p: JobProgress) -> None:
            bar.update(completed=p.percent, detail=job_detail(status.value, p))

        await asyncio.wait_for(_until_done(client, job.id, show), timeout)
    final = await client.jobs.get(job.id)
    if final.status == JobStatus.FAILED:
        raise JobFailed(f"job {final.id} failed: {final.error or 'no reason given'}", job=final)
    if final.status == JobStatus.CANCELLED:
        raise JobCancelled(f"job {final.id} was cancelled", job=final)
    return final


async def _until_done(client: AsyncClient, job_id: str, show: Callable[..., None]) -> None:
    """Live updates from the subscription; polling when websockets cannot be used.
    A subscription silent for QUIET_SECONDS is double-checked with a query, so a lost
    update never leaves a wait hanging."""
    updates = client._t.job_updates(job_id=job_id)
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            pending = pending or asyncio.ensure_future(anext(updates))
            done, _ = await asyncio.wait({pending}, timeout=QUIET_SECONDS)
            if not done:
                if await _poll_once(client, job_id, show):
                    return
                continue
            u = pending.result().job_updates
            pending = None
            show(u.status, u)
            if u.status in TERMINAL:
                return
    except StopAsyncIteration:
        log.info("job updates of %s ended early; polling", job_id)
    except WEBSOCKET_TROUBLE as exc:
        log.info("no live job updates (%s: %s); polling", type(exc).__name__, exc)
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        await updates.aclose()
    while True:
        if await _poll_once(client, job_id, show):
            return
        await asyncio.sleep(POLL_SECONDS)


async def _poll_once(client: AsyncClient, job_id: str, show: Callable[..., None]) -> bool:
    """Shows the job's state from a query; whether it has ended."""
    job = await client.jobs.get(job_id)
    show(job.status, job.progress)
    return job.status in TERMINAL


@mirrors(AsyncJob)
class Job(Mirror, JobFields):
    def cancel(self) -> Job:
        return self._client._run(self._twin().cancel)

    def approve(self, comment: str = "") -> Job:
        return self._client._run(self._twin().approve, comment)

    def reject(self, comment: str) -> Job:
        return self._client._run(self._twin().reject, comment)

    def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> Model | Batch:
        """Follows the job until it ends and returns its model (training) or batch
        (generating). Ctrl-C in a terminal asks whether to cancel the job."""
        return self._client._wait(self.id, self._twin().wait, progress=progress, timeout=timeout)


class Jobs(Namespace):
    get = blocking(AsyncJobs.get, Job)
    cancel = blocking(AsyncJobs.cancel, Job)
    approve = blocking(AsyncJobs.approve, Job)
    reject = blocking(AsyncJobs.reject, Job)
    list = blocking(AsyncJobs.list, list[Job])
