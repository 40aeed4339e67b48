"""Another service verifies callers the way every non-auth service does: access tokens
locally against auth's JWKS, API keys through auth, service tokens by comparison."""

from __future__ import annotations

import pytest

from common.errors import Unauthenticated
from common.settings import Settings
from services.auth.client import AuthClient
from synthetica.auth.v1 import auth_pb2
from tests.support import AuthCaller


@pytest.fixture
async def remote(auth_server, service_token):
    settings = Settings(service_token=service_token, auth_addr=auth_server.address)
    client = AuthClient(settings, service_name="datasets")
    yield client.authenticator(settings)
    await client.close()


async def test_access_tokens_api_keys_and_service_tokens(remote, auth_server, service_token):
    caller = AuthCaller(auth_server.address, service_token)
    registered = await caller.register()
    key = await caller.stub.CreateApiKey(
        auth_pb2.CreateApiKeyRequest(name="svc"),
        metadata=caller.bearer(registered.tokens.access_token),
    )
    await caller.close()

    by_token = await remote.authenticate(
        {"authorization": f"Bearer {registered.tokens.access_token}"}, "peer"
    )
    assert by_token.user_id == registered.user.id and by_token.via == "token"
    by_key = await remote.authenticate({"x-api-key": key.secret}, "peer")
    assert by_key.user_id == registered.user.id and by_key.via == "api_key"
    as_service = await remote.authenticate(
        {"x-service-token": service_token, "x-on-behalf-of": registered.user.id}, "peer"
    )
    assert as_service.is_service and as_service.user_id == registered.user.id

    for metadata in (
        {},
        {"x-api-key": "syn_000000000000_" + "a" * 30},
        {"x-service-token": "nope"},
        {"authorization": "Bearer x.y.z"},
    ):
        with pytest.raises(Unauthenticated):
            await remote.authenticate(metadata, "peer")
