"""First rows of a typed Parquet file, reading only the row groups that hold them."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import fsspec

from .parquet_io import iter_batches, open_parquet

MAX_PREVIEW_ROWS = 1000
PREVIEW_BATCH_ROWS = 4096
# The rows of a preview stop at about this much text (the first row is always there): 1,000
# rows of a 100,000-character note were 100 MB, over what one gRPC message holds.
PREVIEW_MAX_BYTES = 8 * 1024 * 1024


def _json_safe(value: Any, date_format: str | None) -> Any:
    """Timestamps become strings (in the file's own format when it is known, else ISO);
    NaN and infinities become None, as JSON has neither."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if date_format and hasattr(value, "strftime"):
        # glibc writes the year 1 as "1" for %Y; the file wrote "0001".
        return value.strftime(date_format.replace("%Y", f"{value.year:04d}"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def preview_rows(
    fs: fsspec.AbstractFileSystem,
    parquet_path: str,
    n: int,
    offset: int = 0,
    date_formats: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Up to `n` rows (capped at MAX_PREVIEW_ROWS and PREVIEW_MAX_BYTES) starting at
    `offset`, as JSON-safe dicts; the datetime columns of ``date_formats`` written as the
    file wrote them ("1960-01")."""
    if n < 0 or offset < 0:
        raise ValueError("n and offset must not be negative")
    n = min(n, MAX_PREVIEW_ROWS)
    with fs.open(parquet_path, "rb") as source:
        parquet = open_parquet(source)
        groups, start, skip = [], 0, offset
        for index in range(parquet.num_row_groups):
            size = parquet.metadata.row_group(index).num_rows
            if start + size > offset and start < offset + n:
                groups.append(index)
            elif start + size <= offset:
                skip -= size
            start += size
        rows: list[dict[str, Any]] = []
        size = 0
        formats = date_formats or {}
        # Batch by batch, bounded in bytes: a row group may decode to much more than its size.
        for batch in iter_batches(parquet, PREVIEW_BATCH_ROWS, row_groups=groups):
            if skip >= batch.num_rows:
                skip -= batch.num_rows
                continue
            for row in batch.slice(skip, n - len(rows)).to_pylist():
                row = {k: _json_safe(v, formats.get(k)) for k, v in row.items()}
                size += len(json.dumps(row, default=str))
                if rows and size > PREVIEW_MAX_BYTES:
                    return rows
                rows.append(row)
            skip = 0
            if len(rows) >= n:
                break
    return rows
