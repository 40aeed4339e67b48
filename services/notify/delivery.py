"""The webhook delivery worker: sends due deliveries, retries with exponential backoff, and
gives up after a set number of tries. Every attempt's outcome is recorded on the delivery."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from dataclasses import KW_ONLY, dataclass, field
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
    """Keeps up to ``webhook_concurrency`` attempts in flight, each on its own: a slow
    receiver holds its own slot only (no attempt waits for another to finish), and a user
    holds at most ``webhook_in_flight_per_user`` slots, so one user's slow receivers never
    queue up everyone else's deliveries."""

    db: Database
    settings: NotifySettings
    _: KW_ONLY
    policy: AddressPolicy
    secrets: SecretBox
    in_flight: dict[asyncio.Task[None], uuid.UUID | None] = field(default_factory=dict)

    async def run(self) -> None:
        # trust_env=False: an HTTP proxy from the environment would bypass the address checks.
        async with httpx.AsyncClient(
            timeout=self.settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
        ) as client:
            try:
                await self.run_rounds(
                    lambda: self.deliver_due(client),
                    batch=self.settings.webhook_concurrency,
                    poll_seconds=self.settings.webhook_poll_seconds,
                    what="webhook",
                )
            finally:  # attempts under way end within their deadline
                await asyncio.gather(*self.in_flight, return_exceptions=True)

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        """Fills the free slots with due deliveries and returns without waiting for them;
        with every slot taken, first waits for one to free. Returns how many it started
        (``webhook_concurrency`` when it filled every slot, so the next round comes at once)."""
        slots = self.settings.webhook_concurrency
        if len(self.in_flight) >= slots:
            await asyncio.wait(set(self.in_flight), return_when=asyncio.FIRST_COMPLETED)
        free = slots - len(self.in_flight)
        if free <= 0:
            return 0
        due = await self.db.call(
            service.claim_due,
            limit=free,
            lease_seconds=self.settings.webhook_timeout_seconds + 30,
            per_user=self.settings.webhook_in_flight_per_user,
            in_flight=Counter(u for u in self.in_flight.values() if u is not None),
        )
        for delivery in due:
            task = asyncio.create_task(self._deliver(client, delivery))
            self.in_flight[task] = delivery.user_id
            task.add_done_callback(self._finished)
        return slots if due and len(due) == free else len(due)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.in_flight.pop(task, None)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.warning("webhook attempt failed: %s", exc)
        self.wake()  # a slot is free

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
