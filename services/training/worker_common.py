"""What the worker's jobs share (``worker``, ``worker_relational``, ``worker_shards``): the
error that fails a job, where an attempt's files go and how older attempts' files are
removed, and the conversions of what goes to the engines and back.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from common.storage import Storage
from services.training import attempts
from services.training.engines import ProgressUpdate

# Signals that stop an engine from outside (a terminal's Ctrl-C, a shutdown): the job is
# not at fault and runs again.
_SHUTDOWN_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


# A job's blocking work as the worker runs it in a thread: given where to report progress and
# the event that cancels it.
Run = Callable[[Callable[[ProgressUpdate], None], threading.Event], Any]


class JobFailed(Exception):
    """The job cannot succeed (bad data, engine error): fail it, do not retry."""


@contextlib.asynccontextmanager
async def heartbeating(
    cancels: set[threading.Event], heartbeat: Callable[[threading.Event], Awaitable[None]]
) -> AsyncIterator[threading.Event]:
    """The event that cancels a piece of work, in ``cancels`` (which a shutdown sets) while
    the work runs, with ``heartbeat(event)`` running beside it until the work ends."""
    cancel = threading.Event()
    cancels.add(cancel)
    beat = asyncio.create_task(heartbeat(cancel))
    try:
        yield cancel
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        cancels.discard(cancel)


def _attempt_folder(parent: str, attempt: attempts.Attempt) -> str:
    return f"{parent}/{attempt.job_id}/{attempt.attempt}"


def delete_other_attempts(storage: Storage, folder: str) -> None:
    """Deletes the files of a job's attempts other than the one in ``folder`` (frozen or
    killed workers' leftovers), once that one committed."""
    job_folder, own = folder.rsplit("/", 1)
    try:
        names = storage.fs.ls(storage.path(job_folder), detail=False)
    except FileNotFoundError:
        return
    for name in names:
        attempt = name.rstrip("/").rsplit("/", 1)[-1]
        if attempt != own:
            storage.delete(f"{job_folder}/{attempt}")


def _engine_metadata(metadata: Any) -> dict[str, Any]:
    """The datasets service's column metadata (a dataset's or one of its tables') in the
    layout the engines read."""
    columns = {
        c.name: {
            k: v
            for k, v in (
                ("sdtype", c.sdtype),
                ("datetime_format", c.datetime_format),
                ("pii", c.pii),
                ("decimals", c.decimals),
                ("least_decimals", c.least_decimals),
            )
            if v
        }
        for c in metadata.columns
    }
    return {
        "columns": columns,
        "primary_key": metadata.primary_key or None,
        "missing_value": metadata.missing_value or None,
    }


def _json_safe(value: Any) -> Any:
    """Metrics go into JSONB: tuples become lists, non-finite floats null."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def engine_run(call: functools.partial[Any], threads: int | None) -> Run:
    """``call``, an engine entry point with its inputs bound (``run_training`` and the like),
    as a Run: reporting to the job, stopped by the job's cancel event, on ``threads`` engine
    threads (0: as many as torch wants)."""
    return lambda on_progress, cancel: call(
        on_progress=on_progress, cancel_event=cancel, threads=threads or None
    )
