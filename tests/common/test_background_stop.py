"""Stopping background work: a service's shutdown ends even when a task's cancel arrives as
the task was about to resume (CI once hung five minutes in a worker's stop on such a task)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from common.grpc_server import create_server
from common.polling import Poller, cancel_and_wait


@dataclass(eq=False)
class _Relay(Poller):
    rounds: int = 0

    async def run(self) -> None:
        await self.run_rounds(self._round, batch=100, poll_seconds=30, what="test relay")

    async def _round(self) -> int:
        self.rounds += 1
        return 0


async def _ended(task: asyncio.Task, within: float = 10) -> bool:
    done, _ = await asyncio.wait({task}, timeout=within)
    return task in done


async def test_a_poller_woken_as_it_is_cancelled_still_stops():
    relay = _Relay()
    task = asyncio.create_task(relay.run())
    await asyncio.sleep(0.05)
    # The commit's wake and the shutdown's cancel in the same turn of the loop: with
    # asyncio.wait_for the wait had already returned, and the cancel was dropped.
    relay.wake()
    await asyncio.sleep(0)
    task.cancel()
    assert await _ended(task), "the poller went on after its cancel"
    assert task.cancelled()
    relay.stop()


async def test_cancel_and_wait_ends_a_task_that_swallows_its_first_cancel():
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed > 1:
                    raise

    async def failing() -> None:
        raise RuntimeError("the task's own failure is not the stop's")

    tasks = [asyncio.create_task(stubborn()), asyncio.create_task(failing())]
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(tasks, again_after=0.1), 10)
    assert swallowed == 2
    assert all(task.done() for task in tasks)


async def test_a_server_stops_when_a_background_task_swallowed_a_cancel():
    server = create_server(
        host="127.0.0.1", port=0, service_names=[], register=lambda _: None, authenticator=None
    )
    await server.start()
    relay = _Relay()
    server.tasks.append(asyncio.create_task(relay.run()))

    async def swallow_once() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            await asyncio.sleep(3600)

    server.tasks.append(asyncio.create_task(swallow_once()))
    await asyncio.sleep(0.05)
    relay.wake()
    await asyncio.sleep(0)
    stopping = asyncio.create_task(server.stop(0))
    assert await _ended(stopping, within=30), "the server's stop hung on its tasks"
    assert all(task.done() for task in server.tasks)
