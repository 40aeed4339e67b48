"""The dashboard's side of the gateway (gateway/web.py): its files under a strict CSP at `/`,
and the cookie session endpoint with its CSRF checks, over real HTTP against the auth service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support import PASSWORD, start_gateway, unique_email

INDEX = (
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head></html>'
)

FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"></svg>'


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app.js").write_text("console.log('dashboard')")
    (tmp_path / "favicon.svg").write_text(FAVICON)
    return tmp_path


@pytest.fixture
async def web(auth_server, service_token, web_dir) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        start_gateway(auth_server, service_token=service_token, web_dir=web_dir) as url,
        httpx.AsyncClient(base_url=url, timeout=30) as client,
    ):
        yield client


async def csrf(client: httpx.AsyncClient) -> str:
    response = await client.get("/session/csrf")
    assert response.status_code == 200
    token = response.json()["csrfToken"]
    assert client.cookies.get("syn_csrf") == token
    return token


async def new_user(client: httpx.AsyncClient) -> str:
    email = unique_email("web")
    token = await csrf(client)
    response = await client.post(
        "/session/register",
        json={"email": email, "password": PASSWORD},
        headers={"x-csrf-token": token},
    )
    assert response.status_code == 200, response.text
    return email


async def sign_in_fresh_user(
    client: httpx.AsyncClient, password: str = PASSWORD
) -> tuple[str, httpx.Response]:
    """A new user's email and sign-in, from a browser that holds no session cookie yet."""
    email = await new_user(client)
    client.cookies.delete("syn_refresh", path="/session")
    token = await csrf(client)
    response = await client.post(
        "/session/login",
        json={"email": email, "password": password},
        headers={"x-csrf-token": token},
    )
    return email, response


def set_cookie(response: httpx.Response, name: str) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}="))


async def test_the_app_is_served_at_every_route_under_a_strict_csp(web):
    for path in ("/", "/projects/7", "/datasets/3/train"):
        response = await web.get(path)
        assert response.status_code == 200
        assert response.text == INDEX
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert script_src == "script-src 'self'"
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["cache-control"] == "no-cache"
    asset = await web.get("/assets/app.js")
    assert asset.status_code == 200 and "dashboard" in asset.text
    assert (await web.get("/assets/missing.js")).status_code == 404
    favicon = await web.get("/favicon.svg")
    assert favicon.status_code == 200 and favicon.text == FAVICON
    assert favicon.headers["content-type"].startswith("image/svg+xml")
    # Paths under the API stay a JSON 404: no web page where an API answer was expected.
    for path in (
        "/downloads",
        "/upload/elsewhere",
        "/metricsz",
        "/graphql/nothing",
        "/session/nothing",
        "/reports/7",
        "/healthz/x",
    ):
        response = await web.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_a_path_typed_by_hand_opens_the_app_and_its_own_not_found_page(web):
    for path in ("/login", "/dashboard", "/nothing-here/at/all"):
        response = await web.get(path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["content-security-policy"].startswith("default-src 'self'")


async def test_graphiql_and_the_api_stay_where_they_were(web):
    graphiql = await web.get("/graphql", headers={"accept": "text/html"})
    assert graphiql.status_code == 200
    assert "graphiql" in graphiql.text.lower()
    assert "content-security-policy" not in graphiql.headers
    assert (await web.get("/healthz")).json() == {"status": "ok"}


async def test_without_a_build_the_gateway_says_how_to_make_one(
    auth_server, service_token, tmp_path
):
    async with (
        start_gateway(auth_server, service_token=service_token, web_dir=tmp_path / "none") as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        response = await client.get("/")
    assert response.status_code == 503
    assert "make web" in response.text


async def test_sign_in_sets_an_http_only_strict_cookie_and_returns_only_the_access_token(web):
    email, response = await sign_in_fresh_user(web)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == email and body["accessToken"] and body["expiresIn"] > 0
    cookie = set_cookie(response, "syn_refresh")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/session"} <= flags
    assert "secure" not in flags  # plain http here
    refresh_token = cookie.split(";")[0].split("=", 1)[1]
    assert refresh_token not in response.text
    me = await web.post(
        "/graphql",
        json={"query": "{ me { email } }"},
        headers={"authorization": f"Bearer {body['accessToken']}"},
    )
    assert me.json()["data"]["me"]["email"] == email


async def test_refresh_rotates_the_cookie_and_logout_ends_the_session(web):
    await new_user(web)
    token = await csrf(web)
    first = web.cookies.get("syn_refresh")
    refreshed = await web.post("/session/refresh", headers={"x-csrf-token": token})
    assert refreshed.status_code == 200 and refreshed.json()["accessToken"]
    second = web.cookies.get("syn_refresh")
    assert second and second != first

    out = await web.post("/session/logout", headers={"x-csrf-token": token})
    assert out.status_code == 200
    assert 'syn_refresh=""' in set_cookie(out, "syn_refresh")
    # The revoked token is refused even when presented again by hand.
    web.cookies.set("syn_refresh", second, path="/session")
    again = await web.post("/session/refresh", headers={"x-csrf-token": token})
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no token at all
        {"x-csrf-token": "guessed"},  # not the cookie's
        {"origin": "https://evil.example"},  # right token, another site
    ],
)
async def test_session_routes_refuse_requests_without_csrf_proof(web, headers):
    email = await new_user(web)
    token = await csrf(web)
    sent = {"x-csrf-token": token, **headers} if "origin" in headers else headers
    for path, body in (
        ("/session/login", {"email": email, "password": PASSWORD}),
        ("/session/register", {"email": unique_email(), "password": PASSWORD}),
        ("/session/refresh", None),
        ("/session/logout", None),
    ):
        response = await web.post(path, json=body, headers=sent)
        assert response.status_code == 403, path
        assert response.json()["error"]["reason"] == "CSRF"
        assert "syn_refresh" not in response.headers.get("set-cookie", "")


