from __future__ import annotations

from common.settings import ServiceSettings


class TrainingSettings(ServiceSettings):
    service_prefix = "TRAINING_"

    grpc_port: int = 50053
    # The worker role serves gRPC health on its own port for probes.
    worker_health_port: int = 50063
