"""The columns of a batch worked on at once, on a few threads of the ingesting process.

Ingestion's per-column work (trimming, missing-value tokens, typing, converting, each
column's statistics) is a chain of pyarrow kernels, which release the GIL: done one column
after the other it kept one core busy while the other waited (1 GB of CSV: 1.4 of 2 cores
busy for 19 s). Each column's state is touched by one thread at a time, and a batch's
columns are all done before the next batch starts, so the outcome is the same as serial.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")

# Threads per ingesting process, like its Arrow threads (``process.ARROW_THREADS``).
COLUMN_THREADS = min(4, os.cpu_count() or 1)

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def each_column(work: Callable[[int], T], columns: int) -> list[T]:
    """``work(index)`` for every column index, in order; raises what the first failing
    column (in column order) raised, once every column is done. The caller's thread works
    too, and each thread takes the next column left (a task per column cost more than
    some of the columns' work)."""
    if columns < 2 or COLUMN_THREADS < 2:
        return [work(index) for index in range(columns)]
    results: list[Any] = [None] * columns
    errors: dict[int, BaseException] = {}
    left = iter(range(columns))  # shared: each `next` hands out one index

    def drain() -> None:
        for index in left:
            try:
                results[index] = work(index)
            except BaseException as exc:  # raised below, in column order
                errors[index] = exc

    helpers = [_executor().submit(drain) for _ in range(min(COLUMN_THREADS, columns) - 1)]
    drain()
    wait(helpers)
    if errors:
        raise errors[min(errors)]
    return results


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(COLUMN_THREADS, "ingest-columns")
        return _pool
