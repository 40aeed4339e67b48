"""The gateway's gRPC stubs, one channel per service."""

from __future__ import annotations

from synthetica.auth.v1 import auth_pb2_grpc

from common.clients import make_channel
from gateway.settings import GatewaySettings


class ServiceClients:
    def __init__(self, settings: GatewaySettings) -> None:
        timeout = settings.rpc_timeout_seconds
        self._channels = {"auth": make_channel(settings.auth_addr, default_timeout=timeout)}
        self.auth = auth_pb2_grpc.AuthServiceStub(self._channels["auth"])

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
