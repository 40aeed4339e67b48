"""Background work: a loop of rounds that polls and that a commit can wake at once, and the
one way to stop background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger(__name__)


class Poller:
    """Mixin of a dataclass that works in rounds (the outbox relay, the webhook sender).

    A round returns how many items it handled: a full round (``batch`` items) is followed at
    once by the next, a shorter one waits up to ``poll_seconds`` or until :meth:`wake`. A
    failed round is logged and counts as empty, so a database gone for a moment is tried
    again on the next poll. :meth:`stop` ends the loop after the round in progress."""

    def __post_init__(self) -> None:
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that added work, so it is done without waiting for a poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run_rounds(
        self,
        one_round: Callable[[], Awaitable[int]],
        *,
        batch: int,
        poll_seconds: float,
        what: str,
    ) -> None:
        while not self._stopping.is_set():
            try:
                handled = await one_round()
            except Exception as exc:
                log.warning("%s round failed: %s", what, exc)
                handled = 0
            if handled < batch:
                self._wake.clear()
                # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the inner
                # result when a cancel comes just as it is ready, and the cancelled loop ran on.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(poll_seconds):
                        await self._wake.wait()


async def cancel_and_wait(tasks: Iterable[asyncio.Task], *, again_after: float = 1.0) -> None:
    """Cancels ``tasks`` and returns once every one has ended, whatever it raised.

    A task can swallow its cancel: Python 3.11's ``asyncio.wait_for`` (which libraries such
    as nats-py use) returns a result that was ready as the cancel came, and the task's loop
    goes on. Such a task is cancelled again every ``again_after`` seconds instead of being
    awaited for ever (a service's shutdown hung on one)."""
    tasks = list(tasks)
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=again_after)
    for task in tasks:
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it as never retrieved
