from __future__ import annotations

from common.settings import ServiceSettings


class DatasetsSettings(ServiceSettings):
    service_prefix = "DATASETS_"

    grpc_port: int = 50052
