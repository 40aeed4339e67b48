"""An engine child forked ahead of its job, so that a job does not wait for the fork.

Forking a child from the fork server and bootstrapping it (the fork of a process holding
torch, multiprocessing's preparation, unpickling the process object) took 0.02 to 0.2 s on
every train and every generate: on a sub-second job, most of the platform's overhead. So
after each job takes its child, the next one is forked in the background, and waits,
blocked on a pipe, for the job it will run.

Nothing of a job's isolation changes: every job still runs in a process of its own that
runs nothing else and exits after it (a spare is used once). A spare waiting for its job
does nothing and holds nothing; it ends when its supervising process's end of the pipe
closes (that process exited or dropped it), and with the fork server.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

# target(jobs, results, supervisor): the child's main function.
ChildMain = Callable[[Connection, Connection, int], None]


@dataclass(frozen=True)
class EngineChild:
    """A started engine process: ``jobs`` sends it its one job, ``results`` reads what it
    reports (progress, then the result, an error or a crash)."""

    process: multiprocessing.process.BaseProcess
    jobs: Connection
    results: Connection

    def give(self, job: tuple[Any, ...]) -> bool:
        """Hands the child its job; False when it is gone (killed while it waited)."""
        if not self.process.is_alive():
            return False
        try:
            self.jobs.send(job)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            return False
        return True

    def discard(self) -> None:
        """Drops a child that never got its job: closing its pipe ends it."""
        self.jobs.close()
        self.results.close()
        self.process.join(0)


def start_child(context: BaseContext, target: ChildMain) -> EngineChild:
    results, sender = context.Pipe(duplex=False)
    receiver, jobs = context.Pipe(duplex=False)
    # Not a daemon: daemonic processes may not start their own workers (joblib, loky).
    process = context.Process(target=target, args=(receiver, sender, os.getpid()), name="engine")
    process.start()
    sender.close()
    receiver.close()
    return EngineChild(process, jobs, results)


class Spares:
    """At most one spare engine child per supervising process, refilled in the background
    after each take."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spare: EngineChild | None = None
        self._filling = False
        self._closed = False
        # Before multiprocessing's own exit handler (registered earlier, so run later), which
        # joins every child: a spare waits for a job until its pipe closes.
        atexit.register(self.close)

    def close(self) -> None:
        """Ends the spare (it exits when its pipe closes)."""
        with self._lock:
            spare, self._spare, self._closed = self._spare, None, True
        if spare is not None:
            spare.discard()

    def take(self, context: BaseContext, target: ChildMain, job: tuple[Any, ...]) -> EngineChild:
        """A child running ``job``: the spare if it is alive, else a new one; then a new
        spare is forked in the background."""
        with self._lock:
            spare, self._spare = self._spare, None
        child = spare
        if child is not None and not child.give(job):
            child.discard()
            child = None
        if child is None:
            child = start_child(context, target)
            if not child.give(job):
                # Died before its first instruction (out of memory?): the caller's pump
                # reports how it ended.
                child.jobs.close()
        self._refill(context, target)
        return child

    def _refill(self, context: BaseContext, target: ChildMain) -> None:
        with self._lock:
            if self._filling or self._spare is not None or self._closed:
                return
            self._filling = True
        threading.Thread(
            target=self._fill, args=(context, target), name="engine-spare", daemon=True
        ).start()

    def _fill(self, context: BaseContext, target: ChildMain) -> None:
        try:
            child = start_child(context, target)
        except Exception:  # the next job forks its own child
            child = None
        with self._lock:
            self._filling = False
            if self._spare is None and not self._closed:
                self._spare, child = child, None
        if child is not None:
            child.discard()
