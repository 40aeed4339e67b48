"""The ingestion of one upload, run in a child process of the datasets service.

Everything crossing the process boundary is plain data: a job dict in, an outcome dict out
(an IngestError does not pickle, so failures come back as ``{"ok": False, ...}``).
On success the upload is removed and the typed table, its split, statistics and metadata
are in storage; on failure nothing of the dataset is left in storage. Either way the outcome
is written next to the files before the upload goes (``files.outcome_key``), and a dataset
ingested again after a crash gets that outcome back instead of a missing upload.

Each worker process dies with the service (``prepare_process``): one left running would
finish and delete the upload that the restarted service is ingesting again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa

from common.lifetime import die_with_parent
from common.storage import Storage
from services.datasets import files
from services.datasets.ingest import (
    CategoricalRule,
    HoldoutSplit,
    IngestError,
    IngestLimits,
    IngestOptions,
    TableStats,
    infer_metadata,
    ingest,
)
from services.datasets.ingest.sdv_detection import SdvDetection

log = logging.getLogger(__name__)

# Rows given to metadata inference (SDV's detection and our value checks).
INFER_SAMPLE_ROWS = 50_000
# glibc's mallopt parameter, and the size from which allocations get their own mapping.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1024 * 1024
# Arrow threads of a worker (by default one per core). CSV blocks are parsed on them, and the
# peak memory grows with their number (100 MB of CSV ingested in one process: 418 MB with 2
# threads, 426 with 4, 469 with 16, 495 with 64).
ARROW_THREADS = 4


def prepare_process(parent_pid: int) -> None:
    """Initializer of each ingestion worker process: dies with the service, and keeps its
    memory flat (``bound_memory``)."""
    die_with_parent(parent_pid)
    bound_memory()


def bound_memory() -> None:
    """Keeps an ingesting process's memory flat, whatever the file.

    Ingestion churns through multi-MiB buffers (file chunks, CSV blocks, decoded row
    groups). glibc raises its mmap threshold to the size of the first such buffer freed,
    after which they all come from the heap, where fragmentation keeps them: RSS then grew
    with the file (+150 MB on 300 MB of CSV, measured). A fixed threshold, which also ends
    that adjustment, gives each big buffer its own mapping, returned to the system when
    freed. Arrow allocates through glibc too (its system pool): its default pool, mimalloc,
    keeps freed pages for reuse, and a Parquet decompression bomb (600 MB decoded) peaked
    at 456-503 MB with it, 325 with the system pool, at the same MB/s on CSV (100 MB: 55-64
    MB/s either way, 389-401 MB peak against 308-333). Arrow's thread pool is capped for the
    same reason (``ARROW_THREADS``).
    """
    pa.set_cpu_count(min(pa.cpu_count(), ARROW_THREADS))
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        log.info("not glibc: the malloc mmap threshold is left as it is")
        return
    pa.set_memory_pool(pa.system_memory_pool())


def ingest_dataset(job: dict[str, Any]) -> dict[str, Any]:
    """``job``: storage_url, storage_options, dataset_id (a dataset's id, or an added
    table's ``files.table_unit``), options (IngestOptions),
    limits (IngestLimits fields), categorical_rule (CategoricalRule fields, optional)."""
    storage = Storage(job["storage_url"], job["storage_options"])
    dataset_id = job["dataset_id"]
    rule = CategoricalRule(**job.get("categorical_rule", {}))
    finished = files.read_outcome(storage, dataset_id)
    if finished is not None:  # ingested before the service could record it
        return finished
    try:
        outcome = _ingest(storage, dataset_id, job["options"], job["limits"], rule)
    except IngestError as exc:
        return _failed(storage, dataset_id, exc.code, exc.message, exc.line)
    except FileNotFoundError:
        return _failed(storage, dataset_id, "upload_missing", "the upload was interrupted")
    except BaseException:
        files.remove_all(storage, dataset_id)
        raise
    files.write_outcome(storage, dataset_id, outcome)
    storage.delete(files.upload_key(dataset_id))
    return outcome


def _failed(
    storage: Storage, dataset_id: str, code: str, message: str, line: int | None = None
) -> dict[str, Any]:
    files.remove_all(storage, dataset_id)
    outcome = {"ok": False, "code": code, "message": message, "line": line}
    files.write_outcome(storage, dataset_id, outcome)
    return outcome


def _ingest(
    storage: Storage,
    dataset_id: str,
    options: IngestOptions,
    limits: dict[str, int],
    rule: CategoricalRule,
) -> dict[str, Any]:
    upload = files.upload_key(dataset_id)
    size = storage.size(upload)
    # Started now, SDV's detection imports while the file is read.
    with SdvDetection() as detection:
        data_path = storage.path(files.split_key(dataset_id, "all"))
        # The split (a mark per row) and the statistics are taken as the table is written.
        split = HoldoutSplit(
            storage.fs,
            storage.path(files.split_key(dataset_id, "marks")),
            options.holdout_fraction,
            options.seed,
        )
        table_stats = TableStats(seed=options.seed)
        result = ingest(
            lambda: storage.open(upload, "rb"),
            options=options,
            limits=IngestLimits(**limits),
            fs=storage.fs,
            out_path=data_path,
            sinks=(split, table_stats),
        )
        train, holdout = split.counts
        # The histograms read the numeric columns back while the metadata is inferred
        # (mostly waiting for SDV's child): 1 GB of CSV, 0.9 and 0.5 s one after the other.
        with ThreadPoolExecutor(1, "ingest-stats") as pool:
            stats_done = pool.submit(table_stats.result, storage.fs, data_path)
            sample = files.read_sample(
                storage, dataset_id, columns=None, max_rows=INFER_SAMPLE_ROWS
            )
            formats = {c.name: c.datetime_format for c in result.columns if c.datetime_format}
            metadata = infer_metadata(
                sample,
                row_count=result.row_count,
                datetime_formats=formats,
                categorical_rule=rule,
                detection=detection,
            )
            stats = stats_done.result()
        metadata.missing_value = result.missing_value
    return {
        "ok": True,
        "size_bytes": size,
        "row_count": result.row_count,
        "train_row_count": train,
        "holdout_row_count": holdout,
        "columns": [c.model_dump() for c in result.columns],
        "detected": {
            "format": result.format,
            "compressed": result.compressed,
            "encoding": result.encoding,
            "delimiter": result.delimiter,
            "has_header": result.has_header,
        },
        "warnings": result.warnings,
        "metadata": metadata.model_dump(mode="json"),
        "stats": stats.model_dump(mode="json"),
    }
