"""Webhook mechanics: which URLs may be called, the signed request, and the HTTP call itself.

Server-side request forgery is the risk of letting users pick URLs: a webhook could aim at the
cloud metadata endpoint or an internal service. So a target must be http(s), and every address
its host resolves to must be public (or inside a network the operator allowed). The request is
then sent to the address that was checked, not re-resolved, so a DNS answer that changes
between check and call (DNS rebinding) cannot redirect it; TLS still verifies the host name.
Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from cryptography.fernet import Fernet, InvalidToken
from google.protobuf.json_format import MessageToDict

from common.errors import InvalidArgument
from synthetica.events.v1 import events_pb2

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2048
SIGNATURE_HEADER = "X-Synthetica-Signature"
DELIVERY_HEADER = "X-Synthetica-Delivery"
EVENT_HEADER = "X-Synthetica-Event"


class AddressRefused(Exception):
    """The URL's host is not an allowed destination (or does not resolve)."""


@dataclass(frozen=True)
class Target:
    """A checked destination: the URL to request (host replaced by the checked address), and
    the original host for the Host header and TLS."""

    url: str
    host: str
    scheme: str


# The well-known NAT64 prefix (RFC 6052): its addresses reach the IPv4 address in their last
# 32 bits, so they are judged as that address (a DNS64 network gives public IPv4-only hosts
# such addresses, which must keep working; 64:ff9b::a9fe:a9fe is the metadata endpoint).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv6 forms that embed or reach IPv4 in deprecated ways, or that are no longer defined: never
# a webhook's destination, whatever the operator allowed. Python's is_global calls most of
# them global.
REFUSED_NETWORKS = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "2002::/16",  # 6to4 (RFC 3056, deprecated by RFC 7526)
        "2001::/32",  # Teredo
        "::/96",  # IPv4-compatible (deprecated by RFC 4291)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "fec0::/10",  # site-local (deprecated by RFC 3879)
    )
)


class AddressPolicy:
    def __init__(self, allowed_networks: list[str]) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]

    def allows(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped is not None:
                address = address.ipv4_mapped
            elif address in NAT64:
                address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            elif any(address in network for network in REFUSED_NETWORKS):
                return False
        if any(address in network for network in self.allowed):
            return True
        # is_global is False for loopback, private, link-local (the metadata endpoint
        # 169.254.169.254), shared, reserved and unspecified addresses.
        return address.is_global and not address.is_multicast

    async def resolve(self, url: str) -> Target:
        """Checks every address the URL's host resolves to; returns the target to call."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise AddressRefused(_not_public(host)) from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        refused = [a for a in addresses if not self.allows(a)]
        if not addresses or refused:
            raise AddressRefused(_not_public(host))
        pinned = addresses[0]
        literal = f"[{pinned}]" if pinned.version == 6 else str(pinned)
        netloc = f"{literal}:{parts.port}" if parts.port else literal
        return Target(
            url=urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
            host=parts.netloc,
            scheme=parts.scheme,
        )


def _not_public(host: str) -> str:
    """One answer whether the host does not resolve or resolves to an address that is not
    allowed, so webhooks cannot be used to learn which internal names exist."""
    return f"host {host} is not a public address (or does not resolve)"


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


class SecretBox:
    """Encrypts webhook secrets at rest (Fernet: AES-128-CBC with HMAC-SHA256)."""

    def __init__(self, key_material: str) -> None:
        key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
        self._fernet = Fernet(key)

    def seal(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise ValueError("webhook secret cannot be decrypted with this key") from exc


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
) -> Outcome:
    try:
        target = await policy.resolve(url)
    except AddressRefused as exc:
        return Outcome(ok=False, error=str(exc), permanent=True)
    headers = {
        "Host": target.host,
        "Content-Type": "application/json",
        "User-Agent": "Synthetica-Webhooks/1",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event_type,
    }
    extensions = {"sni_hostname": urlsplit(url).hostname} if target.scheme == "https" else {}
    try:
        response = await client.post(
            target.url, content=body, headers=headers, extensions=extensions
        )
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(ok=True, response_status=response.status_code)
    return Outcome(
        ok=False,
        response_status=response.status_code,
        error=f"receiver answered HTTP {response.status_code}",
    )
