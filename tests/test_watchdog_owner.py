"""tools/watchdog.py knows its owner by pid and start time: once the owner is gone the kernel
may give its pid to another process, and a forked child of the owner may still hold the
pipe the watchdog reads; a process of that pid started at another time is not the owner.
Pid reuse cannot be forced, so a helper started after this test process stands in for the
process that got the owner's pid: same pid as the one watched, another start time."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tools.watchdog import running, started_at

REPO = Path(__file__).resolve().parent.parent
# Only so that a watchdog that waits for ever fails the test rather than hanging it.
NEVER_SECONDS = 120


@pytest.fixture
def helper() -> Iterator[subprocess.Popen]:
    """A process started after this one, running until the test ends."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_the_process_that_had_the_pid_is_running_another_one_is_not(helper):
    me = started_at(os.getpid())
    theirs = started_at(helper.pid)
    assert me is not None and theirs is not None and me != theirs
    assert running(os.getpid(), me)
    assert running(helper.pid, theirs)
    # The helper holds the pid, but it is not the process that started at ``me``.
    assert not running(helper.pid, me)
    assert not running(os.getpid(), theirs)
    assert not running(helper.pid, None)


def test_a_dead_owner_is_gone_as_a_zombie_and_once_reaped(helper):
    created = started_at(helper.pid)
    helper.kill()
    # Killed, not yet reaped: a zombie, which is no owner.
    while psutil.Process(helper.pid).status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.01)
    assert not running(helper.pid, created)
    helper.wait()
    # Reaped: no process of that pid (or, on a busy machine, already another one).
    assert not running(helper.pid, created)


def test_the_watchdog_stops_waiting_for_a_pid_another_process_took(helper):
    # The watchdog's standard input stays open (the owner's forked child holds the pipe) and
    # the pid it watches runs: only the start time says the owner is gone.
    script = (
        "import sys\nfrom tools.watchdog import wait_for_owner\n"
        "said = wait_for_owner(int(sys.argv[1]), float(sys.argv[2]))\n"
        "print('done' if said else 'owner gone', flush=True)\n"
    )
    earlier = started_at(os.getpid())
    watchdog = subprocess.Popen(
        [sys.executable, "-c", script, str(helper.pid), repr(earlier)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # Standard input is left open: the watchdog reads no end there.
        ended, _, _ = select.select([watchdog.stdout], [], [], NEVER_SECONDS)
        assert ended, "the watchdog waited for a process that is not its owner"
        out = watchdog.stdout.read()
    finally:
        watchdog.kill()
        watchdog.wait()
    assert out.strip() == "owner gone"
    assert helper.poll() is None  # the stand-in was never the watchdog's to stop
