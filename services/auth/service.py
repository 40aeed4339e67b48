"""Auth domain logic. Every function takes the session as a keyword and runs in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from common.events import new_event
from common.ids import parse_id
from common.outbox import enqueue
from common.pagination import paginate
from services.auth import credentials, limits
from services.auth.models import ApiKey, RefreshToken, SigningKey, User, outbox
from services.auth.settings import AuthSettings
from synthetica.events.v1 import events_pb2

ADMIN = "admin"
MEMBER = "member"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_email(email: str) -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidArgument(f"invalid email: {exc}", field="email") from exc
    return result.normalized.lower()


def register(
    *,
    session: Session,
    settings: AuthSettings,
    email: str,
    password: str,
    display_name: str = "",
    organization: str = "",
) -> tuple[User, Tokens]:
    email = normalize_email(email)
    violations = credentials.password_violations(
        password, email=email, min_length=settings.password_min_length
    )
    if violations:
        raise InvalidArgument(violations[0].description, violations=violations)
    # Serialises registrations so exactly one first user becomes admin.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('auth.register'))"))
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AlreadyExists("an account with this email already exists", reason="EMAIL_TAKEN")
    is_first = session.scalar(select(func.count()).select_from(User)) == 0
    admin_emails = {e.strip().lower() for e in settings.admin_emails}
    user = User(
        email=email,
        password_hash=credentials.hash_password(password, settings.password_cost),
        role=ADMIN if is_first or email in admin_emails else MEMBER,
        display_name=display_name.strip()[:200],
        organization=organization.strip()[:200],
    )
    session.add(user)
    session.flush()
    enqueue(
        session,
        outbox,
        new_event(
            events_pb2.UserRegistered(user_id=str(user.id), email=user.email, role=user.role),
            user_id=str(user.id),
        ),
    )
    return user, _issue_tokens(session, settings, user, family_id=uuid.uuid4())


def login(
    *, session: Session, settings: AuthSettings, email: str, password: str, client: str
) -> tuple[User, Tokens]:
    """Checks the password of an attempt already recorded (limits.record_login_attempt, in a
    transaction of its own): a wrong one leaves the attempt counted as a failure."""
    email = limits.login_key(email)
    user = session.scalar(select(User).where(User.email == email))
    if not credentials.verify_password(
        user.password_hash if user else None, password, settings.password_cost
    ):
        raise Unauthenticated("invalid email or password", reason="INVALID_CREDENTIALS")
    assert user is not None
    limits.login_succeeded(session, settings, email=email, client=client)
    if user.disabled:
        session.commit()  # the right password still clears this client's failures
        raise PermissionDenied("this account is disabled", reason="ACCOUNT_DISABLED")
    return user, _issue_tokens(session, settings, user, family_id=uuid.uuid4())


# At most this many tokens are issued for one refresh token (its first rotation and the
# rotations of its grace window), so replays within the window cannot pile up rows.
MAX_ROTATIONS_PER_TOKEN = 5


def refresh(*, session: Session, settings: AuthSettings, refresh_token: str) -> Tokens:
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == credentials.sha256(refresh_token))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("invalid refresh token", reason="INVALID_REFRESH_TOKEN")
    # Renewals of one login take turns, so two of them cannot both see a rotation unused.
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:family, 0))"),
        {"family": str(row.family_id)},
    )
    session.refresh(row)
    if row.revoked_at is not None:
        raise Unauthenticated("invalid refresh token", reason="INVALID_REFRESH_TOKEN")
    if not _may_rotate(session, settings, row):
        _revoke_family(session, row.family_id)
        session.commit()  # the revocation must stick although the call fails
        raise Unauthenticated(
            "refresh token reuse detected: every session of this login was revoked",
            reason="REFRESH_TOKEN_REUSED",
        )
    if row.expires_at <= _now():
        raise Unauthenticated("refresh token expired", reason="REFRESH_TOKEN_EXPIRED")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise PermissionDenied("this account is disabled", reason="ACCOUNT_DISABLED")
    if row.used_at is None:
        row.used_at = _now()
    return _issue_tokens(session, settings, user, family_id=row.family_id, parent_id=row.id)


def _may_rotate(session: Session, settings: AuthSettings, row: RefreshToken) -> bool:
    """Whether the token may be traded (again) rather than be taken for a stolen one.

    A token is traded once. Within the grace window after that, it may be traded again as
    long as no token it was traded for has been used: the client that lost the answer gets a
    new token, and the tokens of that rotation stay siblings of which only the first used
    lives on. Outside the window, after a sibling or a successor was used, or past
    MAX_ROTATIONS_PER_TOKEN, the login is revoked (theft detection)."""
    if row.parent_id is not None and _used_children(session, row.parent_id, besides=row.id):
        return False  # a sibling from the same rotation carries the login on
    if row.used_at is None:
        return True
    grace = timedelta(seconds=settings.refresh_reuse_grace_seconds)
    if _now() - row.used_at > grace:
        return False
    children = session.scalars(select(RefreshToken).where(RefreshToken.parent_id == row.id))
    issued = list(children)
    return len(issued) < MAX_ROTATIONS_PER_TOKEN and all(c.used_at is None for c in issued)


def _used_children(session: Session, parent_id: uuid.UUID, *, besides: uuid.UUID) -> bool:
    used = select(RefreshToken.id).where(
        RefreshToken.parent_id == parent_id,
        RefreshToken.id != besides,
        RefreshToken.used_at.is_not(None),
    )
    return session.scalar(used.limit(1)) is not None


def logout(*, session: Session, refresh_token: str) -> None:
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == credentials.sha256(refresh_token))
    )
    if row is not None:
        _revoke_family(session, row.family_id)


def _revoke_family(session: Session, family_id: uuid.UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def _issue_tokens(
    session: Session,
    settings: AuthSettings,
    user: User,
    *,
    family_id: uuid.UUID,
    parent_id: uuid.UUID | None = None,
) -> Tokens:
    key = active_signing_key(session)
    access = credentials.issue_access_token(
        kid=key.kid,
        private_pem=key.private_key,
        user_id=str(user.id),
        role=user.role,
        email=user.email,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    token, token_hash = credentials.new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            parent_id=parent_id,
            token_hash=token_hash,
            expires_at=_now() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    return Tokens(
        access_token=access,
        refresh_token=token,
        expires_in=settings.access_token_ttl_seconds,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
    )


def active_signing_key(session: Session) -> SigningKey:
    query = (
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc())
    )
    key = session.scalars(query.limit(1)).first()
    if key is not None:
        return key
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('auth.signing_key'))"))
    key = session.scalars(query.limit(1)).first()
    if key is None:
        kid, pem, jwk = credentials.new_signing_key()
        key = SigningKey(kid=kid, private_key=pem, public_jwk=jwk)
        session.add(key)
        session.flush()
    return key


def public_jwks(*, session: Session) -> list[dict]:
    """Public keys of every key not retired, so tokens signed before a rotation still verify."""
    active_signing_key(session)
    keys = session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)))
    return [dict(k.public_jwk) for k in keys]


def get_user(*, session: Session, user_id: str) -> User:
    user = session.get(User, parse_id(user_id, "user_id"))
    if user is None:
        raise NotFound("user not found")
    return user


def get_active_user(*, session: Session, user_id: str) -> User:
    user = get_user(session=session, user_id=user_id)
    if user.disabled:
        raise PermissionDenied("this account is disabled", reason="ACCOUNT_DISABLED")
    return user


def update_profile(
    *,
    session: Session,
    user_id: str,
    display_name: str | None = None,
    organization: str | None = None,
    bio: str | None = None,
) -> User:
    user = get_active_user(session=session, user_id=user_id)
    for field, value, limit in (
        ("display_name", display_name, 200),
        ("organization", organization, 200),
        ("bio", bio, 2000),
    ):
        if value is None:
            continue
        if len(value) > limit:
            raise InvalidArgument(f"{field} must be at most {limit} characters", field=field)
        setattr(user, field, value.strip())
    user.updated_at = _now()
    return user


def create_api_key(
    *, session: Session, user_id: str, name: str, expires_in_days: int = 0
) -> tuple[ApiKey, str]:
    user = get_active_user(session=session, user_id=user_id)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidArgument("name must be 1 to 200 characters", field="name")
    if expires_in_days < 0 or expires_in_days > 3650:
        raise InvalidArgument("expires_in_days must be 0 to 3650", field="expires_in_days")
    secret, prefix, key_hash = credentials.new_api_key()
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        key_hash=key_hash,
        expires_at=_now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(key)
    session.flush()
    return key, secret


def list_api_keys(
    *, session: Session, user_id: str, page_size: int, page_token: str
) -> tuple[list[ApiKey], str]:
    query = select(ApiKey).where(ApiKey.user_id == parse_id(user_id, "user_id"))
    return paginate(session, query, page_size=page_size, page_token=page_token)


def revoke_api_key(*, session: Session, user_id: str, api_key_id: str) -> ApiKey:
    key = session.get(ApiKey, parse_id(api_key_id, "api_key_id"))
    if key is None or str(key.user_id) != user_id:
        raise NotFound("API key not found")
    if key.revoked_at is None:
        key.revoked_at = _now()
        # Every process that remembers the key forgets it (common/revocations.py).
        enqueue(
            session,
            outbox,
            new_event(
                events_pb2.ApiKeyRevoked(
                    api_key_id=str(key.id), user_id=user_id, prefix=key.prefix
                ),
                user_id=user_id,
            ),
        )
    return key


def verify_api_key(*, session: Session, key: str) -> User:
    prefix = credentials.split_api_key(key)
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    if row is None or not credentials.same_hash(row.key_hash, credentials.sha256(key)):
        raise Unauthenticated("invalid API key", reason="INVALID_API_KEY")
    if row.revoked_at is not None:
        raise Unauthenticated("this API key was revoked", reason="API_KEY_REVOKED")
    if row.expires_at is not None and row.expires_at <= _now():
        raise Unauthenticated("this API key has expired", reason="API_KEY_EXPIRED")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise Unauthenticated("this account is disabled", reason="ACCOUNT_DISABLED")
    row.last_used_at = _now()
    return user


def lookup_users(*, session: Session, user_ids: list[str], emails: list[str]) -> list[User]:
    ids = [parse_id(u, "user_ids") for u in user_ids]
    lowered = [e.strip().lower() for e in emails]
    if not ids and not lowered:
        return []
    query = select(User).where((User.id.in_(ids)) | (User.email.in_(lowered)))
    return list(session.scalars(query))


def list_users(*, session: Session, page_size: int, page_token: str) -> tuple[list[User], str]:
    return paginate(session, select(User), page_size=page_size, page_token=page_token)


def set_user_disabled(*, session: Session, actor_id: str, user_id: str, disabled: bool) -> User:
    if actor_id == user_id and disabled:
        raise FailedPrecondition("an admin cannot disable their own account")
    user = get_user(session=session, user_id=user_id)
    if disabled and not user.disabled:
        enqueue(
            session,
            outbox,
            new_event(events_pb2.UserDisabled(user_id=user_id), user_id=user_id),
        )
    user.disabled = disabled
    user.updated_at = _now()
    if disabled:
        session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return user
