"""SDV's metadata detection, run as ``python -m services.datasets.ingest.sdv_child``.

Reads a table (a bounded sample) as an Arrow IPC stream on stdin and writes SDV's verdict as
JSON on stdout: ``{"columns": {name: {"sdtype": ...}}, "primary_key": name | null}``.

It runs in a short-lived process of its own, and without torch: ``import sdv`` runs
``sdv/__init__.py``, which imports every synthesizer and with them torch (~400 MB of RSS),
while detection needs only the ``sdv.metadata`` subpackage. Registering the ``sdv``
package without executing its ``__init__`` lets that subpackage import alone. Only this
process ever sees that partial package.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import warnings
from typing import Any

import pandas as pd
import pyarrow as pa


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


def main() -> None:
    # SDV may print; stdout carries only the answer.
    with contextlib.redirect_stdout(sys.stderr):
        # Imported before the sample is read: the caller starts this process ahead.
        metadata = _metadata_class()
        sample = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all().to_pandas()
        verdict = detect(sample, metadata)
    json.dump(verdict, sys.stdout)


if __name__ == "__main__":
    main()
