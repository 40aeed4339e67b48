from __future__ import annotations

from common.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_prefix = "NOTIFY_"

    grpc_port: int = 50055
