"""Password hashing and policy, refresh-token and API-key secrets, signing keys and tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from common.errors import FieldViolation
from common.security import ALGORITHM, AUDIENCE, ISSUER

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

_COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passw0rd",
        "123456789",
        "1234567890",
        "qwertyuiop",
        "iloveyou1",
        "letmein123",
        "welcome123",
        "admin12345",
        "abc1234567",
        "qwerty1234",
        "1q2w3e4r5t",
        "football1",
        "baseball1",
        "sunshine1",
        "princess1",
    }
)
API_KEY_PREFIX = "syn_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_violations(password: str, *, email: str, min_length: int) -> list[FieldViolation]:
    problems = []
    if len(password) < min_length:
        problems.append(f"at least {min_length} characters")
    if len(password) > 256:
        problems.append("at most 256 characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("at least one letter and one digit")
    local_part = email.split("@", 1)[0].lower()
    if password.lower() in _COMMON_PASSWORDS or (
        len(local_part) >= 4 and local_part in password.lower()
    ):
        problems.append("not a common password or one containing the email")
    if not problems:
        return []
    return [FieldViolation("password", "password must have " + ", ".join(problems))]


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
