from __future__ import annotations

from pydantic import Field

from common.settings import CommaList, ServiceSettings


class AuthSettings(ServiceSettings):
    service_prefix = "AUTH_"

    grpc_port: int = 25051
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # A used refresh token presented again within this many seconds of its rotation, while
    # no token of that rotation has been used yet, is rotated again instead of revoking the
    # login: the answer to the first rotation was lost (a reload, a dropped connection).
    # 30 s covers a reload or a retry; 0 turns the grace off (services/auth/service.py).
    refresh_reuse_grace_seconds: int = Field(default=30, ge=0, le=300)
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
