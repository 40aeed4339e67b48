"""Caller authentication shared by every service.

Credentials arrive in gRPC metadata:
- ``authorization: Bearer <jwt>``: a user's access token, verified locally against auth's JWKS;
- ``x-api-key: <key>``: a user's API key, verified by auth (remembered for a few seconds,
  and forgotten at once when it is revoked or its user disabled: common/revocations.py);
- ``x-service-token: <secret>``: another Synthetica service, optionally acting for a user
  named by ``x-on-behalf-of`` (and ``x-on-behalf-of-role``).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable
from typing import Any

import jwt
from jwt import PyJWK

from common.context import Principal
from common.errors import Unauthenticated

ISSUER = "synthetica-auth"
AUDIENCE = "synthetica"
ALGORITHM = "EdDSA"
# Verified access tokens and API keys kept per process (the caches are emptied when full).
MAX_CACHED_CREDENTIALS = 10_000

JwksFetcher = Callable[[], Awaitable[list[dict[str, Any]]]]
ApiKeyVerifier = Callable[[str], Awaitable[Principal]]


class JwksCache:
    """Public keys by kid, refreshed when an unknown kid shows up (at most every few seconds)."""

    def __init__(self, fetch: JwksFetcher, *, min_refresh_seconds: float = 5.0) -> None:
        self._fetch = fetch
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._min_refresh = min_refresh_seconds
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> Any | None:
        if kid not in self._keys:
            async with self._lock:
                if (
                    kid not in self._keys
                    and time.monotonic() - self._fetched_at >= self._min_refresh
                ):
                    await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        jwks = await self._fetch()
        self._keys = {k["kid"]: PyJWK(k, algorithm=ALGORITHM).key for k in jwks}
        self._fetched_at = time.monotonic()


async def verify_access_token(token: str, keys: JwksCache) -> dict[str, Any]:
    """Returns the claims of a valid access token; raises Unauthenticated otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthenticated("malformed access token", reason="INVALID_TOKEN") from exc
    if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
        raise Unauthenticated("unsupported token algorithm", reason="INVALID_TOKEN")
    key = await keys.get(header["kid"])
    if key is None:
        raise Unauthenticated("access token signed by an unknown key", reason="INVALID_TOKEN")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("access token expired", reason="TOKEN_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid access token", reason="INVALID_TOKEN") from exc
    if claims.get("typ") != "access":
        raise Unauthenticated("not an access token", reason="INVALID_TOKEN")
    return claims


class _Remembered:
    """Principals by credential until a deadline on ``clock``; emptied when full."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._items: dict[str, tuple[float, Principal]] = {}

    def get(self, credential: str) -> Principal | None:
        item = self._items.get(credential)
        return item[1] if item is not None and self.clock() < item[0] else None

    def put(self, credential: str, until: float, principal: Principal) -> None:
        if len(self._items) >= MAX_CACHED_CREDENTIALS:
            self._items.clear()
        self._items[credential] = (until, principal)

    def discard(self, matches: Callable[[str, Principal], bool]) -> int:
        """Forgets every credential ``matches`` picks; returns how many."""
        gone = [key for key, (_, principal) in self._items.items() if matches(key, principal)]
        for key in gone:
            del self._items[key]
        return len(gone)


class TokenAuthenticator:
    """Resolves the caller from metadata (see the module docstring)."""

    def __init__(
        self,
        *,
        jwks: JwksCache,
        verify_api_key: ApiKeyVerifier,
        service_token: str,
        api_key_cache_seconds: float = 5.0,
    ) -> None:
        self.jwks = jwks
        self._verify_api_key = verify_api_key
        self._service_token = service_token.encode()
        self._api_key_ttl = api_key_cache_seconds
        self._api_keys = _Remembered(time.monotonic)
        # Access tokens verified before, until their ``exp`` (a wall-clock time).
        self._tokens = _Remembered(time.time)

    async def authenticate(self, metadata: dict[str, str], peer: str) -> Principal:
        authorization = metadata.get("authorization", "")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise Unauthenticated("authorization must be 'Bearer <token>'")
            return await self._token_principal(token.strip(), authorization)
        api_key = metadata.get("x-api-key", "")
        if api_key:
            return await self._api_key_principal(api_key)
        service_token = metadata.get("x-service-token", "")
        if service_token:
            if not hmac.compare_digest(service_token.encode(), self._service_token):
                raise Unauthenticated("invalid service token")
            return Principal(
                user_id=metadata.get("x-on-behalf-of", ""),
                role=metadata.get("x-on-behalf-of-role", "member")
                if metadata.get("x-on-behalf-of")
                else "",
                service=metadata.get("x-service-name", "service"),
                via="service",
            )
        raise Unauthenticated("credentials required")

    async def _token_principal(self, token: str, authorization: str) -> Principal:
        """A token verified once is trusted again until its ``exp``, without decoding and
        checking its signature on every call (a tenth of a simple read's cost here, measured
        with bench/bench_query.py). Tokens are valid until they expire anyway (see the docs:
        a disabled user's access token is not revoked), so this changes nothing for them."""
        cached = self._tokens.get(token)
        if cached is not None:
            return cached
        claims = await verify_access_token(token, self.jwks)
        principal = Principal(
            user_id=claims["sub"],
            role=str(claims.get("role", "member")),
            email=str(claims.get("email", "")),
            via="token",
            credentials={"authorization": authorization},
        )
        self._tokens.put(token, float(claims["exp"]), principal)
        return principal

    def forget_api_keys(self, *, prefix: str = "", user_id: str = "") -> int:
        """Forgets remembered API keys: the one with this lookup prefix (revoked), or every
        key of this user (disabled). Returns how many were forgotten."""
        if prefix:
            return self._api_keys.discard(lambda key, _: key.startswith(prefix + "_"))
        if user_id:
            return self._api_keys.discard(lambda _, principal: principal.user_id == user_id)
        return 0

    async def _api_key_principal(self, api_key: str) -> Principal:
        cached = self._api_keys.get(api_key)
        if cached is not None:
            return cached
        asked = self._api_keys.clock()
        principal = await self._verify_api_key(api_key)
        principal = Principal(
            user_id=principal.user_id,
            role=principal.role,
            email=principal.email,
            via="api_key",
            credentials={"x-api-key": api_key},
        )
        self._api_keys.put(api_key, asked + self._api_key_ttl, principal)
        return principal
