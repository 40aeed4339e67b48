"""SDV's metadata detection, run as ``python -m services.datasets.ingest.sdv_child``.

It answers tables one after the other, as long as it is asked: each request on stdin is an
8-byte big-endian length and that many bytes of an Arrow IPC stream (a bounded sample);
each answer is one JSON line on stdout, ``{"columns": {name: {"sdtype": ...}},
"primary_key": name | null}``, or ``{"error": text}`` when SDV failed on that table. It ends
at the end of its stdin (its parent closed it, or died), or once nobody asked anything for
``--idle-seconds``, so an idle service does not keep what SDV loaded.

It runs in a process of its own, and without torch: ``import sdv`` runs
``sdv/__init__.py``, which imports every synthesizer and with them torch (~400 MB of RSS),
while detection needs only the ``sdv.metadata`` subpackage. Registering the ``sdv``
package without executing its ``__init__`` lets that subpackage import alone. Only this
process ever sees that partial package.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import select
import sys
import traceback
import warnings
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa

LENGTH_BYTES = 8


def _metadata_class() -> Any:
    spec = importlib.util.find_spec("sdv")
    if spec is None:
        raise ImportError("SDV is not installed")
    sys.modules["sdv"] = importlib.util.module_from_spec(spec)
    from sdv.metadata import Metadata

    return Metadata


def detect(sample: pd.DataFrame, metadata: Any = None) -> dict[str, Any]:
    """SDV's sdtype per column and its primary key for `sample` (`metadata`: SDV's
    Metadata class, if already imported)."""
    metadata = metadata or _metadata_class()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = metadata.detect_from_dataframes({"table": sample}).to_dict()["tables"]["table"]
    columns = {
        str(name): {"sdtype": column.get("sdtype")}
        for name, column in table.get("columns", {}).items()
    }
    return {"columns": columns, "primary_key": table.get("primary_key")}


def _read_exactly(stream: io.RawIOBase, size: int) -> bytes | None:
    """``size`` bytes, or None at the end of the stream (a partial request included)."""
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _requests(stream: io.RawIOBase, idle_seconds: float) -> Iterator[bytes]:
    """Each request's IPC bytes, until the end of ``stream`` or ``idle_seconds`` without one."""
    while True:
        ready, _, _ = select.select([stream], [], [], idle_seconds)
        if not ready:
            return
        header = _read_exactly(stream, LENGTH_BYTES)
        if header is None:
            return
        body = _read_exactly(stream, int.from_bytes(header, "big"))
        if body is None:
            return
        yield body


def _answer(metadata: Any, body: bytes) -> dict[str, Any]:
    try:
        sample = pa.ipc.open_stream(body).read_all().to_pandas()
        return detect(sample, metadata)
    except Exception:
        return {"error": traceback.format_exc(limit=5)[-2000:]}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.datasets.ingest.sdv_child")
    parser.add_argument("--idle-seconds", type=float, default=300.0)
    options = parser.parse_args()
    answers = sys.stdout
    # SDV may print; stdout carries only the answers.
    with contextlib.redirect_stdout(sys.stderr):
        # Imported before the first request: the caller starts this process ahead.
        metadata = _metadata_class()
        # Unbuffered: select must see every byte not yet read.
        requests = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
        for body in _requests(requests, options.idle_seconds):
            answers.write(json.dumps(_answer(metadata, body)) + "\n")
            answers.flush()


if __name__ == "__main__":
    main()
