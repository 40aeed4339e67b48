"""The training API's checks of template requests, in memory-limited child processes.

``createTemplate`` and ``generateFromTemplate`` validate a schema and generate a few rows of
it (a dry run) before any job exists. That work is the user's schema running: it happens in
a pool of child processes (:mod:`templates.checks`), each allowed ``memory_bytes`` of data
memory above what it needs at rest and ``timeout_seconds`` per check, so a schema that asks
for too much fails its own request with a typed error and never grows the API process.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from common.errors import InvalidArgument, ResourceExhausted
from services.training.templates import SchemaError
from services.training.templates import checks as core
from services.training.templates.store import invalid_schema

log = logging.getLogger(__name__)

# The parent's own deadline, beyond the child's (which a child stuck in native code would
# not notice): generous, since a fresh process first loads the vocabularies.
_GRACE_SECONDS = 60.0


@dataclass(eq=False, kw_only=True)
class TemplateChecker:
    workers: int
    memory_bytes: int
    timeout_seconds: float
    max_waiting: int

    def __post_init__(self) -> None:
        self._waiting = 0
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: a fork of a process running gRPC threads is unsafe.
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=core.prepare,
            initargs=(self.memory_bytes, self.timeout_seconds),
        )
        # Start the processes now, so that the first request does not wait for their imports.
        self._warm = [pool.submit(int) for _ in range(self.workers)]
        return pool

    async def wait_ready(self) -> None:
        """Returns once the checking processes have started (imports and vocabulary loaded,
        a few seconds), so the API serves its first template request without that wait."""
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warm))

    async def check_schema(self, text: str, *, max_fields: int, field: str) -> dict[str, Any]:
        """The schema as stored, or INVALID_ARGUMENT with one violation per problem under
        ``field``."""
        outcome = await self._run(core.check_schema, text, max_fields=max_fields)
        self._raise_errors(outcome, field)
        return outcome["schema"]

    async def check_generation(
        self,
        source: Mapping[str, Any],
        *,
        count: int,
        seed: int,
        locale: str,
        max_rows: int,
        max_fields: int,
        field: str,
    ) -> int:
        """Plans a template job's source for the requested rows, so every problem is
        reported before a job exists; returns the estimated bytes of the job's files."""
        outcome = await self._run(
            core.check_generation,
            dict(source),
            count=count,
            seed=seed,
            locale=locale,
            max_rows=max_rows,
            max_fields=max_fields,
        )
        self._raise_errors(outcome, field)
        return int(outcome["estimated_bytes"])

    async def preview(
        self,
        source: Mapping[str, Any],
        *,
        rows: int,
        seed: int,
        locale: str,
        max_rows: int,
        max_fields: int,
        max_bytes: int,
        field: str,
    ) -> list[dict[str, Any]]:
        """``rows`` rows of every table the source makes (see
        :func:`checks.preview_rows`), generated in a checking process."""
        outcome = await self._run(
            core.preview_rows,
            dict(source),
            rows=rows,
            seed=seed,
            locale=locale,
            max_rows=max_rows,
            max_fields=max_fields,
            max_bytes=max_bytes,
        )
        self._raise_errors(outcome, field)
        return outcome["tables"]

    @staticmethod
    def _raise_errors(outcome: dict[str, Any], field: str) -> None:
        if not outcome["ok"]:
            errors = [(str(path), str(message)) for path, message in outcome["errors"]]
            raise invalid_schema(SchemaError(errors), field)

    async def _run(self, function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if self._waiting >= self.max_waiting:
            raise ResourceExhausted(
                "too many template checks are waiting; try again in a moment",
                reason="TOO_MANY_CHECKS",
            )
        self._waiting += 1
        pool = self._pool
        try:
            # Only the core module is imported over there (the task names its function).
            call = asyncio.get_running_loop().run_in_executor(
                pool, functools.partial(function, *args, **kwargs)
            )
            # Queued checks wait for a free process: the deadline covers the queue as well.
            limit = self.timeout_seconds * (self._waiting / self.workers + 1) + _GRACE_SECONDS
            return await asyncio.wait_for(call, limit)
        except BrokenProcessPool:
            self._replace(pool)
            raise InvalidArgument(
                "checking this schema stopped its checking process (it needs more memory than "
                "allowed); make the schema smaller",
                field="schema",
                reason="SCHEMA_TOO_EXPENSIVE",
            ) from None
        except TimeoutError:
            self._replace(pool, kill=True)
            raise InvalidArgument(
                f"checking this schema took longer than {self.timeout_seconds:g} seconds",
                field="schema",
                reason="SCHEMA_TOO_EXPENSIVE",
            ) from None
        finally:
            self._waiting -= 1

    def _replace(self, pool: ProcessPoolExecutor, *, kill: bool = False) -> None:
        """A new pool for the next checks (once per broken pool)."""
        if pool is not self._pool:
            return
        log.warning("template checking processes replaced", extra={"fields": {"killed": kill}})
        if kill:
            # The executor offers no way to stop a running task; its processes are ours.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
