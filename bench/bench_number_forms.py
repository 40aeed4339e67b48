"""What keeping numbers' written forms and finding ratios cost, against a baseline measured
in the same run.

    csv      a batch of --rows rows (4 number columns, 2 text) downloaded as CSV with its
             number columns marked `least_decimals` (`16.0`, `5.25`: written by
             `exports._csv_lines`), against the same batch unmarked (Arrow's own CSV writer)
    search   the totals search (`find_totals`, ratios included) on a table of --columns number
             columns, against one of 32 (the ratio search's cap), as seconds per column

    nice -n 10 .venv/bin/python bench/bench_number_forms.py --rows 1000000 --columns 200

Ratios (1.0: no dearer than the baseline) printed with the machine's load average.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from common.contracts.totals import find_totals
from services.training.export_values import LEAST_DECIMALS_KEY
from services.training.exports import export


def _batch(rows: int, marked: bool) -> pa.Table:
    rng = np.random.default_rng(1)
    columns = {f"n{i}": np.round(rng.uniform(0, 30, rows), 2) for i in range(4)}
    columns["n0"] = np.round(columns["n0"])  # whole numbers: 16.0
    texts = {f"t{i}": rng.choice(["Asics", "Mizuno", 'say "hi"'], rows) for i in range(2)}
    table = pa.table({**columns, **texts})
    if not marked:
        return table
    fields = [
        f.with_metadata({LEAST_DECIMALS_KEY: b"1"}) if f.name.startswith("n") else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def _csv_seconds(folder: Path, rows: int, marked: bool) -> float:
    path = folder / f"batch-{marked}.parquet"
    pq.write_table(_batch(rows, marked), path, row_group_size=65_536)
    start = time.process_time()
    export(fsspec.filesystem("file"), str(path), "csv", io.BytesIO())
    return time.process_time() - start


def _search_seconds(columns: int, rows: int = 2_000) -> float:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        np.round(rng.uniform(1, 100, (rows, columns)), 2), columns=[f"c{i}" for i in range(columns)]
    )
    frame["c2"] = (frame["c0"] / frame["c1"]).round(4)
    start = time.process_time()
    find_totals(frame, list(frame.columns))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = _csv_seconds(Path(folder), args.rows, marked=False)
        marked = _csv_seconds(Path(folder), args.rows, marked=True)
    print(f"load {os.getloadavg()[0]:.1f}")
    print(f"csv {args.rows:,} rows: unmarked {plain:.2f} CPU-s, marked {marked:.2f} CPU-s, "
          f"{marked / plain:.2f}x")  # fmt: skip
    narrow = _search_seconds(32)
    wide = _search_seconds(args.columns)
    print(f"search: 32 columns {narrow:.2f} CPU-s, {args.columns} columns {wide:.2f} CPU-s, "
          f"per column {wide / args.columns / (narrow / 32):.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
