"""Datasets service process: `python -m services.datasets`.

Only health and reflection are served until the service's RPCs are built.
"""

from __future__ import annotations

from synthetica.datasets.v1 import datasets_pb2

from common.runtime import run_cli, serve_health_only
from services.datasets.settings import DatasetsSettings

SERVICE_NAME = datasets_pb2.DESCRIPTOR.services_by_name["DatasetsService"].full_name


async def serve(settings: DatasetsSettings) -> None:
    await serve_health_only(settings, service_names=[SERVICE_NAME])


def main() -> None:
    run_cli(
        service="datasets",
        load_settings=DatasetsSettings,
        schema=None,
        migrations_dir=None,
        commands={"serve": serve},
        default="serve",
    )
