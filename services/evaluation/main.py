"""Evaluation service process: `python -m services.evaluation`.

Only health and reflection are served until the service's RPCs are built.
"""

from __future__ import annotations

from synthetica.evaluation.v1 import evaluation_pb2

from common.runtime import run_cli, serve_health_only
from services.evaluation.settings import EvaluationSettings

SERVICE_NAME = evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"].full_name


async def serve(settings: EvaluationSettings) -> None:
    await serve_health_only(settings, service_names=[SERVICE_NAME])


def main() -> None:
    run_cli(
        service="evaluation",
        load_settings=EvaluationSettings,
        schema=None,
        migrations_dir=None,
        commands={"serve": serve},
        default="serve",
    )
