from __future__ import annotations

from common.settings import ServiceSettings


class EvaluationSettings(ServiceSettings):
    service_prefix = "EVALUATION_"

    grpc_port: int = 50054
