"""Introspection and GraphiQL can be switched off (off in the prod overlay), and
so can gRPC reflection; the schema still answers ordinary queries."""

from __future__ import annotations

import grpc
import httpx
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tests.support import graphql, start_gateway

INTROSPECT = "{ __schema { queryType { name } } }"


async def test_introspection_and_graphiql_are_on_by_default(gateway):
    async with httpx.AsyncClient(base_url=gateway) as client:
        result = await graphql(client, INTROSPECT)
        assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_and_graphiql_can_be_switched_off(auth_server, service_token):
    async with (
        start_gateway(
            auth_server, service_token=service_token, introspection=False, graphiql=False
        ) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        result = await graphql(client, INTROSPECT)
        assert "introspection" in result["errors"][0]["message"].lower()
        assert "data" not in result or result["data"] is None
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        # Ordinary queries still run (and still need credentials).
        me = await graphql(client, "{ me { id } }")
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _reflected_services(address: str) -> list[str] | grpc.StatusCode:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        try:
            async for reply in stub.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            ):
                return [s.name for s in reply.list_services_response.service]
        except grpc.aio.AioRpcError as exc:
            return exc.code()
    return []


async def test_grpc_reflection_can_be_switched_off(auth_server, database_url, nats_url):
    from tests.conftest import SERVICE_TOKEN
    from tests.support import start_auth

    assert "synthetica.auth.v1.AuthService" in await _reflected_services(auth_server.address)
    quiet = await start_auth(
        database_url=database_url,
        nats_url=nats_url,
        service_token=SERVICE_TOKEN,
        grpc_reflection=False,
    )
    try:
        assert await _reflected_services(quiet.address) == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await quiet.stop(0)
