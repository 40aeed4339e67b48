"""Webhook mechanics: which URLs may be called, the signed request, and the HTTP call itself.

A target must be http(s), and every address its host resolves to must be public (or inside a
network the operator allowed): ``common.addresses``, shared with the datasets service's
database connections. The request is sent to the address that was checked, not re-resolved;
TLS still verifies the host name. Redirects are not followed.

The receiver is the user's too, so it may be hostile: only its status line and headers are
read (never its body, however long), and the whole call, connecting and those headers
included, must end within one deadline: an answer dripped a byte at a time never trips a
per-read timeout, and would hold the sender and other users' deliveries for ever.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from google.protobuf.json_format import MessageToDict

from common.addresses import AddressPolicy, AddressRefused
from common.errors import InvalidArgument
from synthetica.events.v1 import events_pb2

MAX_URL_LENGTH = 2048
SIGNATURE_HEADER = "X-Synthetica-Signature"
DELIVERY_HEADER = "X-Synthetica-Delivery"
EVENT_HEADER = "X-Synthetica-Event"


@dataclass(frozen=True)
class Target:
    """A checked destination: the URL to request (host replaced by the checked address), and
    the original host for the Host header and TLS."""

    url: str
    host: str
    scheme: str


async def resolve(policy: AddressPolicy, url: str) -> Target:
    """Checks every address the URL's host resolves to; returns the target to call."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    pinned = await policy.check_host(parts.hostname or "", port)
    literal = f"[{pinned}]" if pinned.version == 6 else str(pinned)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    return Target(
        url=urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
        host=parts.netloc,
        scheme=parts.scheme,
    )


def validate_url(url: str) -> str:
    """Shape checks that need no network: http(s), a host, no credentials, not too long."""
    url = url.strip()
    if not url:
        raise InvalidArgument("url is required", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidArgument(f"url is longer than {MAX_URL_LENGTH} characters", field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise InvalidArgument("url is not a valid URL", field="url") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidArgument("only http and https URLs are allowed", field="url")
    if not parts.hostname:
        raise InvalidArgument("url has no host", field="url")
    if parts.username or parts.password:
        raise InvalidArgument("url must not contain credentials", field="url")
    return url


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload_of(event: events_pb2.Event) -> bytes:
    """The JSON body a webhook receives for an event."""
    body = event.WhichOneof("body")
    document = {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.ToJsonString(),
        "user_id": event.user_id,
        "project_id": event.project_id,
        "data": MessageToDict(getattr(event, body), preserving_proto_field_name=True)
        if body
        else {},
    }
    return json.dumps(document, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response_status: int = 0
    error: str = ""
    # A refused address will not become allowed by retrying.
    permanent: bool = False


async def post(
    client: httpx.AsyncClient,
    policy: AddressPolicy,
    *,
    url: str,
    secret: str,
    body: bytes,
    delivery_id: str,
    event_type: str,
    deadline_seconds: float,
) -> Outcome:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Synthetica-Webhooks/1",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event_type,
    }
    try:
        async with asyncio.timeout(deadline_seconds):
            target = await resolve(policy, url)
            extensions = (
                {"sni_hostname": urlsplit(url).hostname} if target.scheme == "https" else {}
            )
            request = client.build_request(
                "POST",
                target.url,
                content=body,
                headers={"Host": target.host, **headers},
                extensions=extensions,
            )
            # Streamed and closed unread: the status is the answer, the body is not needed.
            response = await client.send(request, stream=True)
            await response.aclose()
    except AddressRefused as exc:
        return Outcome(ok=False, error=str(exc), permanent=True)
    except TimeoutError:
        return Outcome(ok=False, error=f"receiver did not answer within {deadline_seconds:g} s")
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(ok=True, response_status=response.status_code)
    return Outcome(
        ok=False,
        response_status=response.status_code,
        error=f"receiver answered HTTP {response.status_code}",
    )
