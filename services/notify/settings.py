from __future__ import annotations

from pydantic import Field, SecretStr

from common.settings import CommaList, ServiceSettings


class NotifySettings(ServiceSettings):
    service_prefix = "NOTIFY_"

    grpc_port: int = 25055
    # Durable consumer of the EVENTS stream; one name per deployment so replicas share work.
    consumer_name: str = "notify"
    event_max_deliver: int = 20
    # Webhook delivery: tries before giving up, and the exponential backoff between them.
    webhook_max_attempts: int = 6
    webhook_backoff_seconds: float = 5.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_timeout_seconds: float = 10.0
    webhook_concurrency: int = 8
    # Of those, how many one user's deliveries may take (their receivers may all be slow).
    webhook_in_flight_per_user: int = 2
    webhook_poll_seconds: float = 1.0
    webhook_deliveries_shown: int = 50
    webhook_max_per_user: int = 20
    # Webhook targets must resolve to public addresses; these networks (CIDRs) are allowed
    # although private, e.g. ["10.20.0.0/16"] for an internal receiver, or 127.0.0.0/8 in tests.
    webhook_allowed_networks: CommaList = Field(default_factory=list)
    # Key that encrypts webhook secrets at rest; derived from the service token when unset.
    secret_key: SecretStr | None = None
