"""The gateway's gRPC stubs, one channel per service, made once for the process and shared
by every request (a channel multiplexes concurrent calls over one HTTP/2 connection)."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from common.clients import ContextChannel
from gateway.settings import GatewaySettings
from synthetica.auth.v1 import auth_pb2_grpc
from synthetica.datasets.v1 import datasets_pb2_grpc
from synthetica.evaluation.v1 import evaluation_pb2_grpc
from synthetica.notify.v1 import notify_pb2_grpc
from synthetica.training.v1 import training_pb2_grpc


class ServiceClients:
    def __init__(self, settings: GatewaySettings) -> None:
        timeout = settings.rpc_timeout_seconds
        addresses = {
            "auth": settings.auth_addr,
            "training": settings.training_addr,
            "evaluation": settings.evaluation_addr,
            "datasets": settings.datasets_addr,
            "notify": settings.notify_addr,
        }
        self._channels = {
            name: ContextChannel(address, default_timeout=timeout)
            for name, address in addresses.items()
        }
        self.auth = auth_pb2_grpc.AuthServiceStub(self._channels["auth"])
        self.training = training_pb2_grpc.TrainingServiceStub(self._channels["training"])
        self.evaluation = evaluation_pb2_grpc.EvaluationServiceStub(self._channels["evaluation"])
        self.datasets = datasets_pb2_grpc.DatasetsServiceStub(self._channels["datasets"])
        self.notify = notify_pb2_grpc.NotifyServiceStub(self._channels["notify"])
        self._health = {
            name: health_pb2_grpc.HealthStub(channel.channel)
            for name, channel in self._channels.items()
        }

    async def serving(self) -> dict[str, bool]:
        """Whether each service the gateway calls answers its health check SERVING (readyz:
        every mutation and query reaches one of them, so the gateway is not ready before
        all are)."""
        names = list(self._health)
        answers = await asyncio.gather(*(self._serving(name) for name in names))
        return dict(zip(names, answers, strict=True))

    async def _serving(self, name: str) -> bool:
        try:
            # Within the readiness probe's 2 s (deploy/k8s), all five at once.
            reply = await self._health[name].Check(
                health_pb2.HealthCheckRequest(service=""), timeout=1.5
            )
        except grpc.aio.AioRpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
