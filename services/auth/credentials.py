"""Password hashing and policy, refresh-token and API-key secrets, signing keys and tokens."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from zxcvbn import zxcvbn

from common.errors import FieldViolation
from common.security import ALGORITHM, AUDIENCE, ISSUER


@dataclass(frozen=True)
class PasswordCost:
    """Argon2id's parameters for new hashes (``AUTH_PASSWORD_HASH_*``). The defaults are
    argon2-cffi's, RFC 9106's low-memory profile: 3 passes over 64 MiB on 4 lanes. A hash
    keeps the parameters it was made with, so a changed cost verifies old hashes still."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


@functools.cache
def _hashing(cost: PasswordCost) -> tuple[PasswordHasher, str]:
    """The hasher of ``cost``, and a hash of a random password it made: verified against
    when the email is unknown, so both paths cost the same."""
    hasher = PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )
    return hasher, hasher.hash(secrets.token_urlsafe(16))


# zxcvbn's score (0-4) a password needs: 3 is "safely unguessable" (about 10^8 guesses or
# more, against the library's lists of common and breached passwords, words, names,
# keyboard patterns, dates and repeats).
MIN_STRENGTH_SCORE = 3
# zxcvbn's own input limit; a longer password is judged by its first 72 characters.
STRENGTH_CHECKED_CHARS = 72
MAX_PASSWORD_CHARS = 256
API_KEY_PREFIX = "syn_"


def canonical_password(password: str) -> str:
    """The form a password is hashed and compared in: NFKC (full-width, ligatures and other
    compatibility forms become their plain letters, so the same password typed on another
    keyboard matches), without format characters (zero-width spaces and joiners, BOMs),
    which nobody can see or reliably type again."""
    normalized = unicodedata.normalize("NFKC", password)
    return "".join(c for c in normalized if unicodedata.category(c) != "Cf")


def hash_password(password: str, cost: PasswordCost = PasswordCost()) -> str:
    return _hashing(cost)[0].hash(canonical_password(password))


def verify_password(
    password_hash: str | None,
    password: str,
    cost: PasswordCost = PasswordCost(),
) -> bool:
    """Whether ``password`` is the one of ``password_hash`` (None: an unknown account, which
    costs a verification all the same, at ``cost``)."""
    hasher, dummy = _hashing(cost)
    try:
        return (
            hasher.verify(password_hash or dummy, canonical_password(password))
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def password_violations(password: str, *, email: str, min_length: int) -> list[FieldViolation]:
    """What is wrong with a new password, judged on what remains once it is canonical and
    its padding (and runs of whitespace) are gone: ``"  qwerty12345\u200b "`` is judged as
    ``qwerty12345``, and refused."""
    if len(password) > MAX_PASSWORD_CHARS:
        return [_violation(f"be at most {MAX_PASSWORD_CHARS} characters")]
    core = " ".join(canonical_password(password).split())
    problems = []
    if any(unicodedata.category(c) == "Cc" for c in core):
        problems.append("have no control characters")
    if len(core) < min_length:
        problems.append(f"be at least {min_length} characters long, not counting spaces around")
    if not any(c.isalpha() for c in core) or not any(c.isdigit() for c in core):
        problems.append("contain a letter and a digit")
    local_part = _alphanumeric(email.split("@", 1)[0])
    if len(local_part) >= 4 and local_part in _alphanumeric(core):
        problems.append("not contain the name of your email")
    if not problems:
        # Spaced out ("q w e r t y 1 2 3") is as guessable as without the spaces.
        strength = min(
            (zxcvbn(text[:STRENGTH_CHECKED_CHARS]) for text in {core, "".join(core.split())}),
            key=lambda result: result["score"],
        )
        if strength["score"] < MIN_STRENGTH_SCORE:
            warning = strength["feedback"].get("warning") or "it is too easy to guess"
            problems.append(f"not be a common or easily guessed password ({warning.rstrip('.')})")
    return [_violation(", ".join(problems))] if problems else []


def _alphanumeric(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _violation(problems: str) -> FieldViolation:
    return FieldViolation("password", "password must " + problems)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_refresh_token() -> tuple[str, str]:
    """Returns (token, its hash); only the hash is stored."""
    token = secrets.token_urlsafe(48)
    return token, sha256(token)


def new_api_key() -> tuple[str, str, str]:
    """Returns (full key, lookup prefix, hash). The key is high-entropy, so SHA-256 suffices."""
    lookup = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
    return key, f"{API_KEY_PREFIX}{lookup}", sha256(key)


def split_api_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    match = re.fullmatch(rf"({API_KEY_PREFIX}[0-9a-f]{{12}})_[A-Za-z0-9_-]{{20,}}", key)
    return match.group(1) if match else None


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_signing_key() -> tuple[str, bytes, dict]:
    """Returns (kid, private key PEM, public JWK)."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    kid = uuid.uuid4().hex
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return kid, pem, jwk


def issue_access_token(
    *, kid: str, private_pem: bytes, user_id: str, role: str, email: str, ttl_seconds: int
) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "role": role,
        "email": email,
        "typ": "access",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
    }
    key = serialization.load_pem_private_key(private_pem, password=None)
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})
