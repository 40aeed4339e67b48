"""FastAPI application: GraphQL (with GraphiQL) at /graphql, health at /healthz and /readyz,
Prometheus metrics at /metrics (unless SYNTHETICA_METRICS_PORT gives them their own port)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection
from starlette.responses import Response

from common.context import request_id_var
from common.metrics import render_latest
from gateway import reports, uploads, web
from gateway.body_limit import BodyLimit
from gateway.clients import ServiceClients
from gateway.context import Context, client_ip, credentials_from_headers
from gateway.downloads import create_download_router
from gateway.observability import ObservabilityMiddleware
from gateway.read_cache import ReadCache
from gateway.schema import build_schema
from gateway.settings import GatewaySettings
from gateway.subscription_slots import OTHER_OPERATIONS_IN_FLIGHT
from gateway.subscriptions import AuthenticatingRouter, JobSource, Subscriptions
from gateway.upload_slots import UploadSlots


def create_app(settings: GatewaySettings, *, job_source: JobSource | None = None) -> FastAPI:
    """``job_source`` replaces the training service as the source of jobUpdates' first state
    (tests and benchmarks)."""
    clients: ServiceClients | None = None

    def live_clients() -> ServiceClients:
        """The stubs exist from the lifespan's start (channels need the running loop)."""
        if clients is None:
            raise RuntimeError("the gateway's service clients are used before the app started")
        return clients

    subscriptions = Subscriptions(settings, live_clients, job_source=job_source)
    read_cache = ReadCache(settings) if settings.read_cache_seconds > 0 else None

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        nonlocal clients
        clients = ServiceClients(settings)
        if read_cache is not None:
            await read_cache.start()
        yield
        if read_cache is not None:
            await read_cache.close()
        await subscriptions.close()
        await clients.close()

    # HTTPConnection: the same context serves HTTP requests and websockets.
    async def get_context(request: HTTPConnection) -> Context:
        return Context(
            clients=live_clients(),
            settings=settings,
            credentials=credentials_from_headers(request),
            client_ip=client_ip(request, settings),
            request_id=request_id_var.get() or uuid.uuid4().hex,
            subscriptions=subscriptions,
            read_cache=read_cache,
        )

    app = FastAPI(title="Synthetica gateway", lifespan=lifespan)
    app.state.read_cache = read_cache
    upload_slots = UploadSlots(settings.max_uploads_per_user, subscriptions.authenticate)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        slots=upload_slots,
    )
    # Added last, so outermost: refused bodies are counted and traced too.
    app.add_middleware(ObservabilityMiddleware)
    router = AuthenticatingRouter(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        multipart_uploads_enabled=True,
        # A backstop for everything in flight on one socket; live subscriptions have their
        # own, lower caps with a readable refusal (gateway/subscription_slots.py).
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection
        + OTHER_OPERATIONS_IN_FLIGHT,
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(reports.create_router(settings, lambda: live_clients().evaluation))
    app.include_router(create_download_router(settings, live_clients))
    on_upload = read_cache.clear if read_cache is not None else None
    app.include_router(
        uploads.create_router(settings, lambda: live_clients().datasets, upload_slots, on_upload)
    )

    if not settings.metrics_port:
        # With a metrics port of their own (a cluster), metrics stay off the public port.
        @app.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            body, content_type = render_latest()
            return Response(body, media_type=content_type)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        services = await live_clients().serving()
        ready = all(services.values())
        body = {"ready": ready, "services": services}
        return JSONResponse(body, status_code=200 if ready else 503)

    # Last: the dashboard's session routes, assets, and index.html for its own routes.
    web.install(app, settings, live_clients)
    return app
