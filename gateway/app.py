"""FastAPI application: GraphQL (with GraphiQL) at /graphql, health at /healthz and /readyz."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import grpc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from strawberry.fastapi import GraphQLRouter

from gateway.clients import ServiceClients
from gateway.context import Context, client_ip, credentials_from_headers
from gateway.schema import build_schema
from gateway.settings import GatewaySettings


class BodyLimit(BaseHTTPMiddleware):
    """Refuses GraphQL request bodies over the limit before they are parsed."""

    def __init__(self, app: object, *, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path == "/graphql" and request.method == "POST":
            declared = request.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                return _too_large(self.max_bytes)
            body = await request.body()
            if len(body) > self.max_bytes:
                return _too_large(self.max_bytes)
        return await call_next(request)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": f"request body over {limit} bytes",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                }
            ]
        },
        status_code=413,
    )


def create_app(settings: GatewaySettings) -> FastAPI:
    clients: ServiceClients | None = None

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        nonlocal clients
        clients = ServiceClients(settings)
        yield
        await clients.close()

    async def get_context(request: Request) -> Context:
        assert clients is not None
        return Context(
            clients=clients,
            settings=settings,
            credentials=credentials_from_headers(request),
            client_ip=client_ip(request, settings),
            request_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
        )

    app = FastAPI(title="Synthetica gateway", lifespan=lifespan)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    router = GraphQLRouter(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    app.include_router(router, prefix="/graphql")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        assert clients is not None
        try:
            stub = health_pb2_grpc.HealthStub(clients._channels["auth"])
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
            ready = reply.status == health_pb2.HealthCheckResponse.SERVING
        except grpc.aio.AioRpcError:
            ready = False
        return JSONResponse({"ready": ready}, status_code=200 if ready else 503)

    return app
