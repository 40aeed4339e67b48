"""What the plain-HTTP routes (uploads, downloads, reports) share: JSON errors with the same
codes as GraphQL, signed links a browser can open, and server-streaming RPCs as responses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import grpc
from fastapi.responses import JSONResponse
from graphql import GraphQLError
from starlette.responses import Response, StreamingResponse

from common.clients import Metadata, service_metadata
from common.settings import Settings
from gateway.errors import from_rpc_error
from gateway.settings import GatewaySettings

HTTP_STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "BAD_USER_INPUT": 400,
    "CONFLICT": 409,
    "FAILED_PRECONDITION": 409,
    "RATE_LIMITED": 429,
    # Over the account's storage quota: too large for what is left (gateway/errors.py).
    "QUOTA_EXCEEDED": 413,
    "SERVICE_UNAVAILABLE": 503,
}


def error_response(
    code: str, message: str, status: int | None = None, **extensions: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, **extensions}},
        status_code=status or HTTP_STATUS.get(code, 500),
    )


def graphql_error_response(error: GraphQLError) -> JSONResponse:
    extensions = dict(error.extensions or {})
    code = str(extensions.pop("code", "INTERNAL"))
    status = 413 if extensions.get("reason") == "TOO_LARGE" else None
    return error_response(code, error.message, status, **extensions)


def rpc_error_response(error: grpc.aio.AioRpcError) -> JSONResponse:
    """The same code, reason and fields a GraphQL client would get for this failure."""
    return graphql_error_response(from_rpc_error(error))


def public_url(settings: GatewaySettings, path: str) -> str:
    """A link for clients: on the configured public base URL, or the bare path (relative to
    the gateway the client called). Never built from the request's Host header."""
    return settings.public_base_url.rstrip("/") + path


class LinkSigner:
    """Short-lived signed tokens for links: ``sign`` puts claims in a token, ``verify`` gives
    them back only when the token is genuine and unexpired. Each purpose has its own key,
    derived from the service token, so every gateway replica verifies every other's links and
    a token of one kind is worthless as another."""

    def __init__(self, settings: Settings, purpose: str) -> None:
        secret = settings.service_token.get_secret_value().encode()
        self._key = hmac.new(
            secret, f"synthetica links: {purpose}".encode(), hashlib.sha256
        ).digest()

    def sign(self, claims: dict[str, str], ttl_seconds: int) -> tuple[str, datetime]:
        expires = int(time.time()) + ttl_seconds
        body = _b64(json.dumps({**claims, "exp": expires}, sort_keys=True).encode())
        return f"{body}.{self._signature(body)}", datetime.fromtimestamp(expires, UTC)

    def verify(self, token: str) -> dict[str, str] | None:
        body, _, signature = token.partition(".")
        if not signature or not hmac.compare_digest(signature, self._signature(body)):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        if not isinstance(claims, dict) or int(claims.pop("exp", 0)) < time.time():
            return None
        return {key: str(value) for key, value in claims.items()}

    def _signature(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def on_behalf_of(settings: Settings, claims: dict[str, str]) -> Metadata:
    """The gateway acting for the user a link was made for; the service still checks that
    user's rights when the link is used."""
    return service_metadata(
        settings.service_token.get_secret_value(),
        service_name="gateway",
        on_behalf_of=claims["user"],
        role=claims.get("role") or "member",
    )


async def stream_response(
    call: grpc.aio.UnaryStreamCall, *, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    """Streams the ``chunk`` field of each message. The first message is awaited before the
    response starts, so a refusal (access, existence) becomes a real HTTP error status rather
    than a response that breaks off after its headers."""
    try:
        first = await call.read()
    except grpc.aio.AioRpcError as exc:
        return rpc_error_response(exc)
    return StreamingResponse(_chunks(first, call), media_type=media_type, headers=headers)


async def _chunks(first: Any, call: grpc.aio.UnaryStreamCall) -> AsyncIterator[bytes]:
    message = first
    try:
        while message is not grpc.aio.EOF:
            yield message.chunk
            message = await call.read()
    finally:
        call.cancel()  # the client went away: stop the work upstream too
