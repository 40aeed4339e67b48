"""SDV's metadata detection, in a child process (see ``sdv_child``) so that what SDV loads
never stays in the caller.

The child is kept warm between uploads: importing ``sdv.metadata`` costs about a CPU-second
and 2-5 s of wall time, which every upload paid when each got a child of its own. One child
per process answers that process's detections one at a time (an ingest worker ingests one
file at a time); a detection that finds it busy (another thread of the process detecting)
gets a child of its own for that one table. The child ends once idle for
``SDV_IDLE_SECONDS`` (its ~150 MB go back to the system), when it fails or overruns
``SDV_TIMEOUT_SECONDS`` (it is killed; the next detection starts a new one), or with the
process (the end of its stdin).

A detection is started ahead of the sample it is given (``SdvDetection()`` when an upload's
ingestion begins): a child that is not running yet imports while the file is read, and the
sample is handed to it once the typed table is written.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from typing import Any

import pandas as pd
import pyarrow as pa

from services.datasets.ingest.sdv_child import LENGTH_BYTES

logger = logging.getLogger(__name__)

# SDV's detection looks at names and cardinality: a bounded sample is enough, and keeps the
# child process small.
SDV_SAMPLE_ROWS = 50_000
SDV_TIMEOUT_SECONDS = 300
# How long a child waits for the next table before it ends. The caller stops asking it at
# half that, so a child never ends while a table is on its way to it.
SDV_IDLE_SECONDS = 300.0
# Tables one child answers before it is replaced: whatever SDV and pandas leave behind after a
# table (caches, a fragmented heap) cannot pile up over a long-running worker's uploads.
SDV_MAX_TABLES = 100


class DetectionFailed(Exception):
    """The child died, overran its time, or answered something unreadable."""


class DetectionChild:
    """One ``sdv_child`` process, asked one table at a time."""

    def __init__(self, idle_seconds: float) -> None:
        self.idle_seconds = idle_seconds
        self.process = subprocess.Popen(  # noqa: S603 - our own module
            [
                sys.executable,
                "-m",
                "services.datasets.ingest.sdv_child",
                "--idle-seconds",
                str(idle_seconds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # The child imports this package from wherever the caller does.
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        self.owner = os.getpid()
        self._last_answer = time.monotonic()
        self.answered = 0

    def usable(self) -> bool:
        """Running, this process's own, asked again well before it would end idle, and not
        yet at ``SDV_MAX_TABLES``."""
        idle = time.monotonic() - self._last_answer
        return (
            self.owner == os.getpid()
            and self.process.poll() is None
            and idle < self.idle_seconds / 2
            and self.answered < SDV_MAX_TABLES
        )

    def ask(self, body: bytes, timeout: float) -> dict[str, Any]:
        """The child's answer to one request (``sdv_child``'s IPC bytes)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = memoryview(len(body).to_bytes(LENGTH_BYTES, "big") + body)
        answer = bytearray()
        deadline = time.monotonic() + timeout
        stdin, stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(stdin, False)
        with selectors.DefaultSelector() as selector:
            selector.register(stdin, selectors.EVENT_WRITE)
            selector.register(stdout, selectors.EVENT_READ)
            while not answer.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DetectionFailed(f"no answer within {timeout:.0f} s")
                for key, _ in selector.select(left):
                    if key.fd == stdin:
                        request = request[_write(stdin, request) :]
                        if not request:
                            selector.unregister(stdin)
                    else:
                        chunk = os.read(stdout, 65536)
                        if not chunk:
                            raise DetectionFailed(f"the child ended ({self.process.wait()})")
                        answer += chunk
        self._last_answer = time.monotonic()
        self.answered += 1
        try:
            return json.loads(answer)
        except ValueError as exc:
            raise DetectionFailed("an unreadable answer") from exc

    def stop(self) -> None:
        """Ends the child: it exits at the end of its stdin, or is killed after 5 s (still
        detecting a table nobody waits for)."""
        if self.owner != os.getpid():
            return  # a fork's copy: the child is its parent's
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):  # it died mid-request
                self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.owner == os.getpid():
            self.process.kill()
            self.process.wait()


def _write(fd: int, data: memoryview) -> int:
    try:
        return os.write(fd, data)
    except BlockingIOError:
        return 0
    except BrokenPipeError as exc:
        raise DetectionFailed("the child ended") from exc


_warm_lock = threading.Lock()
_warm: DetectionChild | None = None


def _stop_warm() -> None:
    if _warm is not None:
        _warm.stop()


def _forget_warm() -> None:
    """In a forked child: the warm child and its lock are the parent's."""
    global _warm, _warm_lock
    _warm, _warm_lock = None, threading.Lock()


atexit.register(_stop_warm)
os.register_at_fork(after_in_child=_forget_warm)


class SdvDetection:
    """One detection: start it, then `columns(sample)` once; `close` (or leaving its `with`)
    releases the child (the ingestion failed before asking it)."""

    def __init__(self) -> None:
        self._child: DetectionChild | None = None
        self._lock: threading.Lock | None = None
        lock = _warm_lock
        if lock.acquire(blocking=False):
            self._lock = lock
            self._child = _warm_child()
        else:
            self._child = _start_child()

    def columns(self, sample: pd.DataFrame) -> tuple[dict[str, dict], str | None]:
        """SDV's sdtype per column and its primary key; ({}, None) on any failure (our own
        checks still apply)."""
        child = self._child
        if child is None:
            return {}, None
        try:
            verdict = child.ask(_ipc_bytes(sample.head(SDV_SAMPLE_ROWS)), SDV_TIMEOUT_SECONDS)
        except (DetectionFailed, OSError) as exc:
            logger.warning("SDV metadata detection failed: %s", exc)
            self._discard()
            return {}, None
        finally:
            self.close()
        if "error" in verdict:
            logger.warning(
                "SDV metadata detection failed",
                extra={"fields": {"error": str(verdict["error"])[-2000:]}},
            )
            return {}, None
        return verdict["columns"], verdict["primary_key"]

    def __enter__(self) -> SdvDetection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _discard(self) -> None:
        """Kills a child that failed; a warm one is replaced at the next detection."""
        global _warm
        if self._child is not None:
            self._child.kill()
            if self._child is _warm:
                _warm = None

    def close(self) -> None:
        """Gives the warm child back, or stops a child of this detection's own."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        elif self._child is not None:
            self._child.stop()
        self._child = None


def _warm_child() -> DetectionChild | None:
    """This process's warm child, started anew when there is none or it is past its time.
    Called with ``_warm_lock`` held."""
    global _warm
    if _warm is None or not _warm.usable():
        if _warm is not None:
            _warm.stop()
        _warm = _start_child()
    return _warm


def _start_child() -> DetectionChild | None:
    try:
        return DetectionChild(SDV_IDLE_SECONDS)
    except OSError:
        logger.warning("SDV metadata detection did not start", exc_info=True)
        return None


def _ipc_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
