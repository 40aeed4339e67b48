"""Which network addresses a user-chosen destination may reach, and secrets kept at rest.

Server-side request forgery is the risk of letting users pick where a service connects: a
webhook or a database connection could aim at the cloud metadata endpoint or an internal
service. So every address a destination's host resolves to must be public (or inside a
network the operator allowed), and the caller then connects to the address that was checked,
not to the name again, so a DNS answer that changes between check and use (DNS rebinding)
cannot redirect it. Notify's webhooks and the datasets service's database connections both
use these rules.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
import socket

from cryptography.fernet import Fernet, InvalidToken

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The host is not an allowed destination (or does not resolve)."""


# The well-known NAT64 prefix (RFC 6052): its addresses reach the IPv4 address in their last
# 32 bits, so they are judged as that address (a DNS64 network gives public IPv4-only hosts
# such addresses, which must keep working; 64:ff9b::a9fe:a9fe is the metadata endpoint).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv6 forms that embed or reach IPv4 in deprecated ways, or that are no longer defined: never
# a destination, whatever the operator allowed. Python's is_global calls most of them global.
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

    async def check_host(self, host: str, port: int) -> IPAddress:
        """Checks every address ``host`` resolves to; returns the one to connect to."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise AddressRefused(not_public(host)) from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        refused = [a for a in addresses if not self.allows(a)]
        if not addresses or refused:
            raise AddressRefused(not_public(host))
        return addresses[0]


def not_public(host: str) -> str:
    """One answer whether the host does not resolve or resolves to an address that is not
    allowed, so a destination cannot be used to learn which internal names exist."""
    return f"host {host} is not a public address (or does not resolve)"


class SecretBox:
    """Encrypts secrets at rest (Fernet: AES-128-CBC with HMAC-SHA256); one key per purpose,
    derived from the key material."""

    def __init__(self, key_material: str) -> None:
        key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
        self._fernet = Fernet(key)

    def seal(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise ValueError("the secret cannot be decrypted with this key") from exc
