"""The adult table (UCI Adult, ``adult-train.csv`` in the shared datasets folder beside the
repository): where it is, its column names, and the frames and CSVs tests and benchmarks read
from it. The file has no header row and writes a missing value as ``?``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from tests.corpus import SHARED

PATH = SHARED / "adult-train.csv"
ROWS = 32_561
COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip
# The few columns most tests train on: two numbers, three categories.
FEW = ["age", "workclass", "education", "hours-per-week", "income"]


def path() -> Path:
    if not PATH.exists():
        raise FileNotFoundError(f"the shared dataset is missing: {PATH}")
    return PATH


def frame(rows: int | None = None, *, missing: str | None = "?") -> pd.DataFrame:
    """The first ``rows`` rows (all by default) with their names; ``?`` read as missing
    unless ``missing`` is None."""
    return pd.read_csv(
        path(),
        header=None,
        names=COLUMNS,
        skipinitialspace=True,
        na_values=missing,
        nrows=rows,
    )


def small_csv(rows: int = 300, columns: Iterable[str] | None = None) -> bytes:
    """The first rows as a CSV with a header (``?`` kept as written), the few columns by
    default."""
    table = frame(rows, missing=None)
    return table[list(columns or FEW)].to_csv(index=False).encode()
