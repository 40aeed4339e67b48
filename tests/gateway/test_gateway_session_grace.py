"""A renewal whose answer never reached the browser (a reload, a dropped connection) does not
sign the user out: the dashboard's cookie session (/session/*) over real HTTP, against the
auth service on real PostgreSQL. The refresh cookie turns over on every renewal; the used
one sent again within AUTH_REFRESH_REUSE_GRACE_SECONDS of its rotation, before any token of
that rotation was used, is rotated again. Otherwise a used token ends the whole login."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import PASSWORD, start_auth, start_gateway, unique_email


@pytest.fixture(scope="module")
async def gateways(
    database_url, nats_url, service_token, tmp_path_factory
) -> AsyncIterator[dict[int, str]]:
    """Gateways over auth services with a grace window of 30 s (the default), 1 s and 0 (off)."""
    servers = {
        grace: await start_auth(
            database_url=database_url,
            nats_url=nats_url,
            service_token=service_token,
            storage_url=str(tmp_path_factory.mktemp("storage")),
            refresh_reuse_grace_seconds=grace,
        )
        for grace in (30, 1, 0)
    }
    try:
        async with (
            start_gateway(servers[30], service_token=service_token) as default,
            start_gateway(servers[1], service_token=service_token) as short,
            start_gateway(servers[0], service_token=service_token) as off,
        ):
            yield {30: default, 1: short, 0: off}
    finally:
        for server in servers.values():
            await server.stop(0)


class Browser:
    """One browser's cookies, set by hand: the test decides which refresh cookie it holds."""

    def __init__(self, client: httpx.AsyncClient, csrf: str, refresh: str) -> None:
        self.client, self.csrf, self.refresh_cookie = client, csrf, refresh

    async def renew(self, refresh: str | None = None) -> httpx.Response:
        """POST /session/refresh with ``refresh`` (the cookie held); keeps the new cookie."""
        sent = refresh or self.refresh_cookie
        response = await self.client.post(
            "/session/refresh",
            headers={
                "x-csrf-token": self.csrf,
                "cookie": f"syn_csrf={self.csrf}; syn_refresh={sent}",
            },
        )
        self.client.cookies.clear()  # the next request names its cookies again
        if response.status_code == 200:
            self.refresh_cookie = response.cookies["syn_refresh"]
        return response

    async def me(self, access_token: str) -> str | None:
        response = await self.client.post(
            "/graphql",
            json={"query": "{ me { email } }"},
            headers={"authorization": f"Bearer {access_token}"},
        )
        return (response.json().get("data") or {}).get("me", {}).get("email")


@pytest.fixture
async def signed_in(gateways) -> AsyncIterator:
    clients: list[httpx.AsyncClient] = []

    async def sign_in(grace: int = 30) -> tuple[Browser, str]:
        client = httpx.AsyncClient(base_url=gateways[grace], timeout=30)
        clients.append(client)
        csrf = (await client.get("/session/csrf")).json()["csrfToken"]
        email = unique_email("grace")
        registered = await client.post(
            "/session/register",
            json={"email": email, "password": PASSWORD},
            headers={"x-csrf-token": csrf},
        )
        assert registered.status_code == 200, registered.text
        client.cookies.clear()  # every request names its cookies (Browser.renew)
        return Browser(client, csrf, registered.cookies["syn_refresh"]), email

    yield sign_in
    for client in clients:
        await client.aclose()


def reason(response: httpx.Response) -> str:
    return response.json()["error"]["reason"]


async def test_a_renewal_whose_answer_was_lost_keeps_the_user_signed_in(signed_in):
    browser, email = await signed_in()
    before = browser.refresh_cookie
    lost = await browser.renew()
    assert lost.status_code == 200
    # The browser reloaded before it stored the new cookie: it still sends the old one.
    again = await browser.renew(before)
    assert again.status_code == 200, again.text
    assert browser.refresh_cookie not in (before, lost.cookies["syn_refresh"])
    assert await browser.me(again.json()["accessToken"]) == email
    # The login lives on with the cookie the browser holds, renewal after renewal.
    later = await browser.renew()
    assert later.status_code == 200
    assert await browser.me(later.json()["accessToken"]) == email
    # The cookie whose answer was lost is dead now that its sibling was used: whoever holds
    # it is not the browser that carried on, and presenting it ends the login.
    stale = await browser.renew(lost.cookies["syn_refresh"])
    assert stale.status_code == 401 and reason(stale) == "REFRESH_TOKEN_REUSED"
    assert (await browser.renew()).status_code == 401


async def test_the_used_cookie_after_the_window_ends_the_login(signed_in):
    browser, _ = await signed_in(grace=1)
    before = browser.refresh_cookie
    assert (await browser.renew()).status_code == 200
    held = browser.refresh_cookie
    await asyncio.sleep(1.5)
    reused = await browser.renew(before)
    assert reused.status_code == 401 and reason(reused) == "REFRESH_TOKEN_REUSED"
    assert (await browser.renew(held)).status_code == 401  # the whole login is revoked


async def test_a_grace_window_of_zero_is_off(signed_in):
    browser, _ = await signed_in(grace=0)
    before = browser.refresh_cookie
    assert (await browser.renew()).status_code == 200
    held = browser.refresh_cookie
    reused = await browser.renew(before)
    assert reused.status_code == 401 and reason(reused) == "REFRESH_TOKEN_REUSED"
    assert (await browser.renew(held)).status_code == 401


async def test_the_used_cookie_after_its_successor_was_used_ends_the_login(signed_in):
    browser, _ = await signed_in()
    before = browser.refresh_cookie
    assert (await browser.renew()).status_code == 200
    assert (await browser.renew()).status_code == 200  # the successor renewed: it arrived
    held = browser.refresh_cookie
    # Within the window, but the browser that got the successor carries on: this is a copy.
    reused = await browser.renew(before)
    assert reused.status_code == 401 and reason(reused) == "REFRESH_TOKEN_REUSED"
    assert (await browser.renew(held)).status_code == 401


async def test_concurrent_renewals_with_one_cookie_keep_the_login(signed_in):
    browser, email = await signed_in()
    shared = browser.refresh_cookie
    answers = await asyncio.gather(*(browser.renew(shared) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    cookies = {a.cookies["syn_refresh"] for a in answers}
    assert len(cookies) == 4
    # Whichever answer the browser stored last, its cookie renews the login.
    kept = answers[2].cookies["syn_refresh"]
    renewed = await browser.renew(kept)
    assert renewed.status_code == 200
    assert await browser.me(renewed.json()["accessToken"]) == email


async def test_replays_within_the_window_are_bounded(signed_in):
    browser, _ = await signed_in()
    before = browser.refresh_cookie
    codes = [(await browser.renew(before)).status_code for _ in range(6)]
    # One rotation and four more in the window; the sixth trade of one token is refused.
    assert codes == [200] * 5 + [401]
