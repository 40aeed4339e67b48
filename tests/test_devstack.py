"""`make up` as a user runs it: the embedded stack starts, answers GraphQL, keeps its state
under the var folder across a restart, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from common.embedded import free_port
from tests.support import PASSWORD, unique_email

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("auth", "datasets", "training", "evaluation", "notify")


def start_stack(var_dir: Path, ports: dict[str, int]) -> subprocess.Popen:
    env = dict(os.environ)
    env["DEVSTACK_VAR_DIR"] = str(var_dir)
    # A busy 2-core machine can take more than the default minute to import a service.
    env["DEVSTACK_START_TIMEOUT_SECONDS"] = "240"
    for name, port in ports.items():
        env[f"DEVSTACK_{name.upper()}_PORT"] = str(port)
    return subprocess.Popen(
        [sys.executable, "-m", "common.devstack"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_until_up(process: subprocess.Popen, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "GraphQL (and GraphiQL):" in line:
            return line.split(":", 1)[1].strip()
    raise AssertionError("stack did not come up:\n" + "".join(seen[-40:]))


def stop_stack(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, _ = process.communicate(timeout=240)  # each child gets up to 15 s, more when busy
    assert process.returncode == 0, out[-3000:]


@pytest.fixture
def ports() -> dict[str, int]:
    names = ["postgres", "nats", "nats_monitor", "gateway", *SERVICES, "worker_health"]
    return {name: free_port() for name in names}


@pytest.fixture
def var_dir() -> Iterator[Path]:
    """Outside pytest's temporary root, which pytest keeps at mode 0700: PostgreSQL runs as
    an unprivileged user when the tests run as root and must reach its data folder."""
    folder = Path(tempfile.mkdtemp(prefix="synthetica-test-var-"))
    yield folder / "var"
    shutil.rmtree(folder, ignore_errors=True)


# Two starts and two stops of the whole stack: past the default 300 s on a busy machine.
@pytest.mark.timeout(900)
def test_make_up_serves_graphql_and_keeps_state(var_dir: Path, ports: dict[str, int]):
    email = unique_email()
    register = {
        "query": "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p})"
        " { user { id } } }",
        "variables": {"e": email, "p": PASSWORD},
    }
    login = {
        "query": "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p})"
        " { user { id } } }",
        "variables": {"e": email, "p": PASSWORD},
    }
    process = start_stack(var_dir, ports)
    try:
        url = wait_until_up(process)
        assert url == f"http://127.0.0.1:{ports['gateway']}/graphql"
        created = httpx.post(url, json=register, timeout=30).json()
        user_id = created["data"]["register"]["user"]["id"]
    finally:
        stop_stack(process)
    assert (var_dir / "postgres/PG_VERSION").exists()

    process = start_stack(var_dir, ports)
    try:
        url = wait_until_up(process)
        again = httpx.post(url, json=login, timeout=30).json()
        assert again["data"]["login"]["user"]["id"] == user_id
    finally:
        stop_stack(process)
