"""The size limit of POST /graphql bodies, counted while the bytes stream in.

A pure ASGI middleware: it wraps ``receive`` and stops the request as soon as more bytes have
arrived than the limit allows, whether or not the client declared a ``Content-Length``
(a chunked body declares none). Nothing is read ahead, so memory never holds more than one
piece of the body beyond the limit.

- JSON (and any other non-multipart) bodies: ``max_bytes`` (1 MiB by default).
- Multipart bodies (GraphQL file uploads, which the parser spools to disk): ``max_upload_bytes``,
  and only from a caller whose credentials auth accepts, checked from the headers *before*
  a byte of the body is read. An anonymous or bad-credentials multipart request is answered
  401 without touching the body, so nobody can fill the gateway's disk without an account;
  and an account has at most ``slots.per_user`` uploads under way (``gateway.upload_slots``).

Refusals are GraphQL-shaped JSON: 413 ``PAYLOAD_TOO_LARGE``, 401 ``UNAUTHENTICATED``, 429
``RATE_LIMITED`` (reason ``TOO_MANY_UPLOADS``) or 503 ``SERVICE_UNAVAILABLE`` (auth could not
be asked).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.clients import Metadata
from gateway.upload_slots import UploadRefused, UploadSlots


class BodyTooLarge(Exception):
    """Raised from ``receive`` once the body is over the limit (not a ValueError, so no
    parser on the way mistakes it for a malformed body)."""


def credentials_of(headers: Headers) -> Metadata:
    found = []
    for name in ("authorization", "x-api-key"):
        value = headers.get(name)
        if value:
            found.append((name, value))
    return tuple(found)


def graphql_error(status: int, code: str, message: str, **extensions: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]},
        status_code=status,
    )


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_upload_bytes: int,
        slots: UploadSlots,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.slots = slots
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.max_upload_bytes if multipart else self.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        if not multipart:
            await self._limited(scope, receive, send, limit)
            return
        try:
            async with self.slots.hold(credentials_of(headers)):
                await self._limited(scope, receive, send, limit)
        except UploadRefused as refused:
            refusal = graphql_error(
                refused.status, refused.code, refused.message, **refused.extensions
            )
            await refusal(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:  # cannot happen with GraphQL (it reads the body first); be safe
                raise
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    return graphql_error(413, "PAYLOAD_TOO_LARGE", f"request body over {limit} bytes")
