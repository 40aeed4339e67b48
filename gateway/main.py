"""Gateway process: ``python -m gateway [serve|export-schema]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from common.logs import configure_logging
from common.runtime import observed
from gateway.app import create_app
from gateway.schema import SCHEMA_FILE, schema_sdl
from gateway.settings import GatewaySettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "export-schema"])
    parser.add_argument("--out", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args()
    if args.command == "export-schema":
        args.out.write_text(schema_sdl())
        sys.stdout.write(f"wrote {args.out}\n")
        return
    settings = GatewaySettings()
    configure_logging("gateway", settings.log_level)
    with observed("gateway", settings):
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            # ObservabilityMiddleware writes the access log line, with secrets in paths
            # redacted; uvicorn's own would repeat it with them.
            access_log=False,
            timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
            # Subscription updates are ~100-byte JSON: compressing each one costs more CPU
            # than it saves bytes when fanned out to many sockets.
            ws_per_message_deflate=False,
        )
