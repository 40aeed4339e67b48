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
from typing import TypeVar

T = TypeVar("T")

# Threads per ingesting process, like its Arrow threads (``process.ARROW_THREADS``).
COLUMN_THREADS = min(4, os.cpu_count() or 1)

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def each_column(work: Callable[[int], T], columns: int) -> list[T]:
    """``work(index)`` for every column index, in order; raises what the first failing
    column raised, once every column is done."""
    if columns < 2 or COLUMN_THREADS < 2:
        return [work(index) for index in range(columns)]
    futures = [_executor().submit(work, index) for index in range(columns)]
    wait(futures)
    return [future.result() for future in futures]


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(COLUMN_THREADS, "ingest-columns")
        return _pool
