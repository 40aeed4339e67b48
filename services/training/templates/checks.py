"""Checks of a template request, run in a child process with a memory limit and a deadline.

Validation bounds every option that makes work grow (see :mod:`limits`), and :func:`plan`
then generates a few rows of every table (the dry run) so that errors only data can show
surface before a job exists. Both run here, in a child of the training API, never in the API
itself: if a schema gets past validation and still asks for too much, the child hits its
memory limit or its deadline and says so, and the API goes on serving.

Everything crossing the process boundary is plain data (a SchemaError does not pickle).
"""

from __future__ import annotations

import contextlib
import resource
import signal
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from common.contracts.template_schema import SchemaError, parse_schema
from services.training.exports import json_lines
from services.training.templates.generator import GenerationPlan, plan, preview
from services.training.templates.vocab import value_lengths

_limits: dict[str, float] = {}


class _Deadline(Exception):
    pass


def prepare(memory_bytes: int, timeout_seconds: float) -> None:
    """Initializer of a checking process: loads what every check needs (the default
    locale's vocabulary), then allows ``memory_bytes`` more of data memory."""
    plan("user", count=1)
    value_lengths("en_US")
    used = _data_bytes()
    if used is not None:
        limit = used + memory_bytes
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    _limits.update(memory_bytes=memory_bytes, timeout_seconds=timeout_seconds)


def _data_bytes() -> int | None:
    """This process's data segment (what RLIMIT_DATA counts), from /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def _deadline() -> Iterator[None]:
    seconds = _limits.get("timeout_seconds", 0.0)

    def expire(signum: int, frame: object) -> None:
        expired.append(True)
        raise _Deadline

    if seconds <= 0:
        yield
        return
    expired: list[bool] = []
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except SchemaError as exc:
        # The deadline raised inside generation code that turns what it meets into a
        # field's error (a busy machine's check of a slow field): still the deadline.
        if expired:
            raise _Deadline from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _outcome(check: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        with _deadline():
            return {"ok": True, **check(*args, **kwargs)}
    except SchemaError as exc:
        return {"ok": False, "errors": [list(e) for e in exc.errors]}
    except MemoryError:
        mib = int(_limits.get("memory_bytes", 0)) // (1024 * 1024)
        message = f"checking this schema needs more than {mib:,} MiB of memory"
        return {"ok": False, "errors": [["schema", message]]}
    except _Deadline:
        seconds = _limits.get("timeout_seconds", 0.0)
        message = f"checking this schema takes longer than {seconds:g} seconds"
        return {"ok": False, "errors": [["schema", message]]}


def check_schema(text: str, *, max_fields: int) -> dict[str, Any]:
    """A custom schema from JSON, validated with a dry run of one root row: ``{"ok": True,
    "schema": <as stored>}`` or ``{"ok": False, "errors": [[path, message], ...]}``."""

    def check() -> dict[str, Any]:
        schema = parse_schema(text)
        # Root tables without their own count get one row here: only the rows of the
        # actual request can tell whether unique values suffice.
        plan(schema, count=1, max_fields=max_fields)
        return {"schema": schema.model_dump(mode="json", exclude_unset=True)}

    return _outcome(check)


def _plan_source(
    source: Mapping[str, Any], count: int, seed: int, locale: str, max_rows: int, max_fields: int
) -> GenerationPlan:
    """The plan of a template job's source: ``{"builtin", "options"}`` or ``{"schema"}``."""
    return plan(
        source.get("builtin") or source["schema"],
        count=count,
        seed=seed,
        locale=locale,
        options=source.get("options") or None,
        max_rows=max_rows,
        max_fields=max_fields,
    )


def check_generation(
    source: Mapping[str, Any],
    *,
    count: int,
    seed: int,
    locale: str,
    max_rows: int,
    max_fields: int,
) -> dict[str, Any]:
    """Plans a template job's source (``{"builtin", "options"}`` or ``{"schema"}``) for the
    requested rows: ``{"ok": True, "estimated_bytes": n}`` or ``{"ok": False, "errors":
    [...]}``; ``estimated_bytes`` is what the job's files will take (``estimated_bytes``)."""

    def check() -> dict[str, Any]:
        planned = _plan_source(source, count, seed, locale, max_rows, max_fields)
        return {"estimated_bytes": estimated_bytes(planned)}

    return _outcome(check)


# Rows of each table written as a job writes them to estimate the bytes of all its rows.
ESTIMATE_SAMPLE_ROWS = 5_000


def estimated_bytes(planned: GenerationPlan) -> int:
    """The bytes a job of this plan will write: each table's rows times the bytes per row of
    a sample of it, written as a job writes it (zstd Parquet). An estimate: values drawn
    later may be longer or compress less."""
    total = 0
    for name, batch in preview(planned, ESTIMATE_SAMPLE_ROWS):
        if not batch.num_rows:
            continue
        rows = _parquet_bytes(pa.Table.from_batches([batch]))
        footer = _parquet_bytes(batch.schema.empty_table())
        total += footer + planned.table(name).rows * max(rows - footer, 0) // batch.num_rows
    return total


def _parquet_bytes(table: pa.Table) -> int:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.tell()


def preview_rows(
    source: Mapping[str, Any],
    *,
    rows: int,
    seed: int,
    locale: str,
    max_rows: int,
    max_fields: int,
    max_bytes: int,
) -> dict[str, Any]:
    """``rows`` rows of each table a template job's source makes: ``{"ok": True,
    "tables": [{"name", "columns", "rows_json", "truncated"}]}`` (rows as JSON objects, at
    most ``max_bytes`` of them over all tables) or ``{"ok": False, "errors": [...]}``."""

    def check() -> dict[str, Any]:
        planned = _plan_source(source, rows, seed, locale, max_rows, max_fields)
        budget = max_bytes
        tables = []
        for name, batch in preview(planned, rows):
            kept: list[str] = []
            # As a JSON Lines download writes them (dates included).
            for text in json_lines(batch.schema, batch):
                budget -= len(text.encode())
                if budget < 0:
                    break
                kept.append(text)
            tables.append(
                {
                    "name": name,
                    "columns": batch.schema.names,
                    "rows_json": kept,
                    "truncated": len(kept) < batch.num_rows,
                }
            )
        return {"tables": tables}

    return _outcome(check)
