"""Ending an engine's child process and what it started: each child leads a process group
of its own (see `supervisor`), so a signal to the group reaches the joblib or torch workers it
started too."""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
from collections.abc import Callable

import psutil

# After SIGTERM the child gets this long to exit before SIGKILL.
TERMINATE_GRACE_SECONDS = 3.0


def stop(process: multiprocessing.process.BaseProcess, *, exiting: bool = False) -> None:
    """Stops the child (SIGTERM, then SIGKILL after a grace period) and its group. An
    ``exiting`` child (it sent its result) first gets the grace period to exit by itself,
    so that its exit releases what it registered (semaphores); it is not closed, as the
    interpreter's exit may be joining it too (its pipes close when it is collected)."""
    if exiting:
        process.join(TERMINATE_GRACE_SECONDS)
    if process.is_alive():
        _signal_group(process, signal.SIGTERM)
        process.join(TERMINATE_GRACE_SECONDS)
    if process.is_alive():
        _signal_group(process, signal.SIGKILL)
    process.join()
    # What the engine started and left behind.
    _signal_group(process, signal.SIGKILL)
    if not exiting:
        process.close()


def end_after_result(process: multiprocessing.process.BaseProcess) -> None:
    """A child that sent its result has nothing left to do but exit (its task returned, its
    temporary files are gone): it is reaped in the background, so the caller does not wait
    for the kernel to tear down a process the size of torch (tens of ms on every job, more
    under load)."""
    threading.Thread(
        target=stop, args=(process,), kwargs={"exiting": True}, name="engine-reaper", daemon=True
    ).start()


def _signal_group(process: multiprocessing.process.BaseProcess, sig: signal.Signals) -> None:
    assert process.pid is not None
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        # The group is gone (or the child exited before making it): the process itself.
        if process.exitcode is None:
            os.kill(process.pid, sig)


def die_with(supervisor: int) -> None:
    """Ends this process's group (the engine and what it started) once the supervising worker
    has exited. The parent-death signal alone is not enough: every child of a fork server holds
    the write end of the server's "alive" pipe, so while an engine runs, its fork server
    outlives a killed worker, and the signal never comes."""
    try:
        exited = _exit_waiter(supervisor)
    except (psutil.NoSuchProcess, ProcessLookupError):
        os.killpg(0, signal.SIGKILL)
        return

    def wait() -> None:
        exited()
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=wait, name="die-with-worker", daemon=True).start()


def _exit_waiter(pid: int) -> Callable[[], object]:
    """A blocking wait for ``pid`` (not this process's child) to exit. On Linux a pidfd: the
    kernel wakes the waiter once; psutil elsewhere polls a few times a second, and each poll
    takes the engine's GIL."""
    if not hasattr(os, "pidfd_open"):
        return psutil.Process(pid).wait
    fd = os.pidfd_open(pid)

    def wait() -> None:
        select.select([fd], [], [])

    return wait
