"""How many uploads one user may have streaming into this gateway at once.

Both upload doors hold the body somewhere while it arrives: GraphQL's multipart parser and
a zip posted to ``/upload/datasets`` spool it to the gateway's disk, and a plain body keeps an
ingestion slot of the datasets service busy. Each upload is held to its size limit, but
without a count one account could open a hundred 2 GiB uploads at once, fill the disk and
queue everybody else's ingestion behind its own. The count is per gateway process (replicas
each keep their own), taken once auth has accepted the caller and before a byte of the body
is read, and given back when the request ends, however it ends.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from common.clients import Metadata
from common.context import Principal
from common.errors import Unauthenticated
from gateway.per_user import PerUser

log = logging.getLogger(__name__)

# Who the credentials are; raises Unauthenticated unless auth accepts them.
Authenticate = Callable[[Metadata], Awaitable[Principal]]


class UploadRefused(Exception):
    """Why an upload is answered before a byte of its body is read; each door writes it in
    its own error shape."""

    def __init__(self, status: int, code: str, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        # What both doors' error shapes carry beside the code and message.
        self.extensions = {"reason": reason} if reason else {}


class UploadSlots:
    def __init__(self, per_user: int, authenticate: Authenticate) -> None:
        self.per_user = per_user
        self.authenticate = authenticate
        self._held = PerUser(per_user)

    @asynccontextmanager
    async def hold(self, credentials: Metadata) -> AsyncIterator[Principal]:
        """One of the caller's slots for the ``async with`` block. UploadRefused: 401 for
        missing or refused credentials, 503 when auth cannot be asked, 429
        ``TOO_MANY_UPLOADS`` when the caller has no slot free. Between auth's answer and
        taking the slot there is no await, so two requests cannot both take the last one."""
        try:
            caller = await self.authenticate(credentials)
        except Unauthenticated as exc:
            raise UploadRefused(401, "UNAUTHENTICATED", f"uploads need credentials: {exc}") from exc
        except Exception as exc:  # auth unreachable: refuse rather than spool for anyone
            log.warning("could not authenticate an upload: %s", exc)
            raise UploadRefused(503, "SERVICE_UNAVAILABLE", "authentication unavailable") from exc
        if self._held.full(caller.user_id):
            raise UploadRefused(
                429,
                "RATE_LIMITED",
                f"at most {self.per_user} uploads at once per user: wait for one to finish,"
                " then try again",
                reason="TOO_MANY_UPLOADS",
            )
        with self._held.taken(caller.user_id):
            yield caller
