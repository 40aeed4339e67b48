"""A background loop of rounds that polls, and that a commit can wake at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

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
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), poll_seconds)
