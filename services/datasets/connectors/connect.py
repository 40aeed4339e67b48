"""Connecting to a connection's database at the address that was checked, and the errors a
person can act on when that fails.

The host is resolved and checked once (``common.addresses``); the driver then connects to
that address (libpq's ``hostaddr``; other drivers get the address as their host), so a DNS
answer that changes afterwards cannot redirect it, while libpq still checks TLS against the
host name. libpq is kept from reading the server's own password file or PGPASSWORD.
Messages never hold the password, a stack trace or the server's own words beyond a name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg2.extensions
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from common.addresses import AddressPolicy, AddressRefused, IPAddress
from common.errors import FailedPrecondition
from services.datasets.enums import ConnectionErrorCode as Code

log = logging.getLogger(__name__)


class ConnectFailed(FailedPrecondition):
    """The database could not be reached; ``reason`` is a ConnectionError code."""


@dataclass(frozen=True)
class Target:
    url: sa.URL
    address: IPAddress
    timeout_seconds: int


async def check_address(policy: AddressPolicy, url: sa.URL, timeout_seconds: int) -> Target:
    try:
        address = await policy.check_host(url.host or "", url.port or 0)
    except AddressRefused as exc:
        raise ConnectFailed(str(exc), reason=Code.ADDRESS_REFUSED) from exc
    return Target(url, address, timeout_seconds)


def _bounded_connection(connect_seconds: int, statement_seconds: int) -> type:
    """psycopg2 connections whose waits common.db's wait callback bounds (in a process that
    set it, libpq's own connect_timeout is not applied)."""
    return type(
        "ConnectorConnection",
        (psycopg2.extensions.connection,),
        {"connect_wait": float(connect_seconds), "statement_wait": statement_seconds + 1.0},
    )


def engine(target: Target, statement_seconds: int = 60) -> sa.Engine:
    """An engine of one connection at a time to the checked address (no pool kept)."""
    url = target.url
    timeout = max(2, target.timeout_seconds)
    args: dict[str, object] = {"connect_timeout": timeout}
    if url.get_backend_name() == "postgresql":
        args |= {"hostaddr": str(target.address), "passfile": "/dev/null"}
        args["password"] = url.password or ""
        args["connection_factory"] = _bounded_connection(timeout, statement_seconds)
    else:
        url = url.set(host=str(target.address))
    return sa.create_engine(url, poolclass=NullPool, connect_args=args)


def classify(exc: BaseException, target: Target) -> ConnectFailed:
    """The error of a failed connection, in words a person can act on."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    url = target.url
    where = f"{url.host}:{url.port}"
    if (
        "password authentication failed" in text
        or "authentication failed" in text
        or "no pg_hba.conf entry" in text
        or ("role" in text and "does not exist" in text)
    ):
        code, message = Code.AUTH_FAILED, "the database refused the user name or password"
    elif "database" in text and "does not exist" in text:
        code, message = Code.DATABASE_NOT_FOUND, f"the server has no database {url.database!r}"
    elif "timeout" in text or "timed out" in text or "did not connect within" in text:
        seconds = target.timeout_seconds
        code, message = Code.TIMEOUT, f"{where} did not answer within {seconds} seconds"
    elif "refused" in text or "no route" in text or "unreachable" in text:
        code, message = Code.UNREACHABLE, f"nothing accepts connections at {where}"
    else:
        log.info("connecting to %s failed: %s", where, type(exc).__name__)
        code, message = Code.CONNECT_FAILED, f"could not connect to the database at {where}"
    return ConnectFailed(message, reason=code)


def probe(target: Target) -> None:
    """Connects once and runs ``SELECT 1``; raises ConnectFailed."""
    db = engine(target)
    try:
        with db.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        raise classify(exc, target) from None
    finally:
        db.dispose()


def server_message(exc: BaseException) -> str:
    """The database's own one-line message (``permission denied for table t``), without the
    query, its context or a stack trace."""
    orig = getattr(exc, "orig", exc)
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    return primary or "the database refused the statement"
