"""Per-call context carried in contextvars: the request id and the authenticated caller."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

request_id_var: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (by access token or API key) or a service.

    A service may act on behalf of a user (a worker running a user's job); then ``user_id`` is
    that user and ``service`` names the acting service.
    """

    user_id: str = ""
    role: str = ""
    email: str = ""
    service: str = ""
    via: str = ""
    credentials: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_user(self) -> bool:
        return bool(self.user_id)

    @property
    def is_service(self) -> bool:
        return bool(self.service)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and not self.service


principal_var: ContextVar[Principal | None] = ContextVar("principal", default=None)
