"""Run training and sampling in a child process.

Why a child: torch and SDV hold memory and threads that a long-lived worker should not
inherit, a cancelled job must stop within seconds even inside a C kernel, and a crash
(exception, segfault, `os._exit`, the OOM killer) must fail the job, not the worker.

Each child leads a process group of its own, so a signal meant for the worker's group (a
terminal's Ctrl-C) does not reach it, and stopping it stops whatever it started too (joblib
or torch workers); it watches the worker and ends its group when the worker exits (and
dies with the fork server too), so a killed worker leaves no engine running. Children are
forked from a "forkserver" process that imported torch, SDV and mostlyai-engine once (a
plain fork of the worker is unsafe with torch's threads; "spawn" would pay those imports,
seconds, for every job).

Both entry points block: call them from a worker thread and set `cancel_event` to cancel.
`on_progress` runs in the calling thread at least every `HEARTBEAT_SECONDS` while the child
runs (the last update again, with a fresh ETA, when the engine is silent: a long epoch).
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from common.lifetime import die_with_parent
from services.training.engines import preload, rehearsal
from services.training.engines.base import EngineError, Progress, ProgressUpdate
from services.training.engines.children import (
    TERMINATE_GRACE_SECONDS,
    die_with,
    end_after_result,
    stop,
)
from services.training.engines.spare import Spares

HEARTBEAT_SECONDS = 2.0
_POLL_SECONDS = 0.2


class EngineCrashed(EngineError):
    """The child process failed; `reason` is its error message or exit signal."""

    fields = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class EngineCancelled(EngineError):
    """The job was cancelled and its child process stopped."""


def supervise(
    task: Callable[..., Any],
    kwargs: dict[str, Any],
    on_progress: Progress | None,
    cancel_event: threading.Event | None,
    threads: int | None,
) -> Any:
    child = _SPARES.take(_engine_context(), _child_main, (task, kwargs, threads))
    process, receiver = child.process, child.results
    try:
        result = _pump(process, receiver, on_progress or (lambda _: None), cancel_event)
    except BaseException:
        stop(process)
        raise
    finally:
        receiver.close()
        child.jobs.close()
    end_after_result(process)
    return result


_SPARES = Spares()


def _engine_context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload.MODULES)
    return context


def warm_up() -> list[str]:
    """Starts the fork server now and waits until it has imported the engines (seconds; a
    minute or more on a loaded machine), so the first job starts warm too. Returns the
    modules an engine child finds already imported.

    Starting the server alone does not wait for its imports: the first engine child did, and
    a first job with a time budget spent it there (a 90-row table took 150 s to "train")."""
    _engine_context()
    multiprocessing.forkserver.ensure_running()
    return supervise(_preloaded, {}, None, None, 1)


def _preloaded(progress: Progress) -> list[str]:
    return [name for name in preload.MODULES if name in sys.modules]


def _pump(
    process: multiprocessing.process.BaseProcess,
    receiver: Connection,
    on_progress: Progress,
    cancel_event: threading.Event | None,
) -> Any:
    last = ProgressUpdate(percent=0.0, message="starting the engine process")
    on_progress(last)
    last_sent = time.monotonic()
    while True:
        if cancel_event is not None and cancel_event.is_set():
            raise EngineCancelled("cancelled")
        if receiver.poll(_POLL_SECONDS):
            try:
                kind, payload = receiver.recv()
            except EOFError:
                break
            if kind == "result":
                return payload
            if kind == "error":
                raise payload
            if kind == "crash":
                raise EngineCrashed(payload)
            last, last_sent = payload, time.monotonic()
            on_progress(last)
        elif not process.is_alive() and not receiver.poll():
            break
        if time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
            last = _aged(last, time.monotonic() - last_sent)
            last_sent = time.monotonic()
            on_progress(last)
    process.join(TERMINATE_GRACE_SECONDS)
    raise EngineCrashed(_exit_reason(process.exitcode))


def _aged(update: ProgressUpdate, seconds: float) -> ProgressUpdate:
    eta = None if update.eta_seconds is None else max(0.0, update.eta_seconds - seconds)
    return dataclasses.replace(update, eta_seconds=eta)


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"engine process killed by {name}{hint}"
    if exitcode:
        return f"engine process exited with code {exitcode}"
    return "engine process ended without a result"


def _child_main(jobs: Connection, sender: Connection, supervisor: int) -> None:
    """Waits for its one job (a spare, forked ahead: see `spare`), then runs it."""
    die_with_parent(os.getppid())
    # A spare, while it waits, runs the platform's steps of a job on tiny tables, so that its
    # job does not pay for their first run in a fresh process (see `rehearsal`); a child
    # started for a job that is already waiting goes straight to it.
    if not jobs.poll():
        rehearsal.rehearse()
    try:
        task, kwargs, threads = jobs.recv()
    except EOFError:  # the supervisor dropped this spare, or exited
        return
    finally:
        jobs.close()
    os.setpgid(0, 0)
    die_with(supervisor)
    # The fork server's imports (torch, SDV, mostlyai: ~500,000 objects, no garbage) leave the
    # cyclic collector's view: mostlyai runs five full collections after `train`, and under
    # load walking that heap took ~40 s of a 120 s budget after the training loop had stopped.
    gc.freeze()
    import torch

    torch.set_num_threads(threads or os.cpu_count() or 1)

    def progress(update: ProgressUpdate) -> None:
        sender.send(("progress", update))

    try:
        sender.send(("result", task(progress, **kwargs)))
    except EngineError as exc:
        sender.send(("error", exc))
    except Exception as exc:
        sender.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()
