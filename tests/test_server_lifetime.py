"""The PostgreSQL and NATS servers a test run starts end with it: after a normal end, and
after a `kill -9` of the run (a CI timeout), when the kernel gives pytest no chance to stop
them. Each run is a pytest of its own running tests/lifetime_session.py with the session's
own fixtures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from tests.support import spawn_python

REPO = Path(__file__).resolve().parent.parent
# Generous: a test run that imports the services and creates a PostgreSQL cluster on a busy
# 2-core machine; what is measured is that the servers end, not how fast.
START_SECONDS = 400
END_SECONDS = 120


def run_session(report: Path, *, hang: bool) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNTHETICA_TEST_")}
    env["SYNTHETICA_LIFETIME_REPORT"] = str(report)
    env["SYNTHETICA_LIFETIME_HANG"] = "1" if hang else "0"
    options = ["-q", "-p", "no:cacheprovider", "-o", "addopts=", "--timeout=900"]
    return spawn_python(["-m", "pytest", "tests/lifetime_session.py", *options], env)


def wait_for_report(run: subprocess.Popen, report: Path) -> dict:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if report.exists() and report.read_text():
            return json.loads(report.read_text())
        if run.poll() is not None:
            output = run.stdout.read() if run.stdout else ""
            raise AssertionError(f"the test run ended with {run.returncode}:\n{output}")
        time.sleep(0.5)
    raise AssertionError(f"the test run started no servers within {START_SECONDS} s")


def still_running(pids: list[int]) -> list[str]:
    """Those of ``pids`` that are still processes (zombies count as gone), as words."""
    alive = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{pid} {process.name()}")
        except psutil.NoSuchProcess:
            pass
    return alive


def servers(started: dict) -> list[int]:
    return [started["postgres"], started["nats"], *started["descendants"]]


def wait_until_gone(pids: list[int]) -> list[str]:
    deadline = time.monotonic() + END_SECONDS
    while still_running(pids) and time.monotonic() < deadline:
        time.sleep(0.5)
    return still_running(pids)


@pytest.mark.timeout(1200)
def test_a_killed_test_run_leaves_no_server_behind_and_the_next_run_starts(tmp_path: Path):
    killed = run_session(tmp_path / "killed.json", hang=True)
    try:
        started = wait_for_report(killed, tmp_path / "killed.json")
        # The test is running: its servers are up (PostgreSQL answered it).
        assert still_running([started["postgres"], started["nats"]]) != []
        assert Path(started["postgres_data"]).is_dir()
        os.kill(killed.pid, signal.SIGKILL)  # what a CI timeout does: no clean-up at all
        killed.wait(60)
    finally:
        if killed.poll() is None:
            killed.kill()
            killed.wait()
    assert killed.returncode == -signal.SIGKILL
    assert wait_until_gone(servers(started)) == []
    # Its throwaway data folder goes with it.
    assert not Path(started["postgres_data"]).exists()

    # A next run starts right after, and its normal end stops its servers itself.
    normal = run_session(tmp_path / "normal.json", hang=False)
    output, _ = normal.communicate(timeout=START_SECONDS)
    assert normal.returncode == 0, output
    assert "1 passed" in output
    ended = json.loads((tmp_path / "normal.json").read_text())
    assert still_running(servers(ended)) == []
    assert not Path(ended["postgres_data"]).exists()


def _of_folder(folder: Path) -> list[str]:
    """Processes whose command line names ``folder`` (PostgreSQL, pg_ctl), as words."""
    found = []
    for process in psutil.process_iter(["cmdline", "name", "status"]):
        named = str(folder) in (process.info["cmdline"] or [])
        if named and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(f"{process.pid} {process.info['name']}")
    return found


def test_an_owner_killed_while_pg_ctl_starts_postgres_leaves_none_behind():
    # Ctrl-C or kill -9 while the session's first fixture waits for `pg_ctl start`: the
    # server comes up after its owner is gone.
    folder = Path(tempfile.mkdtemp(prefix="synthetica-test-pg-starting-"))
    script = (
        "import sys, time\nfrom pathlib import Path\n"
        "from tools.embedded import EmbeddedPostgres, free_port\n"
        "EmbeddedPostgres(Path(sys.argv[1]), free_port(), throwaway=True).start()\n"
        "time.sleep(600)\n"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", script, str(folder)], cwd=REPO, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and owner.poll() is None:
            children = psutil.Process(owner.pid).children()
            if any(c.name() == "pg_ctl" and "start" in c.cmdline() for c in children):
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"no pg_ctl start seen (the owner ended with {owner.poll()})")
        owner.kill()
        owner.wait(60)
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
    deadline = time.monotonic() + END_SECONDS
    while (_of_folder(folder) or folder.exists()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _of_folder(folder) == []
    assert not folder.exists()
