"""Access tokens verified once are trusted from memory until they expire, and not after."""

from __future__ import annotations

import asyncio

import pytest

from common.errors import Unauthenticated
from common.security import JwksCache, TokenAuthenticator
from services.auth.credentials import issue_access_token, new_signing_key


async def no_api_keys(_: str):
    raise AssertionError("no API key expected")


@pytest.fixture
def signer():
    kid, pem, jwk = new_signing_key()
    fetches: list[int] = []

    async def fetch():
        fetches.append(1)
        return [jwk]

    authenticator = TokenAuthenticator(
        jwks=JwksCache(fetch), verify_api_key=no_api_keys, service_token="s" * 32
    )

    def token(user_id: str, ttl_seconds: int = 900) -> str:
        return issue_access_token(
            kid=kid,
            private_pem=pem,
            user_id=user_id,
            role="member",
            email="",
            ttl_seconds=ttl_seconds,
        )

    return authenticator, token


async def test_a_cached_token_is_refused_once_it_expires(signer):
    authenticator, token = signer
    short = token("user-a", ttl_seconds=2)  # valid for 1-2 s: exp is whole seconds
    bearer = {"authorization": f"Bearer {short}"}
    assert (await authenticator.authenticate(bearer, "")).user_id == "user-a"
    assert (await authenticator.authenticate(bearer, "")).user_id == "user-a"  # from the cache

    await asyncio.sleep(2.1)
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.authenticate(bearer, "")
    assert refused.value.reason == "TOKEN_EXPIRED"


async def test_each_token_stands_for_its_own_user_and_forgeries_stay_out(signer):
    authenticator, token = signer
    a, b = token("user-a"), token("user-b")
    assert (await authenticator.authenticate({"authorization": f"Bearer {a}"}, "")).user_id == (
        "user-a"
    )
    assert (await authenticator.authenticate({"authorization": f"Bearer {b}"}, "")).user_id == (
        "user-b"
    )
    # The cached token with another signature: not the cached one, and not valid.
    header, payload, signature = a.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate({"authorization": f"Bearer {forged}"}, "")
