from __future__ import annotations

from pydantic import Field, model_validator

from common.settings import CommaList, ServiceSettings
from services.auth.credentials import PasswordCost


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
    # Argon2id's cost for new password hashes (credentials.PasswordCost): passes, memory in
    # KiB, lanes. The defaults are RFC 9106's low-memory profile; below OWASP's floor (2
    # passes over 19 MiB) the service logs a warning at startup. The tests hash cheaply.
    password_hash_time_cost: int = Field(default=3, ge=1, le=20)
    password_hash_memory_kib: int = Field(default=65536, ge=8, le=4 * 1024 * 1024)
    password_hash_parallelism: int = Field(default=4, ge=1, le=64)
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

    @model_validator(mode="after")
    def _argon2_memory_covers_its_lanes(self) -> AuthSettings:
        # Argon2 needs at least 8 KiB per lane.
        if self.password_hash_memory_kib < 8 * self.password_hash_parallelism:
            raise ValueError(
                "password_hash_memory_kib must be at least 8 x password_hash_parallelism"
            )
        return self

    @property
    def password_cost(self) -> PasswordCost:
        return PasswordCost(
            time_cost=self.password_hash_time_cost,
            memory_kib=self.password_hash_memory_kib,
            parallelism=self.password_hash_parallelism,
        )

    def password_cost_below_owasp(self) -> bool:
        """Below OWASP's floor for Argon2id: 2 passes over 19 MiB."""
        return self.password_hash_time_cost < 2 or self.password_hash_memory_kib < 19 * 1024
