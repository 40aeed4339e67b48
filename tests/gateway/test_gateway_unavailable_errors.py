"""A service the gateway cannot reach is reported as SERVICE_UNAVAILABLE in plain words,
without what gRPC's transport says about it: that named the internal address, port or socket
path of the service ("ipv4:10.0.3.17:25052: Connection refused") to any signed-in user. A
service's own UNAVAILABLE answer (its database down) keeps its words and reason."""

from __future__ import annotations

import httpx
import pytest

from tests.support import AuthCaller, graphql, start_gateway

PROJECTS = "{ projects(first: 5) { nodes { id } } }"
WEBHOOK = 'mutation { createWebhook(input: {url: "https://example.com/h"}) { secret } }'
INTERNALS = ("127.0.0.1", ":1", "unix:", "/nonexistent", "ipv4", "connect", "addr", "sock")


@pytest.mark.parametrize("address", ["127.0.0.1:1", "unix:/nonexistent/datasets.sock"])
async def test_an_unreachable_service_is_unavailable_without_its_address(
    auth_server, service_token, address
) -> None:
    auth = AuthCaller(auth_server.address, service_token)
    user = await auth.register()
    await auth.close()
    async with (
        start_gateway(
            auth_server,
            service_token=service_token,
            datasets_addr=address,
            notify_addr=address.replace("datasets", "notify"),
        ) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as client,
    ):
        for query in (PROJECTS, WEBHOOK):
            result = await graphql(client, query, token=user.tokens.access_token)
            error = result["errors"][0]
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", error
            leaked = [s for s in INTERNALS if s in error["message"]]
            assert not leaked, error["message"]
            assert "try again" in error["message"], error
