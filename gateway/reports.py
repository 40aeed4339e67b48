"""Report downloads over plain HTTP: ``GET /reports/{batch_id}/report.html`` (or ``.json``).

Two ways in: the caller's own ``Authorization: Bearer`` / ``X-API-Key`` headers (curl,
scripts), or a signed link from GraphQL's ``htmlUrl`` / ``jsonUrl`` that a browser can open
as it is. A link names the user it was made for and expires; the evaluation service still
checks, at download time, that this user may read the batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from gateway.context import credentials_from_headers
from gateway.http import LinkSigner, error_response, on_behalf_of, public_url, stream_response
from gateway.settings import GatewaySettings
from synthetica.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc

LINK_TTL_SECONDS = 3600
FORMATS = {
    "html": (evaluation_pb2.REPORT_FORMAT_HTML, "text/html; charset=utf-8"),
    "json": (evaluation_pb2.REPORT_FORMAT_JSON, "application/json"),
}

HEADERS = {
    # The page carries its styles and SVG charts inline and needs nothing else; default-src
    # does not cover framing, forms or <base>, so those are denied by name, and its signed
    # link (a token in the URL) is never sent on as a Referer.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


@dataclass(frozen=True)
class Links:
    html: str
    json: str


def _signer(settings: GatewaySettings) -> LinkSigner:
    return LinkSigner(settings, "report links")


def signed_links(*, batch_id: str, user_id: str, role: str, settings: GatewaySettings) -> Links:
    """Links to the report's HTML page and JSON for this user, valid LINK_TTL_SECONDS, on
    the configured public base URL."""

    def link(fmt: str) -> str:
        claims = {"batch": batch_id, "format": fmt, "user": user_id, "role": role}
        token, _ = _signer(settings).sign(claims, LINK_TTL_SECONDS)
        query = urlencode({"token": token})
        return public_url(settings, f"/reports/{batch_id}/report.{fmt}?{query}")

    return Links(html=link("html"), json=link("json"))


def create_router(
    settings: GatewaySettings, stub: Callable[[], evaluation_pb2_grpc.EvaluationServiceStub]
) -> APIRouter:
    router = APIRouter()

    @router.get("/reports/{batch_id}/report.{fmt}", include_in_schema=False)
    async def download(batch_id: str, fmt: str, request: Request) -> Response:
        if fmt not in FORMATS:
            return error_response("NOT_FOUND", "reports come as report.html or report.json")
        metadata = _metadata(settings, request, batch_id, fmt)
        if isinstance(metadata, JSONResponse):
            return metadata
        format_value, media_type = FORMATS[fmt]
        call = stub().DownloadReport(
            evaluation_pb2.DownloadReportRequest(batch_id=batch_id, format=format_value),
            metadata=metadata,
        )
        return await stream_response(
            call,
            media_type=media_type,
            headers=HEADERS,
        )

    return router


def _metadata(
    settings: GatewaySettings, request: Request, batch_id: str, fmt: str
) -> tuple[tuple[str, str], ...] | JSONResponse:
    """The caller's own credentials, or, for a valid signed link, the gateway acting on
    behalf of the user the link was made for."""
    request_id = ("x-request-id", request.headers.get("x-request-id") or uuid.uuid4().hex)
    token = request.query_params.get("token")
    if token is None:
        credentials = credentials_from_headers(request)
        if not credentials:
            return error_response(
                "UNAUTHENTICATED", "send Authorization or X-API-Key, or use a link"
            )
        return (*credentials, request_id)
    claims = _signer(settings).verify(token)
    if claims is None or claims.get("batch") != batch_id or claims.get("format") != fmt:
        return error_response(
            "UNAUTHENTICATED", "invalid or expired link: ask GraphQL for a new one"
        )
    return (*on_behalf_of(settings, claims), request_id)
