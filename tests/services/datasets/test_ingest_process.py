"""The ingestion worker process stays light: no torch in it, SDV's detection in a child."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common.storage import Storage
from services.datasets import files
from services.datasets.ingest import IngestLimits, IngestOptions
from services.datasets.ingest.process import ARROW_THREADS, ingest_dataset
from services.datasets.ingest.runner import new_worker_pool
from services.datasets.ingest.sdv_child import LENGTH_BYTES

T = TypeVar("T")

PEOPLE_CSV = "user_id,email,age,plan\n" + "".join(
    f"{i},person{i}@example.org,{20 + i % 50},{'free' if i % 3 else 'pro'}\n" for i in range(300)
)


def _ingest_job(tmp_path: Path, dataset_id: str, upload: bytes) -> dict[str, Any]:
    """The ingestion job of ``upload``, stored as dataset ``dataset_id``'s upload."""
    store = str(tmp_path / "store")
    with Storage(store, {}).open(files.upload_key(dataset_id), "wb") as sink:
        sink.write(upload)
    return {
        "storage_url": store,
        "storage_options": {},
        "dataset_id": dataset_id,
        "options": IngestOptions(),
        "limits": dataclasses.asdict(IngestLimits()),
    }


def _ingest_in_worker(job: dict[str, Any], timeout: float, then: Callable[[], T]) -> tuple[Any, T]:
    """The outcome of ``job`` run in an ingestion worker process, and what ``then`` finds in
    that process afterwards."""
    pool = new_worker_pool(1)
    try:
        outcome = pool.submit(ingest_dataset, job).result(timeout=timeout)
        return outcome, pool.submit(then).result(timeout=60)
    finally:
        pool.shutdown()


def _pid_and_mapped_files() -> tuple[int, str]:
    return os.getpid(), Path("/proc/self/maps").read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/maps")
def test_worker_ingests_without_loading_torch(tmp_path: Path) -> None:
    job = _ingest_job(tmp_path, "d1", PEOPLE_CSV.encode())
    outcome, (worker_pid, maps) = _ingest_in_worker(job, 300, _pid_and_mapped_files)
    assert outcome["ok"], outcome
    assert outcome["row_count"] == 300
    metadata = outcome["metadata"]
    assert metadata["columns"]["email"]["sdtype"] == "email"
    assert metadata["primary_key"] == "user_id"
    assert worker_pid != os.getpid()
    assert "libtorch" not in maps
    assert "/torch/" not in maps


def _arrow_threads_and_pool() -> tuple[int, str]:
    return pa.cpu_count(), pa.default_memory_pool().backend_name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_worker_parses_on_a_bounded_number_of_arrow_threads_and_frees_to_the_system(
    monkeypatch,
) -> None:
    # The peak memory of parsing grows with Arrow's threads, and a large machine would give
    # one per core: Arrow takes its default from OMP_NUM_THREADS, as if there were 64.
    # Arrow's default pool (mimalloc) keeps what it freed: the decompression bomb below went
    # past 500 MB with it.
    monkeypatch.setenv("OMP_NUM_THREADS", "64")
    pool = new_worker_pool(1)
    try:
        assert pool.submit(_arrow_threads_and_pool).result(timeout=120) == (
            ARROW_THREADS,
            "system",
        )
    finally:
        pool.shutdown()


def _ipc(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_sdv_detection_child_answers_without_importing_torch() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(200)],
            "email": [f"person{i}@example.org" for i in range(200)],
            "tier": ["gold", "silver", "bronze", "none"] * 50,
        }
    )
    request = _ipc(frame)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "services.datasets.ingest.sdv_child"],
        input=len(request).to_bytes(LENGTH_BYTES, "big") + request,
        capture_output=True,
        check=True,
        timeout=300,
    )
    verdict = json.loads(done.stdout)
    assert verdict["columns"]["email"] == {"sdtype": "email"}
    assert verdict["columns"]["tier"] == {"sdtype": "categorical"}
    assert verdict["primary_key"] == "customer_id"
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines()}
    assert "sdv.metadata.metadata" in imported
    assert not {name for name in imported if name.split(".")[0] == "torch"}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _bomb(kind: str) -> bytes:
    """73 KB of Parquet that decode to 600 MB: 150,000 copies of one 4,000-character string
    in one row group; or the same size of distinct values, plain and zstd."""
    sink = io.BytesIO()
    if kind == "dictionary":
        table = pa.table({"text": pa.array(["x" * 4000] * 150_000)})
        pq.write_table(table, sink, row_group_size=150_000)
    else:
        table = pa.table({"text": pa.array([f"{i:010d}" + "x" * 3990 for i in range(150_000)])})
        pq.write_table(
            table, sink, row_group_size=150_000, use_dictionary=False, compression="zstd"
        )
    return sink.getvalue()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("kind", ["dictionary", pytest.param("plain", marks=pytest.mark.slow)])
def test_a_parquet_decompression_bomb_keeps_the_worker_under_500_mb(tmp_path: Path, kind) -> None:
    data = _bomb(kind)
    assert len(data) < 2 * 1024 * 1024
    outcome, peak = _ingest_in_worker(_ingest_job(tmp_path, "bomb", data), 900, _peak_rss_mb)
    assert outcome["ok"], outcome
    assert outcome["row_count"] == 150_000
    assert peak < 500, f"the ingest worker peaked at {peak:.0f} MB"


def test_failed_ingestions_leave_no_detection_child_behind_but_the_warm_one(
    tmp_path: Path,
) -> None:
    """Each ingestion starts (or reuses) SDV's detection ahead; failed ones, which never ask
    it, leave at most this process's one warm child, and no Parquet file."""
    before = set(_children())
    for n in range(3):
        job = _ingest_job(tmp_path, f"d{n}", PEOPLE_CSV.encode() + b"1,2,3,4,5,6\n")
        outcome = ingest_dataset(job)
        assert (outcome["ok"], outcome["code"], outcome["line"]) == (
            False,
            "inconsistent_columns",
            302,
        )
    left = [pid for pid in _children() if pid not in before]
    assert len(left) <= 1
    assert all("services.datasets.ingest.sdv_child" in psutil.Process(p).cmdline() for p in left)
    assert [p.name for p in (tmp_path / "store").rglob("*.parquet")] == []


def _children() -> list[int]:
    """Child processes of this one, still running (an exited one not yet reaped is not)."""
    return [
        child.pid for child in psutil.Process().children() if child.status() != psutil.STATUS_ZOMBIE
    ]
