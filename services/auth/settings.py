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
    # Login limits (services/auth/limits.py): failures within the window are free up to
    # these counts; past them every attempt waits base * 2^(failures - count) seconds after
    # the last failure, at most the max delay. Per account only for addresses the account
    # has not signed in from within login_known_client_days.
    login_window_seconds: int = 900
    login_max_failures_per_account: int = 5
    login_max_failures_per_client: int = 20
    login_delay_base_seconds: float = 2.0
    login_max_delay_seconds: float = 900.0
    login_known_client_days: int = 30
    # Registrations per client address within the window (answered or refused alike), so
    # nobody can test many emails for an account, nor create accounts in bulk.
    register_window_seconds: int = 3600
    register_max_per_client: int = 20
