"""Login limits.

The module runs its own auth service on a fresh database, so failures counted by the rest
of the suite (all from 127.0.0.1) never decide an outcome here; each test uses addresses
and accounts of its own. The delay base is long (60 s), so "refused until the delay has
passed" holds for the whole test.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from synthetica.auth.v1 import auth_pb2, auth_pb2_grpc
from tests.conftest import migrated_database
from tests.support import PASSWORD, AuthCaller, start_auth, unique_email

WRONG = "wrong-pass-1"
BASE_DELAY = 60


@pytest.fixture(scope="module")
async def fresh(postgres_server_url, nats_url, service_token, tmp_path_factory):
    database_url = migrated_database(postgres_server_url)
    server = await start_auth(
        database_url=database_url,
        nats_url=nats_url,
        service_token=service_token,
        storage_url=str(tmp_path_factory.mktemp("storage")),
        login_delay_base_seconds=BASE_DELAY,
    )
    caller = AuthCaller(server.address, service_token)
    caller.database_url = database_url  # type: ignore[attr-defined]
    caller.address = server.address  # type: ignore[attr-defined]
    yield caller
    await caller.close()
    await server.stop(0)


def from_address(caller: AuthCaller, address: str) -> tuple[tuple[str, str], ...]:
    """The gateway's way of calling Login for an end user at ``address``."""
    return (*caller.service_md, ("x-client-ip", address))


async def login(caller: AuthCaller, email: str, password: str, address: str) -> grpc.StatusCode:
    try:
        await caller.stub.Login(
            auth_pb2.LoginRequest(email=email, password=password),
            metadata=from_address(caller, address),
        )
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


