"""Rate limits on login and registration, decided in PostgreSQL so every replica agrees.

Login. An attempt is *recorded before its password is checked*, in a transaction of its own
that holds advisory locks on the account and on the client, so concurrent attempts queue
and each sees those before it: at most the free count of passwords is ever checked, however
many arrive at once. A right password removes its attempt; what stays is failures.

Three counts over a sliding window, each free up to a number of failures, after which every
attempt must wait ``base * 2^(failures - free)`` seconds after the last failure (capped):

- account and client together: someone at one address guessing one account;
- the account alone, but only for addresses the account has *not* signed in from lately
  (a known address is never held back by failures from elsewhere): a guess from many
  addresses. An attacker therefore cannot lock the owner out from anywhere, and never
  locks anything for good: the delay passes;
- the client alone: one address trying many accounts.

Clients are addresses: the gateway's forwarded address, or the gRPC peer without its port
(a new connection is not a new client); an IPv6 client is its /64, which one end user owns
as a whole.

Registration: at most ``register_max_per_client`` per client address per window, answered or
refused alike, so that neither "email taken" nor account creation can be used in bulk.
"""

from __future__ import annotations

import ipaddress
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from common.errors import ResourceExhausted
from common.windows import refuse_past_limit
from services.auth.models import KnownClient, LoginFailure, RateEvent
from services.auth.settings import AuthSettings

REGISTER = "register"
MAX_KEY_CHARS = 200
MAX_EMAIL_CHARS = 320


def _now() -> datetime:
    return datetime.now(UTC)


def client_key(address: str) -> str:
    """What the limits count as one client: an IPv4 address, an IPv6 /64, or (for anything
    that is not an address) the text itself, bounded."""
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip()[:MAX_KEY_CHARS] or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def login_key(email: str) -> str:
    return email.strip().lower()[:MAX_EMAIL_CHARS]


def required_wait(
    failures: int, last: datetime | None, *, free: int, settings: AuthSettings, now: datetime
) -> float:
    """Seconds still to wait before the next attempt (0: go ahead)."""
    if failures < free or last is None:
        return 0.0
    delay = min(
        settings.login_max_delay_seconds,
        settings.login_delay_base_seconds * 2 ** min(failures - free, 32),
    )
    return max(0.0, delay - (now - last).total_seconds())


def _lock(session: Session, *keys: str) -> None:
    """Transaction-scoped advisory locks, always taken in the order given (account, then
    client), so two attempts never wait on each other in a cycle."""
    for key in keys:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


def record_login_attempt(
    *, session: Session, settings: AuthSettings, email: str, client: str
) -> uuid.UUID:
    """Checks the three limits and records the attempt; raises ResourceExhausted (with the
    delay to wait) instead when one of them holds it back."""
    email, now = login_key(email), _now()
    _lock(session, f"login account {email}", f"login client {client}")
    since = now - timedelta(seconds=settings.login_window_seconds)
    known_since = now - timedelta(days=settings.login_known_client_days)
    known = session.scalar(
        select(KnownClient.email).where(
            KnownClient.email == email,
            KnownClient.client == client,
            KnownClient.last_success_at > known_since,
        )
    )
    per_account = settings.login_max_failures_per_account
    checks: list[tuple[ColumnElement[bool], int]] = [
        ((LoginFailure.email == email) & (LoginFailure.client == client), per_account),
        (LoginFailure.client == client, settings.login_max_failures_per_client),
    ]
    if known is None:
        checks.append((LoginFailure.email == email, per_account))
    wait = 0.0
    for condition, free in checks:
        failures, last = session.execute(
            select(func.count(), func.max(LoginFailure.created_at)).where(
                condition, LoginFailure.created_at > since
            )
        ).one()
        wait = max(wait, required_wait(failures, last, free=free, settings=settings, now=now))
    if wait > 0:
        raise ResourceExhausted(
            f"too many failed logins; try again in {int(wait) + 1} seconds",
            reason="LOGIN_RATE_LIMITED",
            retry_after_seconds=wait,
        )
    attempt = LoginFailure(email=email, client=client, created_at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def login_succeeded(session: Session, settings: AuthSettings, *, email: str, client: str) -> None:
    """The right password: this client's attempts on the account are forgotten and the
    address becomes one the account is known to sign in from."""
    email = login_key(email)
    session.execute(
        delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.client == client)
    )
    session.execute(
        insert(KnownClient)
        .values(email=email, client=client, last_success_at=_now())
        .on_conflict_do_update(
            index_elements=[KnownClient.email, KnownClient.client],
            set_={"last_success_at": _now()},
        )
    )


def record_registration(*, session: Session, settings: AuthSettings, client: str) -> None:
    """Counts a registration attempt from ``client``; raises ResourceExhausted past the
    limit (the attempt is then not counted)."""
    now = _now()
    _lock(session, f"register client {client}")
    refuse_past_limit(
        session,
        RateEvent.created_at,
        RateEvent.kind == REGISTER,
        RateEvent.key == client,
        limit=settings.register_max_per_client,
        window_seconds=settings.register_window_seconds,
        now=now,
        message="too many registrations from this address; try again later",
        reason="REGISTER_RATE_LIMITED",
    )
    session.add(RateEvent(kind=REGISTER, key=client, created_at=now))
