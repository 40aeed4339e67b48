"""Scratch folders of attempts: where a worker keeps copies of real training data while an
attempt runs. Each holds a lock its worker keeps while the attempt runs, so the sweep at a
worker's start removes only the folders of dead workers."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from services.training.settings import TrainingSettings

log = logging.getLogger(__name__)

SCRATCH_PREFIX = "synthetica-job-"
_SCRATCH_LOCK = ".owner"
# A scratch folder without a lock this old was left between its creation and its locking.
_UNLOCKED_GRACE_SECONDS = 60.0


@contextlib.contextmanager
def workdir(settings: TrainingSettings) -> Iterator[Path]:
    """Scratch space for one attempt, locked while it runs and removed whatever happens
    (a worker killed meanwhile leaves it to the next worker's ``sweep_scratch``)."""
    root = scratch_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=root) as tmp,
        open(os.path.join(tmp, _SCRATCH_LOCK), "w") as lock,
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield Path(tmp)


def scratch_root(settings: TrainingSettings) -> Path:
    return Path(settings.work_dir or tempfile.gettempdir())


def sweep_scratch(root: Path) -> list[Path]:
    """Removes the scratch folders of attempts whose worker died (their lock is free);
    returns them. Called when a worker starts: they hold copies of real training data."""
    swept = []
    for folder in root.glob(SCRATCH_PREFIX + "*"):
        if folder.is_dir() and not _in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            swept.append(folder)
    if swept:
        log.info(
            "removed scratch folders of stopped workers", extra={"fields": {"count": len(swept)}}
        )
    return swept


def _in_use(folder: Path) -> bool:
    try:
        handle = open(folder / _SCRATCH_LOCK)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime < _UNLOCKED_GRACE_SECONDS
        except FileNotFoundError:
            return True
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False
