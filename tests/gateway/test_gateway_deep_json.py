"""JSON nested deeper than Python's parser recurses is malformed input, answered 400.

``json.loads`` raises RecursionError, not a JSON error, past about a thousand levels, and
nothing caught it: a 200 KB body of ``[`` posted to /graphql by anyone, deep
``variables``, a multipart upload's ``operations``, or 16 KB of ``[`` to the dashboard's
sign-in answered 500 "Internal Server Error", each with a stack trace in the gateway's log.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.gateway.test_gateway_datasets import new_user

DEEP = "[" * 200_000
CASES = {
    "a body": DEEP.encode(),
    "variables": b'{"query": "{ me { id } }", "variables": ' + b'{"a":' * 100_000 + b"}",
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_deep_json_body_is_a_bad_request(client: httpx.AsyncClient, case: str):
    response = await client.post(
        "/graphql", content=CASES[case], headers={"content-type": "application/json"}
    )

    assert response.status_code == 400, response.text
    assert "JSON" in response.text


async def test_deep_multipart_operations_are_a_bad_request(client: httpx.AsyncClient):
    user = await new_user(client)
    response = await client.post(
        "/graphql",
        data={"operations": DEEP, "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("a.csv", b"a\n1\n", "text/csv")},
        headers={"Authorization": f"Bearer {user['token']}"},
    )

    assert response.status_code == 400, response.text


async def test_a_deep_sign_in_body_is_a_bad_request(client: httpx.AsyncClient):
    token = (await client.get("/session/csrf")).json()["csrfToken"]
    response = await client.post(
        "/session/login",
        content=b"[" * 15_000,
        headers={"content-type": "application/json", "x-csrf-token": token},
    )

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
