"""Settings shared by every process, read from the environment with pydantic-settings.

Shared values use the ``SYNTHETICA_`` prefix; each service has its own prefix (``AUTH_``,
``DATASETS_``, ...) that overrides the shared one, so ``AUTH_DATABASE_URL`` wins over
``SYNTHETICA_DATABASE_URL`` for the auth service only.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from common.db import Database, Timeouts

SHARED_PREFIX = "SYNTHETICA_"


def _split_list(value: object) -> object:
    """``a,b`` from the environment becomes ["a", "b"]; a JSON list works too."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


# A list setting written as comma-separated values, e.g. AUTH_ADMIN_EMAILS=a@x.com,b@y.com.
CommaList = Annotated[list[str], NoDecode, BeforeValidator(_split_list)]


class Settings(BaseSettings):
    """What every process needs, the gateway included."""

    model_config = SettingsConfigDict(env_prefix=SHARED_PREFIX, extra="ignore")
    service_prefix: ClassVar[str] = ""

    nats_url: str = "nats://127.0.0.1:4222"
    service_token: SecretStr = Field(description="shared secret services present to each other")
    log_level: str = "INFO"
    shutdown_grace_seconds: float = 10.0
    rpc_timeout_seconds: float = 30.0
    auth_addr: str = "127.0.0.1:25051"
    datasets_addr: str = "127.0.0.1:25052"
    training_addr: str = "127.0.0.1:25053"
    evaluation_addr: str = "127.0.0.1:25054"
    notify_addr: str = "127.0.0.1:25055"
    # gRPC server reflection (what grpcurl uses to discover the services without the
    # .proto files): on for development, off in the prod overlay.
    grpc_reflection: bool = True
    # How long a process trusts an API key auth accepted without asking again. Revocation
    # and disabling evict a key at once through events (common/revocations.py); this bounds
    # how long a revoked key could still work while those events cannot arrive (NATS down).
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # Prometheus /metrics on its own port (0 = none; the gateway then serves it at /metrics
    # on its HTTP port). Loopback by default; a pod sets 0.0.0.0 so Prometheus can scrape.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # Where spans go: none (ids still propagate into logs), otlp (OTEL_EXPORTER_OTLP_* env),
    # or console (stdout).
    otel_exporter: Literal["none", "otlp", "console"] = "none"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings]
        if cls.service_prefix:
            sources.append(EnvSettingsSource(settings_cls, env_prefix=cls.service_prefix))
        sources.append(env_settings)
        return tuple(sources)


class ServiceSettings(Settings):
    """A gRPC service that owns a PostgreSQL schema and files."""

    database_url: str = Field(description="postgresql+psycopg2://user:pass@host:port/db")
    # PostgreSQL that does not answer (down, frozen, unreachable) gives callers a typed
    # SERVICE_UNAVAILABLE within seconds instead of holding them until their deadline.
    db_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=5.0, gt=0)
    db_pool_timeout_seconds: float = Field(default=3.0, gt=0)
    storage_url: str = "var/storage"
    storage_options: dict[str, Any] = Field(default_factory=dict)
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0

    def database(self) -> Database:
        return Database(
            self.database_url,
            timeouts=Timeouts(
                connect=self.db_connect_timeout_seconds,
                statement=self.db_statement_timeout_seconds,
                pool=self.db_pool_timeout_seconds,
            ),
        )
