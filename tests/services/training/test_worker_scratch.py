"""Scratch folders of job attempts hold copies of real training data: a worker starting
removes those its dead predecessors left, and never one a live attempt is using."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from services.training.scratch import SCRATCH_PREFIX, sweep_scratch


def _scratch(root: Path, name: str) -> Path:
    folder = root / f"{SCRATCH_PREFIX}{name}"
    folder.mkdir()
    (folder / "train.parquet").write_bytes(b"real rows")
    (folder / ".owner").touch()
    return folder


def test_a_starting_worker_removes_the_scratch_of_dead_attempts_only(tmp_path: Path):
    dead = _scratch(tmp_path, "dead")
    live = _scratch(tmp_path, "live")
    unlocked_old = tmp_path / f"{SCRATCH_PREFIX}crashed-before-locking"
    unlocked_old.mkdir()
    stamp = time.time() - 3600
    os.utime(unlocked_old, (stamp, stamp))
    unrelated = tmp_path / "job-of-someone-else"
    unrelated.mkdir()
    with open(live / ".owner") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a running attempt (any process) holds its lock
        swept = sweep_scratch(tmp_path)
        assert live.exists()
    assert sorted(swept) == sorted([dead, unlocked_old])
    assert not dead.exists() and not unlocked_old.exists()
    assert unrelated.exists()
