from __future__ import annotations

from pydantic import Field

from common.settings import CommaList, ServiceSettings


class AuthSettings(ServiceSettings):
    service_prefix = "AUTH_"

    grpc_port: int = 25051
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # Accounts with these emails are admins; otherwise only the very first account is.
    admin_emails: CommaList = Field(default_factory=list)
    password_min_length: int = 10
    login_window_seconds: int = 900
    login_max_failures_per_account: int = 5
    login_max_failures_per_client: int = 20
