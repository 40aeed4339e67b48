"""`make up` as a user runs it: the embedded stack starts, answers GraphQL, keeps its state
under the var folder across a restart, stops cleanly on Ctrl-C, brings back what stops
(a service, NATS, PostgreSQL), and names in one line a service that cannot start."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support import PASSWORD, spawn_python, unique_email
from tests.test_server_lifetime import still_running
from tools.embedded import EPHEMERAL_LOW, EmbeddedPostgres, free_port, is_listening

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("auth", "datasets", "training", "evaluation", "notify")


def start_stack(
    var_dir: Path, ports: dict[str, int], settings: dict[str, str] | None = None
) -> subprocess.Popen:
    env = {**os.environ, **(settings or {})}
    env["DEVSTACK_VAR_DIR"] = str(var_dir)
    # A busy 2-core machine can take more than the default minute to import a service.
    env["DEVSTACK_START_TIMEOUT_SECONDS"] = "240"
    for name, port in ports.items():
        env[f"DEVSTACK_{name.upper()}_PORT"] = str(port)
    return spawn_python(["-m", "tools.devstack"], env)


class Output:
    """The stack's combined output, read line by line in a thread."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.everything: list[str] = []
        assert process.stdout is not None
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.everything.append(line)
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in the output:\n" + "".join(self.seen[-40:]))


def wait_until_up(output: Output) -> str:
    return output.wait_for("GraphQL (and GraphiQL):").split(":", 1)[1].strip()


def stop_stack(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    process.wait(timeout=240)  # each child gets up to 15 s, more when busy
    assert process.returncode == 0
    # Every child stopped with it (they run in sessions of their own).
    assert not [p for p in psutil.process_iter(["ppid"]) if p.info["ppid"] == process.pid]


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
        output = Output(process)
        url = wait_until_up(output)
        assert url == f"http://127.0.0.1:{ports['gateway']}/graphql"
        # The banner names the dashboard (what a new user opens first) and the folder the
        # state is kept in, as given.
        dashboard = f"http://127.0.0.1:{ports['gateway']}/"
        banner = "".join(output.seen[-4:]) + output.wait_for("Ctrl-C stops everything")
        assert f"Dashboard: {dashboard}\n" in banner
        assert f"state stays in {var_dir}/" in banner
        # Up means every service the gateway calls answers, training included.
        ready = httpx.get(f"http://127.0.0.1:{ports['gateway']}/readyz", timeout=30)
        assert ready.status_code == 200, ready.text
        assert ready.json()["services"] == dict.fromkeys(SERVICES, True)
        created = httpx.post(url, json=register, timeout=30).json()
        user_id = created["data"]["register"]["user"]["id"]
    finally:
        stop_stack(process)
    assert (var_dir / "postgres/PG_VERSION").exists()

    process = start_stack(var_dir, ports)
    try:
        url = wait_until_up(Output(process))
        again = httpx.post(url, json=login, timeout=30).json()
        assert again["data"]["login"]["user"]["id"] == user_id
    finally:
        stop_stack(process)


def _register(url: str) -> dict:
    query = (
        "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p})"
        " { user { id } } }"
    )
    variables = {"e": unique_email(), "p": PASSWORD}
    return httpx.post(url, json={"query": query, "variables": variables}, timeout=30).json()


def _child(process: subprocess.Popen, *words: str) -> psutil.Process:
    for child in psutil.Process(process.pid).children(recursive=True):
        command = child.cmdline()
        if all(word in command or word in " ".join(command) for word in words):
            return child
    raise AssertionError(f"no child process running {words}")


def test_free_ports_lie_below_the_ephemeral_range():
    ports = [free_port() for _ in range(50)]
    assert all(port < EPHEMERAL_LOW for port in ports)
    assert len(set(ports)) == len(ports)


@pytest.mark.slow
def test_the_stack_brings_back_a_service_nats_and_postgres_that_stop(
    var_dir: Path, ports: dict[str, int]
):
    process = start_stack(var_dir, ports)
    try:
        output = Output(process)
        url = wait_until_up(output)

        _child(process, "services.auth").kill()
        output.wait_for("devstack: auth exited with signal SIGKILL; starting it again")
        output.wait_for("devstack: auth is back")
        assert "errors" not in _register(url)

        _child(process, "nats-server").kill()
        output.wait_for("devstack: NATS stopped; starting it again")
        output.wait_for("devstack: NATS is back")

        pg = EmbeddedPostgres(var_dir / "postgres", ports["postgres"])
        postmaster = psutil.Process(int((pg.data_dir / "postmaster.pid").read_text().split()[0]))
        postmaster.kill()
        output.wait_for("devstack: PostgreSQL stopped; starting it again")
        output.wait_for("devstack: PostgreSQL is back")
        # The services reconnect by themselves: none was restarted for it.
        for _ in range(3):
            registered = _register(url)
            if "errors" not in registered:
                break
        assert "errors" not in registered, registered
    finally:
        stop_stack(process)


def test_a_service_that_cannot_start_is_named_in_one_line(var_dir: Path, ports: dict[str, int]):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["notify"]))
        taken.listen()
        process = start_stack(var_dir, ports)
        output = Output(process)
        line = output.wait_for("devstack: notify did not start", timeout=240)
        process.wait(timeout=240)  # each child gets up to 15 s, more when busy
    assert process.returncode == 1
    assert line.strip() == "devstack: notify did not start: exited with code 1 (3 tries)"
    assert not [p for p in psutil.process_iter(["ppid"]) if p.info["ppid"] == process.pid]


def test_a_killed_make_up_leaves_no_server_behind(var_dir: Path, ports: dict[str, int]):
    # `kill -9` gives devstack no chance to stop anything: its PostgreSQL (daemonised by
    # pg_ctl) and NATS (a session of its own) used to run on, holding their ports.
    process = start_stack(var_dir, ports)
    Output(process)
    pg = EmbeddedPostgres(var_dir / "postgres", ports["postgres"])
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        postmaster = pg.pid()
        if postmaster and is_listening(postmaster, ports["postgres"]):
            nats = _child(process, "nats-server") if _has_child(process, "nats-server") else None
            if nats and is_listening(nats.pid, ports["nats"]):
                break
        time.sleep(0.2)
    else:
        stop_stack(process)
        raise AssertionError("devstack started no PostgreSQL and NATS within 240 s")
    started = [postmaster, *(p.pid for p in psutil.Process(process.pid).children(recursive=True))]
    os.kill(process.pid, signal.SIGKILL)
    process.wait(60)
    deadline = time.monotonic() + 120
    while still_running(started) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert still_running(started) == []
    assert not is_listening(postmaster, ports["postgres"])
    # The next `make up` finds the folder as a stopped server leaves it.
    assert not (var_dir / "postgres/postmaster.pid").exists()


def _has_child(process: subprocess.Popen, word: str) -> bool:
    try:
        _child(process, word)
    except AssertionError:
        return False
    return True
