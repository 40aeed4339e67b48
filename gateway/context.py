"""Per-request GraphQL context: the caller's credentials to forward, and the stubs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from fastapi import Request
from strawberry.fastapi import BaseContext

from common.clients import Metadata, service_metadata
from gateway.clients import ServiceClients
from gateway.loaders import Loaders
from gateway.settings import GatewaySettings
from gateway.subscription_slots import Connection

if TYPE_CHECKING:
    from gateway.read_cache import ReadCache
    from gateway.subscriptions import Subscriptions


@dataclass
class Context(BaseContext):
    clients: ServiceClients
    settings: GatewaySettings
    credentials: Metadata
    client_ip: str
    request_id: str
    # Live job updates and websocket authentication (gateway/subscriptions.py).
    subscriptions: Subscriptions | None = None
    # dataset(id) and project(id) answers kept between requests (None: the cache is off).
    read_cache: ReadCache | None = None
    # A websocket's: who connection_init authenticated, and its live subscriptions' count
    # (one context serves every operation of a socket).
    user_id: str = ""
    connection: Connection = field(default_factory=Connection)

    def __post_init__(self) -> None:
        super().__init__()

    @cached_property
    def loaders(self) -> Loaders:
        """Batched look-ups of related objects, fresh for every request (every Context), made
        on first use: most operations never reach a related object."""
        return Loaders(self.clients, self.user_metadata)

    @property
    def user_metadata(self) -> Metadata:
        """The caller's own credentials, forwarded: each service checks them itself."""
        return (*self.credentials, ("x-request-id", self.request_id))

    @property
    def anonymous_metadata(self) -> Metadata:
        """For register/login/refresh: the gateway vouches for the call as a service and
        passes on the client address for rate limiting."""
        return (
            *service_metadata(
                self.settings.service_token.get_secret_value(),
                service_name="gateway",
                extra={"x-client-ip": self.client_ip},
            ),
            ("x-request-id", self.request_id),
        )


def credentials_from_headers(request: Request) -> Metadata:
    items = []
    authorization = request.headers.get("authorization")
    if authorization:
        items.append(("authorization", authorization))
    api_key = request.headers.get("x-api-key")
    if api_key:
        items.append(("x-api-key", api_key))
    return tuple(items)


def client_ip(request: Request, settings: GatewaySettings) -> str:
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"
