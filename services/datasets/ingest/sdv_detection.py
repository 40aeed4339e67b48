"""SDV's metadata detection, in a short-lived child process (see ``sdv_child``) so that what
SDV loads never stays in the caller.

The child is started ahead of the sample it is given (``SdvDetection()`` when an upload's
ingestion begins): it imports ``sdv.metadata`` (seconds) while the file is read, and the
sample is handed to it once the typed table is written.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pandas as pd
import pyarrow as pa

logger = logging.getLogger(__name__)

# SDV's detection looks at names and cardinality: a bounded sample is enough, and keeps the
# child process small.
SDV_SAMPLE_ROWS = 50_000
SDV_TIMEOUT_SECONDS = 300


class SdvDetection:
    """One detection: start it, then `columns(sample)` once; `close` (or leaving its `with`)
    stops a child that was never asked (the ingestion failed first)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "services.datasets.ingest.sdv_child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # The child imports this package from wherever the caller does.
                env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            )
        except OSError:
            logger.warning("SDV metadata detection did not start", exc_info=True)

    def columns(self, sample: pd.DataFrame) -> tuple[dict[str, dict], str | None]:
        """SDV's sdtype per column and its primary key; ({}, None) on any failure (our own
        checks still apply)."""
        if self._process is None:
            return {}, None
        try:
            out, err = self._process.communicate(
                _ipc_bytes(sample.head(SDV_SAMPLE_ROWS)), timeout=SDV_TIMEOUT_SECONDS
            )
            if self._process.returncode != 0:
                logger.warning(
                    "SDV metadata detection failed",
                    extra={"fields": {"stderr": err.decode(errors="replace")[-2000:]}},
                )
                return {}, None
            verdict = json.loads(out)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            logger.warning("SDV metadata detection failed", exc_info=True)
            return {}, None
        finally:
            self.close()
        return verdict["columns"], verdict["primary_key"]

    def __enter__(self) -> SdvDetection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._process is not None:
            self._process.wait()


def _ipc_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
