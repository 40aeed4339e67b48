"""How many live subscriptions (jobUpdates, notifications) one websocket and one user may
hold open in this gateway at once.

Each live subscription costs the gateway a task, a queue or a server stream to a service, and
its share of every fan-out: 2,000 of them on one socket took 8 s of gateway CPU. The counts
are per gateway process (replicas each keep their own), like the upload slots
(gateway/upload_slots.py). A slot is taken when a subscription starts, before any service is
asked, and given back when it ends however it ends: completed by the client, ended by the
server (a finished job), refused later, or its socket closed without a word. The one over a
cap gets an error (``RATE_LIMITED``, reason ``TOO_MANY_SUBSCRIPTIONS``) on its own operation;
the connection and the others on it go on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from gateway.errors import ApiError
from gateway.per_user import PerUser

# Queries and mutations sent over a websocket count towards Strawberry's own limit of
# operations in flight per connection; it is set this much above the subscriptions' cap, so
# that the subscriptions' own, readable refusal comes first.
OTHER_OPERATIONS_IN_FLIGHT = 20


class Connection:
    """One websocket's count (the context of a websocket lives as long as the socket)."""

    def __init__(self) -> None:
        self.open = 0


class SubscriptionSlots:
    def __init__(self, per_connection: int, per_user: int) -> None:
        self.per_connection = per_connection
        self.per_user = per_user
        self._held = PerUser(per_user)

    @asynccontextmanager
    async def hold(self, connection: Connection, user_id: str) -> AsyncIterator[None]:
        """A slot of ``connection`` and of ``user_id`` for the ``async with`` block; raises
        ApiError ``RATE_LIMITED`` when either has none free. Nothing is awaited between the
        check and the taking."""
        if connection.open >= self.per_connection:
            raise _refused(
                f"at most {self.per_connection} live subscriptions per connection: complete"
                " one first, or open another connection"
            )
        if self._held.full(user_id):
            raise _refused(
                f"at most {self.per_user} live subscriptions per user at once: complete one first"
            )
        connection.open += 1
        try:
            with self._held.taken(user_id):
                yield
        finally:
            connection.open -= 1


def _refused(message: str) -> ApiError:
    return ApiError(message, code="RATE_LIMITED", reason="TOO_MANY_SUBSCRIPTIONS")
