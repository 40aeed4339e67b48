"""The cost of finding columns two columns fix together (`pair_dependencies`) and text columns
joining others (`concatenations`) on a wide table, against the one-column dependency finder
on the same table, measured in the same run.

The table: ``--columns`` columns of ``--rows`` rows, half categories (2 to 60 values, text),
half numbers, with one route-like pair fixing a number and one joined text column planted, as
training's finders see it in one batch.

    nice -n 10 .venv/bin/python bench/bench_joint.py --rows 20000 --columns 200
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.contracts.concatenations import find_concatenations
from common.contracts.dependencies import find_dependencies
from common.contracts.pair_dependencies import find_pair_dependencies


def table(rows: int, columns: int, seed: int = 0) -> tuple[pd.DataFrame, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for index in range(columns // 2):
        values = int(rng.integers(2, 61))
        data[f"c{index}"] = pd.Series(rng.integers(0, values, rows)).map(lambda v: f"v{v}")
    for index in range(columns - columns // 2):
        data[f"n{index}"] = rng.normal(size=rows).round(2)
    frame = pd.DataFrame(data)
    origin, dest = rng.integers(0, 3, rows), rng.integers(0, 40, rows)
    frame["origin"], frame["dest"] = [f"o{v}" for v in origin], [f"d{v}" for v in dest]
    frame["distance"] = (origin * 1000 + dest * 37) % 2500
    frame["make"] = frame["c0"] + " " + frame["c1"]
    # First in column order: the finders look at the first columns only (see their bounds).
    frame = frame[["origin", "dest", "make", *frame.columns[:-4], "distance"]]
    categories = ["origin", "dest", "make", *(c for c in frame.columns if c.startswith("c"))]
    return frame, categories, list(frame.columns)


def timed(work) -> tuple[float, object]:
    """CPU seconds (the machine is shared: wall time is mostly waiting) and the result."""
    start = time.process_time()
    found = work()
    return time.process_time() - start, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--columns", type=int, default=200)
    args = parser.parse_args()
    frame, categories, targets = table(args.rows, args.columns)
    base, _ = timed(lambda: find_dependencies(frame, categories, targets))
    pairs_s, pairs = timed(lambda: find_pair_dependencies(frame, categories, targets))
    joined_s, joined = timed(lambda: find_concatenations(frame, categories))
    print(f"{args.rows:,} rows x {len(frame.columns)} columns, load {os.getloadavg()[0]:.2f}")
    print(f"one-column (base)   {base:6.2f} s CPU  1.00")
    print(f"pair dependencies   {pairs_s:6.2f} s CPU {pairs_s / base:5.2f}   found:")
    for pair in pairs:  # type: ignore[union-attr]
        print(f"    {pair.description}")
    print(f"concatenations      {joined_s:6.2f} s CPU {joined_s / base:5.2f}   found:")
    for concatenation in joined:  # type: ignore[union-attr]
        print(f"    {concatenation.description}")


if __name__ == "__main__":
    main()
