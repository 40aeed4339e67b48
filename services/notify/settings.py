from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from common.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_prefix = "NOTIFY_"

    grpc_port: int = 50055
    # Durable consumer of the EVENTS stream; one name per deployment so replicas share work.
    consumer_name: str = "notify"
    event_max_deliver: int = 20
    # Webhook delivery: tries before giving up, and the exponential backoff between them.
    webhook_max_attempts: int = 6
    webhook_backoff_seconds: float = 5.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_timeout_seconds: float = 10.0
    webhook_concurrency: int = 8
    webhook_poll_seconds: float = 1.0
    webhook_deliveries_shown: int = 50
    webhook_max_per_user: int = 20
    # Webhook targets must resolve to public addresses; these networks (CIDRs) are allowed
    # although private, e.g. ["10.20.0.0/16"] for an internal receiver, or 127.0.0.0/8 in tests.
    webhook_allowed_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Key that encrypts webhook secrets at rest; derived from the service token when unset.
    secret_key: SecretStr | None = None

    @field_validator("webhook_allowed_networks", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """NOTIFY_WEBHOOK_ALLOWED_NETWORKS=10.0.0.0/8,127.0.0.1/32 (a JSON list works too)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [n.strip() for n in text.split(",") if n.strip()]
        return value
