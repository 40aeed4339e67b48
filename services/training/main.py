"""Training service process: ``python -m services.training [api|worker]``.

Only health and reflection are served until the service's RPCs and workers are built.
"""

from __future__ import annotations

from synthetica.training.v1 import training_pb2

from common.runtime import run_cli, serve_health_only
from common.settings import Settings
from services.training.settings import TrainingSettings

SERVICE_NAME = training_pb2.DESCRIPTOR.services_by_name["TrainingService"].full_name


async def serve_api(settings: Settings) -> None:
    await serve_health_only(settings, service_names=[SERVICE_NAME])


async def serve_worker(settings: Settings) -> None:
    assert isinstance(settings, TrainingSettings)
    worker = settings.model_copy(update={"grpc_port": settings.worker_health_port})
    await serve_health_only(worker, service_names=["synthetica.training.v1.TrainingWorker"])


def main() -> None:
    run_cli(
        service="training",
        load_settings=TrainingSettings,
        schema=None,
        migrations_dir=None,
        commands={"api": serve_api, "worker": serve_worker},
        default="api",
    )
