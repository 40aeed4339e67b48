"""Fixtures for the ingestion tests: a local fsspec filesystem and an ingest helper."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import IngestLimits, IngestOptions, IngestResult, ingest

ADULT = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets" / "adult-train.csv"

Ingest = Callable[..., tuple[IngestResult, pa.Table]]


@pytest.fixture
def fs() -> fsspec.AbstractFileSystem:
    return fsspec.filesystem("file")


@pytest.fixture
def out_path(tmp_path: Path) -> str:
    return str(tmp_path / "store" / "data.parquet")


@pytest.fixture
def adult_path() -> Path:
    if not ADULT.exists():
        pytest.fail(f"the shared dataset is missing: {ADULT}")
    return ADULT


@pytest.fixture
def run_ingest(fs: fsspec.AbstractFileSystem, out_path: str) -> Ingest:
    """Ingest bytes or a file with the given options; returns the result and the written table."""

    def run(
        source: bytes | Path, limits: IngestLimits | None = None, **options: object
    ) -> tuple[IngestResult, pa.Table]:
        if isinstance(source, Path):
            path = source
            opener = lambda: path.open("rb")  # noqa: E731
        else:
            opener = lambda: io.BytesIO(source)  # noqa: E731
        result = ingest(
            opener, options=IngestOptions(**options), limits=limits, fs=fs, out_path=out_path
        )
        return result, pq.read_table(out_path)

    return run
