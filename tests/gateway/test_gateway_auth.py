"""The auth capability end to end over HTTP: GraphQL gateway -> auth service."""

from __future__ import annotations

import logging

import httpx
import pytest

from common.logs import JsonFormatter
from tests.support import PASSWORD, error_code, graphql, start_gateway, unique_email

REGISTER = """
mutation($email: String!, $password: String!) {
  register(input: {email: $email, password: $password, organization: "Acme"}) {
    user { id email role profile { organization } createdAt }
    tokens { accessToken refreshToken tokenType expiresIn }
  }
}"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    user { id } tokens { accessToken refreshToken }
  }
}"""
ME = "{ me { id email role profile { displayName organization bio } updatedAt } }"


@pytest.fixture
async def client(gateway):
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as c:
        yield c


async def register(client: httpx.AsyncClient, email: str | None = None) -> dict:
    result = await graphql(
        client, REGISTER, {"email": email or unique_email(), "password": PASSWORD}
    )
    assert "errors" not in result, result
    return result["data"]["register"]


async def test_register_login_me_refresh_logout(client):
    email = unique_email()
    registered = await register(client, email)
    assert registered["user"]["email"] == email
    assert registered["user"]["profile"]["organization"] == "Acme"
    assert registered["tokens"]["tokenType"] == "Bearer"

    login = await graphql(client, LOGIN, {"email": email, "password": PASSWORD})
    tokens = login["data"]["login"]["tokens"]
    me = await graphql(client, ME, token=tokens["accessToken"])
    assert me["data"]["me"]["email"] == email

    refreshed = await graphql(
        client,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }",
        {"t": tokens["refreshToken"]},
    )
    new = refreshed["data"]["refreshToken"]
    assert new["refreshToken"] != tokens["refreshToken"]
    renewed = await graphql(
        client,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": new["refreshToken"]},
    )
    assert renewed["data"]["refreshToken"]["accessToken"]
    # The old token again, after its successor was used: a copy, refused.
    reused = await graphql(
        client,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": tokens["refreshToken"]},
    )
    assert error_code(reused) == "UNAUTHENTICATED"

    other = (await graphql(client, LOGIN, {"email": email, "password": PASSWORD}))["data"]
    out = await graphql(
        client,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        {"t": other["login"]["tokens"]["refreshToken"]},
    )
    assert out["data"]["logout"] is True
    after = await graphql(
        client,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": other["login"]["tokens"]["refreshToken"]},
    )
    assert error_code(after) == "UNAUTHENTICATED"


async def test_typed_errors_point_at_the_field(client):
    weak = await graphql(client, REGISTER, {"email": unique_email(), "password": "short"})
    error = weak["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fields"][0]["field"] == "password"
    assert weak["data"] is None

    email = unique_email()
    await register(client, email)
    duplicate = await graphql(client, REGISTER, {"email": email, "password": PASSWORD})
    assert error_code(duplicate) == "CONFLICT"

    wrong = await graphql(client, LOGIN, {"email": email, "password": "wrong-pass-1"})
    assert error_code(wrong) == "UNAUTHENTICATED"
    assert wrong["errors"][0]["message"] == "invalid email or password"

    anonymous = await graphql(client, ME)
    assert error_code(anonymous) == "UNAUTHENTICATED"
    bad_token = await graphql(client, ME, token="not-a-jwt")
    assert error_code(bad_token) == "UNAUTHENTICATED"


async def test_profile_and_api_keys(client):
    tokens = (await register(client))["tokens"]
    token = tokens["accessToken"]
    updated = await graphql(
        client,
        'mutation { updateProfile(input: {displayName: "Ada", bio: "hi"}) '
        "{ profile { displayName organization bio } } }",
        token=token,
    )
    assert updated["data"]["updateProfile"]["profile"] == {
        "displayName": "Ada",
        "organization": "Acme",
        "bio": "hi",
    }

    created = await graphql(
        client,
        'mutation { createApiKey(input: {name: "laptop"}) { secret apiKey { id prefix } } }',
        token=token,
    )
    secret = created["data"]["createApiKey"]["secret"]
    key_id = created["data"]["createApiKey"]["apiKey"]["id"]
    me_by_key = await graphql(client, ME, api_key=secret)
    assert me_by_key["data"]["me"]["profile"]["displayName"] == "Ada"

    listed = await graphql(
        client,
        "{ apiKeys(first: 10) { nodes { id name revokedAt } pageInfo { hasNextPage } } }",
        token=token,
    )
    assert listed["data"]["apiKeys"]["nodes"] == [
        {"id": key_id, "name": "laptop", "revokedAt": None}
    ]
    revoked = await graphql(
        client,
        "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
        {"id": key_id},
        token=token,
    )
    assert revoked["data"]["revokeApiKey"]["revokedAt"] is not None
    assert error_code(await graphql(client, ME, api_key=secret)) == "UNAUTHENTICATED"


async def test_members_get_forbidden_on_admin_fields(client):
    member = (await register(client))["tokens"]["accessToken"]
    me = await graphql(client, "{ me { role } }", token=member)
    if me["data"]["me"]["role"] == "ADMIN":  # the very first user of this run's database
        member = (await register(client))["tokens"]["accessToken"]
    users = await graphql(client, "{ users { nodes { id } } }", token=member)
    assert error_code(users) == "FORBIDDEN"
    disable = await graphql(
        client,
        'mutation { setUserDisabled(userId: "00000000-0000-0000-0000-000000000000", '
        "disabled: true) { id } }",
        token=member,
    )
    assert error_code(disable) == "FORBIDDEN"


async def test_depth_limit_is_a_setting(auth_server, service_token):
    async with (
        start_gateway(auth_server, service_token=service_token, max_query_depth=1) as url,
        httpx.AsyncClient(base_url=url) as c,
    ):
        result = await graphql(c, "{ me { profile { bio } } }")
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_query_cost_limit_counts_page_sizes(auth_server, service_token):
    async with (
        start_gateway(auth_server, service_token=service_token, max_query_cost=100) as url,
        httpx.AsyncClient(base_url=url) as c,
    ):
        costly = await graphql(c, "{ apiKeys(first: 100) { nodes { id name } } }")
        cheap = await graphql(c, "{ apiKeys(first: 10) { nodes { id name } } }")
    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert costly["errors"][0]["extensions"]["cost"] > 100
    # Within the limit the query runs (and fails only for want of credentials).
    assert error_code(cheap) == "UNAUTHENTICATED"


async def test_alias_and_size_limits(client):

    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"
    result = await graphql(client, aliases)
    assert "aliases" in result["errors"][0]["message"].lower()

    huge = await client.post(
        "/graphql",
        content=b'{"query": "' + b" " * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413


async def test_graphiql_is_served(client):
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    # This gateway reaches auth only: not ready, and it says which services are missing.
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    services = {"auth": True, "training": False, "evaluation": False, "datasets": False}
    assert ready.json() == {"ready": False, "services": {**services, "notify": False}}


async def test_request_id_follows_the_call_into_the_service(client):
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter("test"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        await graphql(client, ME, headers={"X-Request-Id": "trace-me-42"})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    rpc_lines = [
        line for line in lines if '"method": "/synthetica.auth.v1.AuthService/GetMe"' in line
    ]
    assert rpc_lines and all('"request_id": "trace-me-42"' in line for line in rpc_lines)
