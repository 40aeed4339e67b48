"""How much memory a train job will need, estimated before it reads anything, and how much
the worker has: a job that will not fit fails at once with the numbers, instead of being
killed by the kernel halfway through (and retried, and killed again).

The estimate is the engine process at rest plus, per row it learns from, the row's bytes in
pandas times what the engine makes of them (its copies and encodings). README "Big tables"
says which factors were measured (peak RSS of the engine process on replicated adult,
``bench/bench_bigtable.py``) and which are set high until they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import psutil

from services.training.worker_common import JobFailed
from synthetica.datasets.v1 import datasets_pb2

MB = 1024 * 1024
# The engine process before it reads the table (torch, SDV and mostlyai imported) and the
# worker beside it.
AT_REST_BYTES = 900 * MB
# Bytes of the engine process per byte of the learned rows in pandas (measured, rounded up).
ENGINE_FACTORS = {
    "gaussian_copula": 12.0,
    "ctgan": 30.0,
    "tvae": 30.0,
    "copulagan": 30.0,
    "tabular_argn": 12.0,
}
_DEFAULT_FACTOR = 30.0
# A value in pandas: a number, a time or a pointer to a (shared) string object.
_VALUE_BYTES = 8
# A text value nobody else shares (an id, an e-mail): its own Python string object.
_OWN_TEXT_BYTES = 64
_UNSHARED_SDTYPES = frozenset({"id", "email", "name", "address", "phone_number", "ssn", "url"})
# The cgroup v1 file says "no limit" with a number this large.
_NO_LIMIT = 1 << 60


@dataclass(frozen=True)
class TrainingPlan:
    """What a train job will read: ``rows`` of the split's ``source_rows`` (at most
    ``max_rows``), ``row_bytes`` each in pandas, and the engine process's estimated peak."""

    engine: str
    source_rows: int
    rows: int
    max_rows: int
    row_bytes: int
    estimate_bytes: int


def plan_training(engine: str, dataset: datasets_pb2.Dataset, max_rows: int) -> TrainingPlan:
    """The plan from what the datasets service knows: the split's row count and each
    column's Arrow type and sdtype (ids and PII columns are read but not learned)."""
    source = int(dataset.train_row_count)
    rows = min(source, max_rows)
    row_bytes = sum(_value_bytes(c) for c in dataset.metadata.columns) or _VALUE_BYTES
    factor = ENGINE_FACTORS.get(engine, _DEFAULT_FACTOR)
    estimate = AT_REST_BYTES + math.ceil(rows * row_bytes * factor)
    return TrainingPlan(engine, source, rows, max_rows, row_bytes, estimate)


def _value_bytes(column: datasets_pb2.ColumnMetadata) -> int:
    text = column.data_type in ("string", "large_string", "") or column.data_type.startswith(
        "dictionary"
    )
    if text and (column.pii or column.sdtype in _UNSHARED_SDTYPES):
        return _VALUE_BYTES + _OWN_TEXT_BYTES
    return _VALUE_BYTES


def memory_limit_bytes(setting_mb: int) -> int:
    """``setting_mb`` when set, else the cgroup's memory limit (a Kubernetes pod's), else
    the machine's memory."""
    if setting_mb:
        return setting_mb * MB
    machine = int(psutil.virtual_memory().total)
    return min(machine, _cgroup_limit() or machine)


def _cgroup_limit() -> int | None:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < _NO_LIMIT:
            return int(text)
    return None


def check_fits(plan: TrainingPlan, limit: int) -> None:
    """JobFailed, naming the numbers and the settings, when the plan needs more than
    ``limit`` bytes."""
    if plan.estimate_bytes <= limit:
        return
    sampled = (
        f"a sample of {plan.rows:,} of the split's {plan.source_rows:,} rows"
        if plan.rows < plan.source_rows
        else f"the split's {plan.rows:,} rows"
    )
    raise JobFailed(
        f"training {plan.engine} on {sampled} needs about {plan.estimate_bytes / MB:,.0f} MB "
        f"of memory ({plan.row_bytes} bytes a row), more than the worker's "
        f"{limit / MB:,.0f} MB (TRAINING_WORKER_MEMORY_MB); lower TRAINING_TRAIN_MAX_ROWS "
        f"(now {plan.max_rows:,}) or give the worker more memory"
    )