async def refusal(caller: AuthCaller, email: str, password: str, address: str) -> int:
    """Logs in expecting RATE_LIMITED; returns the retry delay the answer carries."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await caller.stub.Login(
            auth_pb2.LoginRequest(email=email, password=password),
            metadata=from_address(caller, address),
        )
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, info.value.details()
    status = rpc_status.from_call(info.value)
    for detail in status.details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            return retry.retry_delay.seconds
    raise AssertionError("no RetryInfo in the refusal")


async def test_concurrent_logins_check_no_more_passwords_than_the_limit(fresh):
    """60 logins at once from 60 addresses, 59 wrong and one right: the reproduction checked
    11 wrong passwords (and let the right one in) although the limit is 5."""
    email = unique_email()
    await fresh.register(email)
    passwords = [WRONG] * 59
    passwords.insert(41, PASSWORD)
    codes = await asyncio.gather(
        *(login(fresh, email, password, f"203.0.113.{i}") for i, password in enumerate(passwords))
    )
    checked = [c for c in codes if c in (grpc.StatusCode.OK, grpc.StatusCode.UNAUTHENTICATED)]
    assert len(checked) <= 5, codes
    assert codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED) == 60 - len(checked)


async def test_the_client_limit_counts_an_address_whatever_its_port(fresh, service_token):
    """Over gRPC without a forwarded address the client is the peer: every new connection
    has a new source port, which used to make it a new client."""
    email = unique_email()
    await fresh.register(email)
    for _ in range(20):
        async with new_connection(fresh.address) as channel:
            stub = auth_pb2_grpc.AuthServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.Login(
                    auth_pb2.LoginRequest(email=unique_email(), password=WRONG),
                    metadata=fresh.service_md,
                )
            assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    async with new_connection(fresh.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await auth_pb2_grpc.AuthServiceStub(channel).Login(
                auth_pb2.LoginRequest(email=email, password=PASSWORD), metadata=fresh.service_md
            )
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def new_connection(address: str) -> grpc.aio.Channel:
    """A channel with a TCP connection of its own (gRPC shares them between channels
    unless told not to), so each has its own source port."""
    return grpc.aio.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])


async def test_an_ipv6_client_cannot_escape_the_limit_by_changing_its_interface_id(fresh):
    """An IPv6 end user owns a whole /64: its addresses count as one client."""
    for i in range(20):
        assert await login(fresh, unique_email(), WRONG, f"2001:db8:5:7::{i:x}") == (
            grpc.StatusCode.UNAUTHENTICATED
        )
    email = unique_email()
    await fresh.register(email)
    await refusal(fresh, email, PASSWORD, "2001:db8:5:7:ffff::1")
    # Another /64 is another client.
    assert await login(fresh, email, PASSWORD, "2001:db8:5:8::1") == grpc.StatusCode.OK


async def test_an_attacker_elsewhere_cannot_lock_the_owner_out(fresh):
    email = unique_email()
    await fresh.register(email)
    home = "198.51.100.10"
    assert await login(fresh, email, PASSWORD, home) == grpc.StatusCode.OK
    # Someone hammers the account from many addresses until they are held back.
    codes = [await login(fresh, email, WRONG, f"192.0.2.{i}") for i in range(12)]
    assert codes[:5] == [grpc.StatusCode.UNAUTHENTICATED] * 5
    assert set(codes[5:]) == {grpc.StatusCode.RESOURCE_EXHAUSTED}
    # ... and from one address of their own.
    for _ in range(5):
        assert await login(fresh, email, WRONG, home.replace("10", "99")) in (
            grpc.StatusCode.UNAUTHENTICATED,
            grpc.StatusCode.RESOURCE_EXHAUSTED,
        )
    # The owner, from the address they signed in from before, gets in at once.
    assert await login(fresh, email, PASSWORD, home) == grpc.StatusCode.OK
    # A new address waits: the account is under attack (a delay, never a lock).
    assert await refusal(fresh, email, PASSWORD, "198.51.100.77") > 0


async def test_the_owner_s_own_mistakes_from_home_slow_only_home(fresh):
    email = unique_email()
    await fresh.register(email)
    home = "198.51.100.20"
    assert await login(fresh, email, PASSWORD, home) == grpc.StatusCode.OK
    for _ in range(5):
        assert await login(fresh, email, WRONG, home) == grpc.StatusCode.UNAUTHENTICATED
    delay = await refusal(fresh, email, PASSWORD, home)
    assert 0 < delay <= BASE_DELAY


async def test_the_delay_grows_with_every_failure_and_is_capped(fresh):
    """Failures are written straight into the table with their times (no waiting in tests):
    5 are free, then each one doubles the wait, up to the cap."""
    email = unique_email()
    await fresh.register(email)
    address = "192.0.2.200"

    def failures(count: int) -> None:
        engine = sa.create_engine(fresh.database_url)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM auth.login_failures WHERE email = :e"), {"e": email})
            for i in range(count):
                conn.execute(
                    sa.text(
                        "INSERT INTO auth.login_failures (id, email, client, created_at) "
                        "VALUES (:id, :e, :c, :t)"
                    ),
                    {
                        "id": uuid.uuid4(),
                        "e": email,
                        "c": address,
                        "t": now - timedelta(seconds=count - i),
                    },
                )
        engine.dispose()

    delays = []
    for count in (5, 6, 7, 12):
        failures(count)
        delays.append(await refusal(fresh, email, PASSWORD, address))
    # 60, 120, 240 s after the last failure (a second ago), then the 900 s cap.
    assert [round(d / 10) * 10 for d in delays] == [60, 120, 240, 900]


async def test_registrations_per_address_are_limited(postgres_server_url, nats_url, service_token):
    """An address can neither test emails for accounts (EMAIL_TAKEN) nor create accounts
    without end: past the limit every registration from it is refused, taken or not."""
    server = await start_auth(
        database_url=migrated_database(postgres_server_url),
        nats_url=nats_url,
        service_token=service_token,
        register_max_per_client=2,
    )
    caller = AuthCaller(server.address, service_token)
    try:
        taken = unique_email()
        await caller.register(taken)
        md = from_address(caller, "192.0.2.44")

        def register(email: str):
            return caller.stub.Register(
                auth_pb2.RegisterRequest(email=email, password=PASSWORD), metadata=md
            )

        await expect_code(register(taken), grpc.StatusCode.ALREADY_EXISTS)
        await register(unique_email())
        for email in (taken, unique_email()):
            await expect_code(register(email), grpc.StatusCode.RESOURCE_EXHAUSTED)
        # Another address is not held back.
        await caller.stub.Register(
            auth_pb2.RegisterRequest(email=unique_email(), password=PASSWORD),
            metadata=from_address(caller, "192.0.2.45"),
        )
    finally:
        await caller.close()
        await server.stop(0)


async def expect_code(awaitable, code: grpc.StatusCode) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await awaitable
    assert info.value.code() == code, info.value.details()
