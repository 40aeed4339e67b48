"""The webhook delivery worker: sends due deliveries, retries with exponential backoff, and
gives up after a set number of tries. Every attempt's outcome is recorded on the delivery."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta

import httpx

from common.addresses import AddressPolicy, SecretBox
from common.db import Database
from common.polling import Poller
from services.notify import service, webhooks
from services.notify.settings import NotifySettings

log = logging.getLogger(__name__)


def backoff(settings: NotifySettings, attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: base, 2 x base, 4 x base, ..."""
    delay = settings.webhook_backoff_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(delay, settings.webhook_backoff_max_seconds))


@dataclass(eq=False)
class DeliveryWorker(Poller):
    db: Database
    settings: NotifySettings
    _: KW_ONLY
    policy: AddressPolicy
    secrets: SecretBox

    async def run(self) -> None:
        # trust_env=False: an HTTP proxy from the environment would bypass the address checks.
        async with httpx.AsyncClient(
            timeout=self.settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
        ) as client:
            await self.run_rounds(
                lambda: self.deliver_due(client),
                batch=self.settings.webhook_concurrency,
                poll_seconds=self.settings.webhook_poll_seconds,
                what="webhook",
            )

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        due = await self.db.call(
            service.claim_due,
            limit=self.settings.webhook_concurrency,
            lease_seconds=self.settings.webhook_timeout_seconds + 30,
        )
        await asyncio.gather(*(self._deliver(client, d) for d in due))
        return len(due)

    async def _deliver(self, client: httpx.AsyncClient, due: service.DueDelivery) -> None:
        outcome = await webhooks.post(
            client,
            self.policy,
            url=due.url,
            secret=self.secrets.open(due.secret_encrypted),
            body=due.payload,
            delivery_id=str(due.id),
            event_type=due.event_type,
            deadline_seconds=self.settings.webhook_timeout_seconds,
        )
        attempts = due.attempts + 1
        await self.db.call(
            service.record_attempt,
            delivery_id=due.id,
            lease_until=due.lease_until,
            ok=outcome.ok,
            response_status=outcome.response_status,
            error=outcome.error,
            give_up=outcome.permanent or attempts >= self.settings.webhook_max_attempts,
            retry_in=backoff(self.settings, attempts),
        )
