"""An engine's progress recorded as its job's: throttled to one write per interval (and the
last one), and the engine stopped once its attempt no longer owns the job."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from common.db import Database
from services.training import attempts
from services.training.engines import ProgressUpdate

log = logging.getLogger(__name__)


@dataclass(eq=False)
class ProgressReporter:
    """Called by the runner in the engine thread at least every couple of seconds."""

    db: Database
    on_commit: Callable[[], None]
    attempt: attempts.Attempt
    cancel: threading.Event
    interval: float

    def __post_init__(self) -> None:
        self.last = 0.0
        self.loop = asyncio.get_running_loop()

    def __call__(self, update: ProgressUpdate) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and update.percent < 100.0:
            return
        self.last = now
        try:
            ownership = self.record(update)
        except Exception as exc:  # a database hiccup must not kill the engine run
            log.warning("could not record progress of job %s: %s", self.attempt.job_id, exc)
            return
        self.loop.call_soon_threadsafe(self.on_commit)
        if ownership is not attempts.Ownership.OWNED:
            self.cancel.set()

    def record(self, update: ProgressUpdate) -> attempts.Ownership:
        return self.db.run(
            attempts.record_progress,
            job_id=self.attempt.job_id,
            attempt=self.attempt.attempt,
            progress=update,
        )
