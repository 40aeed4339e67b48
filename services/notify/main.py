"""Notify service process: `python -m services.notify`.

Only health and reflection are served until the service's RPCs are built.
"""

from __future__ import annotations

from synthetica.notify.v1 import notify_pb2

from common.runtime import run_cli, serve_health_only
from services.notify.settings import NotifySettings

SERVICE_NAME = notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name


async def serve(settings: NotifySettings) -> None:
    await serve_health_only(settings, service_names=[SERVICE_NAME])


def main() -> None:
    run_cli(
        service="notify",
        load_settings=NotifySettings,
        schema=None,
        migrations_dir=None,
        commands={"serve": serve},
        default="serve",
    )
