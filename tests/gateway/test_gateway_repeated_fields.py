"""Fields asked again and again under one name are refused before validation: GraphQL's
validation compares them in pairs, and a 12 KB query of 790 ``me { id email }`` (within the
token and body limits, no credentials needed) cost the gateway most of a second of CPU, to
end in a bare "Validation aborted.". It is now QUERY_TOO_COSTLY saying why, whether the
repeats are written out or come from fragments; a field named a few times (a fragment and
the field beside it) is answered as before."""

from __future__ import annotations

import httpx
import pytest

from tests.support import AuthCaller, graphql

REPEATED = "{ " + " ".join(["me { id email }"] * 790) + " }"
FRAGMENTS = (
    "{ me { "
    + " ".join(f"...F{i}" for i in range(300))
    + " } } "
    + " ".join(f"fragment F{i} on User {{ id }}" for i in range(300))
)


@pytest.mark.parametrize("query", [REPEATED, FRAGMENTS], ids=["written-out", "fragments"])
async def test_a_field_repeated_hundreds_of_times_is_refused_saying_why(gateway, query) -> None:
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as client:
        result = await graphql(client, query)  # no credentials: validation comes first
    assert result.get("data") is None, result
    error = result["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    assert error["extensions"]["reason"] == "FIELDS_REPEATED", error
    assert "ask for each field once" in error["message"]


async def test_a_field_named_a_few_times_is_answered(gateway, auth_server, service_token) -> None:
    auth = AuthCaller(auth_server.address, service_token)
    user = await auth.register()
    await auth.close()
    query = "{ me { id email ...F id } } fragment F on User { id email role }"
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as client:
        result = await graphql(client, query, token=user.tokens.access_token)
    me = result["data"]["me"]
    assert (me["id"], me["email"]) == (user.user.id, user.user.email), result
    assert me["role"] in {"MEMBER", "ADMIN"}  # the session's first account is an admin
