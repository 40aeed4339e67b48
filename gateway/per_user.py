"""A count of what each user holds open in this gateway (uploads, live subscriptions), with
its cap: the one piece both the upload slots and the subscription slots count with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class PerUser:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._held: Counter[str] = Counter()

    def full(self, user_id: str) -> bool:
        """Whether ``user_id`` holds ``cap`` already."""
        return self._held[user_id] >= self.cap

    @contextmanager
    def taken(self, user_id: str) -> Iterator[None]:
        """One more held by ``user_id`` for the ``with`` block, given back however it ends
        (a user holding none is forgotten)."""
        self._held[user_id] += 1
        try:
            yield
        finally:
            self._held[user_id] -= 1
            if self._held[user_id] <= 0:
                del self._held[user_id]
