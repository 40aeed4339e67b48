"""Roles on a fresh database: the first account is admin, configured emails are admins, and
only admins list and disable users; a disabled user can no longer log in, refresh or use keys."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import pytest

from synthetica.auth.v1 import auth_pb2
from tests.conftest import migrated_database
from tests.support import PASSWORD, AuthCaller, start_auth, unique_email


@dataclass
class FreshAuth:
    auth: AuthCaller
    first: auth_pb2.RegisterResponse
    boss_email: str


@pytest.fixture(scope="module")
async def fresh(postgres_server_url, nats_url, service_token, tmp_path_factory):
    boss = unique_email("boss")
    server = await start_auth(
        database_url=migrated_database(postgres_server_url),
        nats_url=nats_url,
        service_token=service_token,
        storage_url=str(tmp_path_factory.mktemp("storage")),
        admin_emails=[boss.upper()],
    )
    caller = AuthCaller(server.address, service_token)
    first = await caller.register()
    yield FreshAuth(caller, first, boss)
    await caller.close()
    await server.stop(0)


async def expect(awaitable, code):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await awaitable
    assert info.value.code() == code, info.value.details()


async def test_first_user_and_configured_emails_are_admins(fresh):
    member = await fresh.auth.register()
    boss = await fresh.auth.register(fresh.boss_email)
    assert fresh.first.user.role == auth_pb2.USER_ROLE_ADMIN
    assert member.user.role == auth_pb2.USER_ROLE_MEMBER
    assert boss.user.role == auth_pb2.USER_ROLE_ADMIN


async def test_admin_lists_users_page_by_page(fresh):
    admin_md = fresh.auth.bearer(fresh.first.tokens.access_token)
    seen: list[str] = []
    token = ""
    while True:
        page = await fresh.auth.stub.ListUsers(
            auth_pb2.ListUsersRequest(page_size=1, page_token=token), metadata=admin_md
        )
        seen += [u.id for u in page.users]
        token = page.next_page_token
        if not token:
            break
    assert seen[0] == fresh.first.user.id and len(seen) == len(set(seen)) >= 1
    await expect(
        fresh.auth.stub.ListUsers(auth_pb2.ListUsersRequest(page_token="!!"), metadata=admin_md),
        grpc.StatusCode.INVALID_ARGUMENT,
    )


async def test_members_cannot_call_admin_rpcs(fresh):
    member = await fresh.auth.register()
    member_md = fresh.auth.bearer(member.tokens.access_token)
    await expect(
        fresh.auth.stub.ListUsers(auth_pb2.ListUsersRequest(), metadata=member_md),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect(
        fresh.auth.stub.SetUserDisabled(
            auth_pb2.SetUserDisabledRequest(user_id=fresh.first.user.id, disabled=True),
            metadata=member_md,
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )


async def test_admin_cannot_disable_themselves(fresh):
    await expect(
        fresh.auth.stub.SetUserDisabled(
            auth_pb2.SetUserDisabledRequest(user_id=fresh.first.user.id, disabled=True),
            metadata=fresh.auth.bearer(fresh.first.tokens.access_token),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )


async def test_disabled_user_cannot_log_in_refresh_or_use_keys(fresh):
    auth = fresh.auth
    admin_md = auth.bearer(fresh.first.tokens.access_token)
    email = unique_email("victim")
    victim = await auth.register(email)
    key = await auth.stub.CreateApiKey(
        auth_pb2.CreateApiKeyRequest(name="k"), metadata=auth.bearer(victim.tokens.access_token)
    )
    disabled = await auth.stub.SetUserDisabled(
        auth_pb2.SetUserDisabledRequest(user_id=victim.user.id, disabled=True), metadata=admin_md
    )
    assert disabled.user.disabled
    await expect(
        auth.stub.Login(
            auth_pb2.LoginRequest(email=email, password=PASSWORD), metadata=auth.service_md
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect(
        auth.stub.Refresh(
            auth_pb2.RefreshRequest(refresh_token=victim.tokens.refresh_token),
            metadata=auth.service_md,
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await expect(
        auth.stub.GetMe(auth_pb2.GetMeRequest(), metadata=(("x-api-key", key.secret),)),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await auth.stub.SetUserDisabled(
        auth_pb2.SetUserDisabledRequest(user_id=victim.user.id, disabled=False), metadata=admin_md
    )
    again = await auth.stub.Login(
        auth_pb2.LoginRequest(email=email, password=PASSWORD), metadata=auth.service_md
    )
    assert not again.user.disabled