async def test_a_wrong_password_is_a_sentence_and_sets_no_cookie(web):
    _, response = await sign_in_fresh_user(web, password="not-the-password-1")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "invalid email or password"
    assert "syn_refresh" not in response.headers.get("set-cookie", "")


async def test_bodies_are_bounded_and_must_be_json_objects(web):
    token = await csrf(web)
    headers = {"x-csrf-token": token}
    huge = await web.post("/session/login", content=b"{" + b" " * 20_000 + b"}", headers=headers)
    assert huge.status_code == 413
    assert (await web.post("/session/login", content=b"[1]", headers=headers)).status_code == 400
    assert (await web.post("/session/login", content=b"{nope", headers=headers)).status_code == 400


@pytest.mark.parametrize(
    ("settings", "headers"),
    [
        ({"cookie_secure": "always"}, {}),
        ({"trust_forwarded_for": True}, {"x-forwarded-proto": "https"}),
    ],
)
async def test_the_cookie_is_secure_behind_https(
    auth_server, service_token, web_dir, settings, headers
):
    async with (
        start_gateway(auth_server, service_token=service_token, web_dir=web_dir, **settings) as url,
        httpx.AsyncClient(base_url=url, timeout=30) as client,
    ):
        token = (await client.get("/session/csrf", headers=headers)).json()["csrfToken"]
        client.cookies.set("syn_csrf", token)
        response = await client.post(
            "/session/register",
            json={"email": unique_email("secure"), "password": PASSWORD},
            headers={"x-csrf-token": token, **headers},
        )
    assert response.status_code == 200, response.text
    assert "secure" in {p.strip().lower() for p in set_cookie(response, "syn_refresh").split(";")}


async def test_an_old_invitation_link_loads_the_app_and_its_token_is_not_logged(web, caplog):
    """`/invitations/<token>` (links before the token moved to the fragment) still opens the
    dashboard, which moves the token to the fragment; the gateway's access log line names
    the path without it, and nothing else logged carries it."""
    token = "syninv_" + "k" * 43
    with caplog.at_level(logging.DEBUG):
        old = await web.get(f"/invitations/{token}")
        new = await web.get("/invitations")
        # A request's line is written as its app call ends, which may be after its answer
        # arrives; one more request on the same connection comes after both lines.
        await web.get("/projects")
    assert old.status_code == 200 and old.text == INDEX
    assert new.status_code == 200 and new.text == INDEX
    paths = [r.fields["path"] for r in caplog.records if r.name == "gateway.http"]
    assert "/invitations/<redacted>" in paths and "/invitations" in paths, paths
    # The server's side: the test's own client (httpx, httpcore) logs the URL it asked for,
    # and pytest hangs its capture on uvicorn.access although uvicorn, told access_log=False
    # (as gateway/main.py tells it), left that logger without handlers or propagation.
    client_side = ("httpx", "httpcore", "uvicorn.access")
    served = [r for r in caplog.records if not r.name.startswith(client_side)]
    assert served
    assert not [r for r in served if token in r.getMessage() + str(getattr(r, "fields", ""))]
