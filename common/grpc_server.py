"""The grpc.aio server factory every service uses, and the process loop around it.

``create_server`` binds (port 0 in tests), adds health and reflection, and installs the
interceptors; ``serve_until_signal`` runs until SIGTERM/SIGINT and shuts down gracefully:
health turns NOT_SERVING, in-flight calls get a grace period, then cleanups run in order.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from common.clients import MAX_MESSAGE_BYTES
from common.interceptors import (
    Authenticator,
    AuthInterceptor,
    ErrorInterceptor,
    ObservabilityInterceptor,
    RequestContextInterceptor,
)
from common.polling import cancel_and_wait
from common.request_text import RequestTextInterceptor

log = logging.getLogger(__name__)

Cleanup = Callable[[], Awaitable[None]]


@dataclass
class GrpcServer:
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    service_names: Sequence[str]
    cleanups: list[Cleanup] = field(default_factory=list)
    tasks: list[asyncio.Task] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        await self.server.start()
        for name in ("", *self.service_names):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace: float = 5.0) -> None:
        """Graceful: NOT_SERVING first, then in-flight calls finish, then background work stops."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        await cancel_and_wait(self.tasks)
        for cleanup in self.cleanups:
            try:
                await cleanup()
            except Exception:
                log.exception("cleanup failed")


def create_server(
    *,
    host: str,
    port: int,
    service_names: Sequence[str],
    register: Callable[[grpc.aio.Server], None],
    authenticator: Authenticator | None,
    reflection_enabled: bool = True,
) -> GrpcServer:
    """Builds a server with health, reflection (unless switched off) and interceptors;
    ``authenticator=None`` only for a process that serves health alone."""
    interceptors: list[grpc.aio.ServerInterceptor] = [
        # First is outermost: the span and the timing cover everything the others do.
        ObservabilityInterceptor(),
        RequestContextInterceptor(),
        ErrorInterceptor(),
    ]
    if authenticator is not None:
        interceptors.append(AuthInterceptor(authenticator))
    # Innermost: a caller is authenticated before its request is looked at.
    interceptors.append(RequestTextInterceptor())
    server = grpc.aio.server(
        interceptors=interceptors,
        options=[
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if reflection_enabled:
        reflection.enable_server_reflection(
            (
                *service_names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
    bound = server.add_insecure_port(f"{host}:{port}")
    return GrpcServer(
        server=server, port=bound, health=health_servicer, service_names=service_names
    )


async def serve_until_signal(server: GrpcServer, *, grace: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    log.info("serving", extra={"fields": {"port": server.port}})
    await stop.wait()
    log.info("shutting down")
    await server.stop(grace)
