from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from common.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    service_prefix = "AUTH_"

    grpc_port: int = 50051
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # Accounts with these emails are admins; otherwise only the very first account is.
    admin_emails: Annotated[list[str], NoDecode] = Field(default_factory=list)
    password_min_length: int = 10
    login_window_seconds: int = 900
    login_max_failures_per_account: int = 5
    login_max_failures_per_client: int = 20

    @field_validator("admin_emails", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """AUTH_ADMIN_EMAILS=a@x.com,b@y.com (a JSON list works too)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [e.strip() for e in text.split(",") if e.strip()]
        return value
