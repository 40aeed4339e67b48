"""A batch's preview (`PreviewBatch`) is bounded in bytes as in rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from common.storage import Storage
from services.training.servicer import MAX_PREVIEW_BYTES, _preview


def test_a_preview_of_long_texts_stops_at_its_byte_budget(tmp_path: Path) -> None:
    # 1,000 rows of a 100,000-character note are 100 MB of JSON: more than a gRPC message
    # holds (64 MiB), from a Parquet file of a few kilobytes.
    note = "x" * 100_000
    notes = pa.DictionaryArray.from_arrays(pa.array([0] * 1_000, pa.int32()), pa.array([note]))
    pq.write_table(pa.table({"id": range(1_000), "note": notes}), tmp_path / "batch.parquet")
    columns, rows = _preview(Storage(tmp_path.as_uri()), "batch.parquet", 1_000)
    assert columns == ["id", "note"]
    assert json.loads(rows[0]) == {"id": 0, "note": note}
    assert 1 < len(rows) < 1_000
    assert sum(len(row) for row in rows) <= MAX_PREVIEW_BYTES
