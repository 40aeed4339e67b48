"""Streaming download of synthetic batches: ``GET /downloads/batches/{id}?format=csv``.

The caller authenticates like on /graphql (``Authorization: Bearer`` or ``X-API-Key``), or
presents a short-lived signed ``token`` from the ``createBatchDownloadUrl`` mutation. The
token names the batch and the user; the training service still checks that user's access
when the link is used. Bytes flow chunk by chunk from the training service to the client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from common.settings import Settings
from gateway.clients import ServiceClients
from gateway.context import credentials_from_headers
from gateway.http import LinkSigner, error_response, on_behalf_of, stream_response
from synthetica.training.v1 import training_pb2

DOWNLOAD_URL_TTL_SECONDS = 900
# Big batches take a while to stream; the default RPC deadline is for quick calls.
DOWNLOAD_TIMEOUT_SECONDS = 6 * 3600
FORMATS = {
    "csv": (training_pb2.EXPORT_FORMAT_CSV, "text/csv; charset=utf-8", "csv"),
    "jsonl": (training_pb2.EXPORT_FORMAT_JSONL, "application/x-ndjson", "jsonl"),
    "parquet": (training_pb2.EXPORT_FORMAT_PARQUET, "application/vnd.apache.parquet", "parquet"),
    "sql": (training_pb2.EXPORT_FORMAT_SQL, "application/sql; charset=utf-8", "sql"),
}


def _signer(settings: Settings) -> LinkSigner:
    return LinkSigner(settings, "batch downloads")


def sign_download(
    settings: Settings, *, batch_id: str, user_id: str, role: str, ttl_seconds: int
) -> tuple[str, datetime]:
    return _signer(settings).sign({"batch": batch_id, "user": user_id, "role": role}, ttl_seconds)


def verify_download(settings: Settings, token: str, batch_id: str) -> dict[str, str] | None:
    """The link's claims when the token is genuine, unexpired and for this batch."""
    claims = _signer(settings).verify(token)
    return claims if claims is not None and claims.get("batch") == batch_id else None


def download_path(
    batch_id: str,
    fmt: str,
    *,
    table_name: str = "",
    table: str = "",
    token: str = "",
    csv_formula_guard: bool = True,
) -> str:
    query = {"format": fmt}
    if table_name:
        query["table_name"] = table_name
    if table:
        query["table"] = table
    if not csv_formula_guard:
        query["csv_formula_guard"] = "false"
    if token:
        query["token"] = token
    return f"/downloads/batches/{batch_id}?{urlencode(query)}"


def create_download_router(settings: Settings, clients: Callable[[], ServiceClients]) -> APIRouter:
    router = APIRouter()

    @router.get("/downloads/batches/{batch_id}")
    async def download_batch(
        request: Request,
        batch_id: str,
        format: str = Query("csv", description="csv, jsonl, parquet or sql"),
        table_name: str = Query(
            "", description="table name in SQL output (default: the batch's table name)"
        ),
        table: str = Query("", description="which table of a template batch (default: first)"),
        csv_formula_guard: bool = Query(
            True,
            description="CSV: prefix ' to cells and column names a spreadsheet would run as a "
            "formula (on unless false)",
        ),
        token: str = Query("", description="a signed link token instead of credentials"),
    ) -> Response:
        if format not in FORMATS:
            return error_response("BAD_USER_INPUT", f"format must be one of {', '.join(FORMATS)}")
        if token:
            claims = verify_download(settings, token, batch_id)
            if claims is None:
                return error_response("UNAUTHENTICATED", "the download link is invalid or expired")
            metadata = on_behalf_of(settings, claims)
        else:
            metadata = credentials_from_headers(request)
            if not metadata:
                return error_response("UNAUTHENTICATED", "sign in, or use a download link")
        number, media_type, extension = FORMATS[format]
        stream = clients().training.DownloadBatch(
            training_pb2.DownloadBatchRequest(
                batch_id=batch_id,
                format=number,
                table_name=table_name,
                table=table,
                csv_formula_guard=csv_formula_guard,
            ),
            metadata=metadata,
            timeout=DOWNLOAD_TIMEOUT_SECONDS,
        )
        return await stream_response(
            stream,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.{extension}"'},
        )

    return router
