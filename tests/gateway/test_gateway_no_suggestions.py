"""With introspection off (the prod overlay), validation errors give no "Did you mean ...?"
hints: they named the schema's fields, arguments and types to anyone, signed in or not, so
the schema introspection hides could be collected one guess at a time. With introspection
on (development), the hints stay."""

from __future__ import annotations

import httpx
import pytest

from tests.support import graphql, start_gateway

GUESSES = [
    ("{ projec { nodes { id } } }", "projects"),  # a field
    ("{ projects(frist: 1) { nodes { id } } }", "first"),  # an argument
    ("{ me { ...F } } fragment F on Use { id }", "User"),  # a type
]


@pytest.mark.parametrize(("query", "hidden"), GUESSES)
async def test_no_hints_when_introspection_is_off(auth_server, service_token, query, hidden):
    async with (
        start_gateway(auth_server, service_token=service_token, introspection=False) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        result = await graphql(client, query)
    messages = [e["message"] for e in result["errors"]]
    assert messages, result
    assert not any("Did you mean" in m for m in messages), messages
    assert not any(f"'{hidden}'" in m for m in messages), messages


@pytest.mark.parametrize(("query", "hidden"), GUESSES)
async def test_hints_stay_while_introspection_is_on(gateway, query, hidden):
    async with httpx.AsyncClient(base_url=gateway) as client:
        result = await graphql(client, query)
    message = result["errors"][0]["message"]
    assert "Did you mean" in message and f"'{hidden}'" in message, result
