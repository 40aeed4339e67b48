"""Subscription events executed once per operation for all subscribers (gateway/fanout.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.extensions import ParserCache

from gateway.fanout import SharedEvent, SharedEventExecution
from gateway.schema.notifications.types import JobUpdate
from gateway.subscriptions import JobState
from synthetica.training.v1 import training_pb2

RESOLVED: list[str] = []


@strawberry.type
class Tick(SharedEvent):
    number: int

    @strawberry.field
    def doubled(self) -> int:
        RESOLVED.append("doubled")
        return self.number * 2


@strawberry.type
class PrivateTick:
    number: int

    @strawberry.field
    def doubled(self) -> int:
        RESOLVED.append("private")
        return self.number * 2


@strawberry.type
class Query:
    ok: bool = True


def make_schema(events: asyncio.Queue) -> strawberry.Schema:
    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def ticks(self, offset: int = 0) -> AsyncGenerator[Tick, None]:
            queue = await events.get()
            while (tick := await queue.get()) is not None:
                yield tick

        @strawberry.subscription
        async def private_ticks(self) -> AsyncGenerator[PrivateTick, None]:
            queue = await events.get()
            while (tick := await queue.get()) is not None:
                yield PrivateTick(number=tick.number)

    # As in build_schema: the parser cache gives equal operation texts one document.
    return strawberry.Schema(
        query=Query,
        subscription=Subscription,
        execution_context_class=SharedEventExecution,
        extensions=[lambda: ParserCache(maxsize=16)],
    )


async def run_subscribers(queries: list[tuple[str, dict]], ticks: list[Tick]) -> list[list]:
    """Each query subscribed once; every subscriber gets the same tick objects."""
    feeds: asyncio.Queue = asyncio.Queue()
    schema = make_schema(feeds)
    queues = [asyncio.Queue() for _ in queries]
    for q in queues:
        feeds.put_nowait(q)
        for tick in ticks:
            q.put_nowait(tick)
        q.put_nowait(None)

    async def collect(query: str, variables: dict) -> list:
        stream = await schema.subscribe(query, variable_values=variables)
        return [result async for result in stream]

    return await asyncio.gather(*(collect(q, v) for q, v in queries))


async def test_one_execution_per_event_for_subscribers_of_the_same_operation():
    RESOLVED.clear()
    query = "subscription { ticks { number doubled } }"
    ticks = [Tick(number=1), Tick(number=2)]
    results = await run_subscribers([(query, {})] * 5, ticks)

    for got in results:
        assert [r.data for r in got] == [
            {"ticks": {"number": 1, "doubled": 2}},
            {"ticks": {"number": 2, "doubled": 4}},
        ]
        assert all(r.errors is None for r in got)
    assert RESOLVED == ["doubled", "doubled"]  # once per event, not once per subscriber


async def test_different_operations_or_variables_execute_separately():
    RESOLVED.clear()
    queries = [
        ("subscription { ticks { number doubled } }", {}),
        ("subscription { ticks { doubled } }", {}),
        ("subscription($o: Int!) { ticks(offset: $o) { doubled } }", {"o": 1}),
        ("subscription($o: Int!) { ticks(offset: $o) { doubled } }", {"o": 2}),
        ("subscription($o: Int!) { ticks(offset: $o) { doubled } }", {"o": 2}),
    ]
    results = await run_subscribers(queries, [Tick(number=3)])

    assert results[1][0].data == {"ticks": {"doubled": 6}}
    assert results[4][0].data == {"ticks": {"doubled": 6}}
    assert len(RESOLVED) == 4  # the last subscriber shares the fourth's operation and variables


async def test_payloads_that_are_not_shared_events_execute_per_subscriber():
    RESOLVED.clear()
    query = "subscription { privateTicks { doubled } }"
    results = await run_subscribers([(query, {})] * 3, [Tick(number=1)])

    assert all(r[0].data == {"privateTicks": {"doubled": 2}} for r in results)
    assert RESOLVED == ["private"] * 3


def test_job_updates_are_plain_data_and_one_object_per_state():
    """JobUpdate results are shared between users: none of its fields may have a resolver
    (one could read the caller's context)."""
    definition = JobUpdate.__strawberry_definition__
    assert [f.name for f in definition.fields if f.base_resolver is not None] == []

    state = JobState("job-1", training_pb2.JOB_STATUS_RUNNING, percent=10.0, sequence=3)
    same = JobState("job-1", training_pb2.JOB_STATUS_RUNNING, percent=10.0, sequence=3)
    assert JobUpdate.from_state(state) is JobUpdate.from_state(same)
    assert JobUpdate.from_state(state) is not JobUpdate.from_state(
        JobState("job-1", training_pb2.JOB_STATUS_RUNNING, percent=20.0, sequence=4)
    )
