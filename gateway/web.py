"""The web dashboard: its built files at ``/`` under a strict Content-Security-Policy, and the
small session endpoint that keeps its refresh token out of JavaScript's reach.

Sessions. The dashboard holds the short-lived access token in memory only. The refresh token
lives in an ``HttpOnly``, ``SameSite=Strict`` cookie scoped to ``/session`` (``Secure`` when
the request came over https, directly or through an ingress that says so in
``X-Forwarded-Proto`` and is trusted), set and rotated by these routes:

- ``POST /session/register`` and ``POST /session/login`` (JSON credentials),
- ``POST /session/refresh`` (a new access token from the cookie; the cookie rotates),
- ``POST /session/logout`` (the refresh token is revoked and the cookie cleared).

CSRF. Every one of them needs the double-submit token: ``GET /session/csrf`` sets a random
``syn_csrf`` cookie (readable by the page, ``SameSite=Strict``) and returns it; the page sends
it back in ``X-CSRF-Token``. A cross-site page can neither read the cookie nor send that
header without a CORS preflight this gateway never grants, and a request whose ``Origin`` is
not this host is refused as well.

Static files. ``/assets/*`` are Vite's content-hashed files and the build's top-level files
(``/favicon.svg``) are served as they are; any other GET outside the API (see ``API_ROOTS``)
is the single-page app's ``index.html`` (never cached), so a deep link opens the right page
and a mistyped one (``/login``) the app's own not-found page. A path under the API
(``/graphql/x``, ``/session/x``, ``/metricsz``...) stays a JSON 404. GraphiQL stays at
``/graphql``.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from common.context import request_id_var
from gateway.clients import ServiceClients
from gateway.context import Context, client_ip
from gateway.http import error_response, rpc_error_response
from gateway.settings import CookieSecure, GatewaySettings
from synthetica.auth.v1 import auth_pb2

REFRESH_COOKIE = "syn_refresh"
CSRF_COOKIE = "syn_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_PATH = "/session"
# Credentials are a few hundred bytes; anything bigger is not a login.
MAX_SESSION_BODY = 16 * 1024

# No inline script or style anywhere in the built app (Vite emits files only); charts draw on
# canvas. 'self' covers the same-origin graphql-ws websocket in connect-src.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# The first path segments the API answers on (app.py and the routers it includes), plus names
# a client expects an API answer from. A GET under one of these that no route took is a JSON
# 404, never a web page; any other path is the app's (its router shows its not-found page).
API_ROOTS = frozenset(
    {
        "graphql",
        "upload",
        "uploads",
        "download",
        "downloads",
        "reports",
        "session",
        "healthz",
        "readyz",
        "metrics",
        "assets",
        "api",
    }
)


def is_api_path(path: str) -> bool:
    root = path.split("/", 1)[0]
    # "/metricsz", "/healthz.json": a near miss of an API name is an API question too.
    return any(root == name or root.startswith(name) for name in API_ROOTS)


NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Synthetica</title></head><body><main><h1>The dashboard is not built</h1>
<p>Run <code>make web</code> (or <code>make up</code>, which builds it), then reload.
GraphiQL is at <a href="/graphql">/graphql</a>.</p></main></body></html>"""


def install(
    app: FastAPI,
    settings: GatewaySettings,
    get_clients: Callable[[], ServiceClients],
    *,
    web_dir: Path | None = None,
) -> None:
    """Adds the session routes and the dashboard's files. Call it after every API route:
    the single-page fallback answers any GET path left over."""
    app.include_router(session_router(settings, get_clients))
    mount_dashboard(app, web_dir or settings.web_dir)


def mount_dashboard(app: FastAPI, web_dir: Path) -> None:
    index = web_dir / "index.html"
    assets = web_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="dashboard-assets")

    # The build's own top-level files (web/public: the favicon), by name, never index.html.
    top_files = (
        {f.name: f for f in web_dir.iterdir() if f.is_file() and f.name != "index.html"}
        if web_dir.is_dir()
        else {}
    )

    @app.get("/{path:path}", include_in_schema=False)
    async def dashboard(path: str) -> Response:
        if path in top_files:
            return FileResponse(top_files[path], headers={"Cache-Control": "max-age=86400"})
        if is_api_path(path):
            return error_response("NOT_FOUND", f"no route for /{path}")
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers=SECURITY_HEADERS)
        return FileResponse(index, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def session_router(
    settings: GatewaySettings, get_clients: Callable[[], ServiceClients]
) -> APIRouter:
    router = APIRouter(prefix=SESSION_PATH)

    def context(request: Request) -> Context:
        clients: ServiceClients = get_clients()
        return Context(
            clients=clients,
            settings=settings,
            credentials=(),
            client_ip=client_ip(request, settings),
            request_id=request_id_var.get() or uuid.uuid4().hex,
        )

    @router.get("/csrf")
    async def csrf(request: Request) -> JSONResponse:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = JSONResponse({"csrfToken": token}, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            CSRF_COOKIE,
            token,
            path="/",
            secure=is_secure(request, settings),
            httponly=False,
            samesite="strict",
        )
        return response

    async def sign_in(
        request: Request,
        rpc: Callable[[Any], Callable[..., Any]],
        auth_request: Callable[[dict[str, Any]], Any],
    ) -> Response:
        """/register and /login: the CSRF checks, the JSON body (capped), the auth call
        (``rpc`` picks it from the stub), and the new session's cookie and token."""
        refused = check_request(request, settings)
        if refused:
            return refused
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        ctx = context(request)
        try:
            reply = await rpc(ctx.clients.auth)(auth_request(body), metadata=ctx.anonymous_metadata)
        except grpc.aio.AioRpcError as exc:
            return rpc_error_response(exc)
        return signed_in(request, settings, reply.tokens, reply.user)

    @router.post("/register")
    async def register(request: Request) -> Response:
        return await sign_in(
            request,
            lambda auth: auth.Register,
            lambda body: auth_pb2.RegisterRequest(
                email=text(body, "email"),
                password=text(body, "password"),
                display_name=text(body, "displayName"),
                organization=text(body, "organization"),
            ),
        )

    @router.post("/login")
    async def login(request: Request) -> Response:
        return await sign_in(
            request,
            lambda auth: auth.Login,
            lambda body: auth_pb2.LoginRequest(
                email=text(body, "email"), password=text(body, "password")
            ),
        )

    @router.post("/refresh")
    async def refresh(request: Request) -> Response:
        refused = check_request(request, settings)
        if refused:
            return refused
        token = request.cookies.get(REFRESH_COOKIE)
        if not token:
            return error_response("UNAUTHENTICATED", "not signed in", reason="NO_SESSION")
        ctx = context(request)
        try:
            reply = await ctx.clients.auth.Refresh(
                auth_pb2.RefreshRequest(refresh_token=token), metadata=ctx.anonymous_metadata
            )
        except grpc.aio.AioRpcError as exc:
            response = rpc_error_response(exc)
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                clear_refresh_cookie(response, request, settings)
            return response
        return signed_in(request, settings, reply.tokens, None)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        refused = check_request(request, settings)
        if refused:
            return refused
        token = request.cookies.get(REFRESH_COOKIE)
        if token:
            ctx = context(request)
            try:
                await ctx.clients.auth.Logout(
                    auth_pb2.LogoutRequest(refresh_token=token), metadata=ctx.anonymous_metadata
                )
            except grpc.aio.AioRpcError as exc:
                # An unknown or expired token is signed out already; anything else is real.
                if exc.code() != grpc.StatusCode.UNAUTHENTICATED:
                    return rpc_error_response(exc)
        response = JSONResponse({"signedOut": True}, headers={"Cache-Control": "no-store"})
        clear_refresh_cookie(response, request, settings)
        return response

    return router


def is_secure(request: Request, settings: GatewaySettings) -> bool:
    if settings.cookie_secure == CookieSecure.ALWAYS:
        return True
    if settings.cookie_secure == CookieSecure.NEVER:
        return False
    scheme = forwarded(request, "x-forwarded-proto") if settings.trust_forwarded_for else ""
    return (scheme or request.url.scheme) == "https"


def check_request(request: Request, settings: GatewaySettings) -> Response | None:
    """The CSRF checks every state-changing session route makes; None when they pass."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), header.encode()):
        return error_response("FORBIDDEN", "missing or wrong CSRF token", reason="CSRF", status=403)
    origin = request.headers.get("origin")
    if origin is not None and origin != own_origin(request, settings):
        return error_response("FORBIDDEN", "cross-site request refused", reason="CSRF")
    return None


def own_origin(request: Request, settings: GatewaySettings) -> str:
    """The origin the browser sees: behind a trusted ingress, the forwarded scheme and host."""
    scheme, host = request.url.scheme, request.headers.get("host", "")
    if settings.trust_forwarded_for:
        scheme = forwarded(request, "x-forwarded-proto") or scheme
        host = forwarded(request, "x-forwarded-host") or host
    return f"{scheme}://{host}"


def forwarded(request: Request, header: str) -> str:
    return request.headers.get(header, "").split(",")[0].strip()


async def read_json(request: Request) -> dict[str, Any] | Response:
    """The body as a JSON object, read with a cap while it streams."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_SESSION_BODY:
        return error_response("BAD_USER_INPUT", "request body too large", status=413)
    received = bytearray()
    async for piece in request.stream():
        received += piece
        if len(received) > MAX_SESSION_BODY:
            return error_response("BAD_USER_INPUT", "request body too large", status=413)
    try:
        body = json.loads(received or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json recurses
        return error_response("BAD_USER_INPUT", "the body is not JSON")
    if not isinstance(body, dict):
        return error_response("BAD_USER_INPUT", "the body must be a JSON object")
    return body


def text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    return value if isinstance(value, str) else ""


def signed_in(
    request: Request,
    settings: GatewaySettings,
    tokens: auth_pb2.TokenPair,
    user: auth_pb2.User | None,
) -> JSONResponse:
    payload: dict[str, Any] = {"accessToken": tokens.access_token, "expiresIn": tokens.expires_in}
    if user is not None:
        payload["user"] = {"id": user.id, "email": user.email}
    response = JSONResponse(payload, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=tokens.refresh_expires_in or None,
        path=SESSION_PATH,
        secure=is_secure(request, settings),
        httponly=True,
        samesite="strict",
    )
    return response


def clear_refresh_cookie(response: Response, request: Request, settings: GatewaySettings) -> None:
    response.delete_cookie(
        REFRESH_COOKIE,
        path=SESSION_PATH,
        secure=is_secure(request, settings),
        httponly=True,
        samesite="strict",
    )
