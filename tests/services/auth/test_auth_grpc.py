"""The auth service over real gRPC, on real PostgreSQL and NATS: happy paths and every error
path the issue names, each with the right status and nothing leaked."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from services.auth import credentials
from services.auth.settings import AuthSettings
from synthetica.auth.v1 import auth_pb2
from tests.support import PASSWORD, AuthCaller, start_auth, unique_email


@pytest.fixture
async def auth(auth_server, service_token):
    caller = AuthCaller(auth_server.address, service_token)
    yield caller
    await caller.close()


async def expect_status(awaitable, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await awaitable
    assert info.value.code() == code, info.value.details()
    return info.value


async def test_register_login_and_me(auth):
    email = unique_email()
    registered = await auth.register(email)
    assert registered.user.email == email
    assert registered.user.role in (auth_pb2.USER_ROLE_ADMIN, auth_pb2.USER_ROLE_MEMBER)
    assert registered.tokens.token_type == "Bearer" and registered.tokens.expires_in > 0

    login = await auth.stub.Login(
        auth_pb2.LoginRequest(email=email.upper(), password=PASSWORD), metadata=auth.service_md
    )
    me = await auth.stub.GetMe(
        auth_pb2.GetMeRequest(), metadata=auth.bearer(login.tokens.access_token)
    )
    assert me.user.id == registered.user.id
    assert me.user.created_at.seconds > 0


async def test_passwords_are_stored_as_argon2id(auth, database_url):
    email = unique_email()
    await auth.register(email)
    stored = _stored_hash(database_url, email)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


async def test_duplicate_email_is_refused(auth):
    email = unique_email()
    await auth.register(email)
    error = await expect_status(auth.register(email), grpc.StatusCode.ALREADY_EXISTS)
    assert "already exists" in error.details()


@pytest.mark.parametrize("password", ["short1", "onlyletterslong", "1234567890123", "password123"])
async def test_weak_password_is_refused_with_the_field(auth, password):
    error = await expect_status(
        auth.register(unique_email(), password=password), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "password must" in error.details()
    assert password not in error.details()


async def test_invalid_email_is_refused(auth):
    await expect_status(auth.register("not-an-email"), grpc.StatusCode.INVALID_ARGUMENT)


async def test_wrong_password_and_unknown_email_look_the_same(auth):
    email = unique_email()
    await auth.register(email)
    wrong = await expect_status(
        auth.stub.Login(
            auth_pb2.LoginRequest(email=email, password="wrong-pass-1"), metadata=auth.service_md
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    unknown = await expect_status(
        auth.stub.Login(
            auth_pb2.LoginRequest(email=unique_email(), password="wrong-pass-1"),
            metadata=auth.service_md,
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    assert wrong.details() == unknown.details() == "invalid email or password"


async def test_refresh_rotates_and_reuse_revokes_the_family(auth):
    async def refresh(token: str) -> auth_pb2.TokenPair:
        request = auth_pb2.RefreshRequest(refresh_token=token)
        return (await auth.stub.Refresh(request, metadata=auth.service_md)).tokens

    first = (await auth.register()).tokens
    second = await refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    third = await refresh(second.refresh_token)  # the rotation arrived: its token was used
    error = await expect_status(refresh(first.refresh_token), grpc.StatusCode.UNAUTHENTICATED)
    assert "reuse" in error.details()
    # The thief's reuse also kills the legitimate newer token of the same family.
    await expect_status(refresh(third.refresh_token), grpc.StatusCode.UNAUTHENTICATED)


async def test_logout_revokes_the_refresh_token(auth):
    tokens = (await auth.register()).tokens
    await auth.stub.Logout(
        auth_pb2.LogoutRequest(refresh_token=tokens.refresh_token), metadata=auth.service_md
    )
    await expect_status(
        auth.stub.Refresh(
            auth_pb2.RefreshRequest(refresh_token=tokens.refresh_token), metadata=auth.service_md
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )


async def test_update_profile(auth):
    registered = await auth.register()
    md = auth.bearer(registered.tokens.access_token)
    updated = await auth.stub.UpdateProfile(
        auth_pb2.UpdateProfileRequest(organization="Acme", bio="synthetic data"), metadata=md
    )
    assert updated.user.profile.organization == "Acme"
    assert updated.user.profile.bio == "synthetic data"
    assert updated.user.updated_at.ToDatetime() >= registered.user.created_at.ToDatetime()
    # Fields not sent stay as they were.
    again = await auth.stub.UpdateProfile(
        auth_pb2.UpdateProfileRequest(display_name="Ada"), metadata=md
    )
    assert again.user.profile.organization == "Acme"
    await expect_status(
        auth.stub.UpdateProfile(auth_pb2.UpdateProfileRequest(bio="x" * 5000), metadata=md),
        grpc.StatusCode.INVALID_ARGUMENT,
    )


def _access_claims(user_id: str, **overrides) -> dict:
    now = datetime.now(UTC)
    claims = {
        "iss": "synthetica-auth",
        "aud": "synthetica",
        "sub": user_id,
        "role": "admin",
        "typ": "access",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(overrides)
    return claims


def _signing_key(database_url: str) -> tuple[str, bytes]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        kid, pem = conn.execute(
            sa.text(
                "SELECT kid, private_key FROM auth.signing_keys WHERE retired_at IS NULL "
                "ORDER BY created_at DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    return kid, bytes(pem)


async def test_bad_access_tokens_are_refused(auth, database_url):
    user = (await auth.register()).user
    kid, pem = _signing_key(database_url)
    from cryptography.hazmat.primitives import serialization

    real_key = serialization.load_pem_private_key(pem, password=None)
    expired = jwt.encode(
        _access_claims(
            user.id,
            iat=datetime.now(UTC) - timedelta(hours=2),
            exp=datetime.now(UTC) - timedelta(hours=1),
        ),
        real_key,
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    good = jwt.encode(_access_claims(user.id), real_key, algorithm="EdDSA", headers={"kid": kid})
    header, payload, signature = good.split(".")
    forged_payload = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged_payload["sub"] = str(uuid.uuid4())
    tampered = ".".join(
        [
            header,
            base64.urlsafe_b64encode(json.dumps(forged_payload).encode()).decode().rstrip("="),
            signature,
        ]
    )
    none_header = (
        base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
        .decode()
        .rstrip("=")
    )
    alg_none = f"{none_header}.{payload}."
    wrong_key = jwt.encode(
        _access_claims(user.id),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    unknown_kid = jwt.encode(
        _access_claims(user.id),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": "not-a-key"},
    )
    refresh_typed = jwt.encode(
        _access_claims(user.id, typ="refresh"), real_key, algorithm="EdDSA", headers={"kid": kid}
    )
    me = await auth.stub.GetMe(auth_pb2.GetMeRequest(), metadata=auth.bearer(good))
    assert me.user.id == user.id
    for bad in (expired, tampered, alg_none, wrong_key, unknown_kid, refresh_typed, "garbage"):
        error = await expect_status(
            auth.stub.GetMe(auth_pb2.GetMeRequest(), metadata=auth.bearer(bad)),
            grpc.StatusCode.UNAUTHENTICATED,
        )
        assert user.email not in (error.details() or "")


async def test_api_keys_show_the_secret_once_and_can_be_revoked(auth, database_url):
    registered = await auth.register()
    md = auth.bearer(registered.tokens.access_token)
    created = await auth.stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(name="ci"), metadata=md)
    assert created.secret.startswith(created.api_key.prefix)
    listed = await auth.stub.ListApiKeys(auth_pb2.ListApiKeysRequest(), metadata=md)
    assert [k.id for k in listed.api_keys] == [created.api_key.id]
    assert created.secret not in str(listed)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT key_hash FROM auth.api_keys WHERE id = :i"), {"i": created.api_key.id}
        ).scalar_one()
    engine.dispose()
    assert stored == credentials.sha256(created.secret) and created.secret not in stored

    me = await auth.stub.GetMe(auth_pb2.GetMeRequest(), metadata=(("x-api-key", created.secret),))
    assert me.user.id == registered.user.id
    await auth.stub.RevokeApiKey(
        auth_pb2.RevokeApiKeyRequest(api_key_id=created.api_key.id), metadata=md
    )
    error = await expect_status(
        auth.stub.GetMe(auth_pb2.GetMeRequest(), metadata=(("x-api-key", created.secret),)),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    assert "revoked" in error.details()


async def test_another_users_api_key_cannot_be_revoked(auth):
    owner = await auth.register()
    other = await auth.register()
    key = await auth.stub.CreateApiKey(
        auth_pb2.CreateApiKeyRequest(name="mine"), metadata=auth.bearer(owner.tokens.access_token)
    )
    await expect_status(
        auth.stub.RevokeApiKey(
            auth_pb2.RevokeApiKeyRequest(api_key_id=key.api_key.id),
            metadata=auth.bearer(other.tokens.access_token),
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_no_credentials_are_refused_on_every_rpc(auth):
    requests = {
        "Register": auth_pb2.RegisterRequest(email=unique_email(), password=PASSWORD),
        "Login": auth_pb2.LoginRequest(email=unique_email(), password=PASSWORD),
        "Refresh": auth_pb2.RefreshRequest(refresh_token="x"),
        "Logout": auth_pb2.LogoutRequest(refresh_token="x"),
        "GetJwks": auth_pb2.GetJwksRequest(),
        "GetMe": auth_pb2.GetMeRequest(),
        "UpdateProfile": auth_pb2.UpdateProfileRequest(),
        "CreateApiKey": auth_pb2.CreateApiKeyRequest(name="x"),
        "ListApiKeys": auth_pb2.ListApiKeysRequest(),
        "RevokeApiKey": auth_pb2.RevokeApiKeyRequest(api_key_id=str(uuid.uuid4())),
        "VerifyApiKey": auth_pb2.VerifyApiKeyRequest(key="x"),
        "LookupUsers": auth_pb2.LookupUsersRequest(emails=["a@example.com"]),
        "ListUsers": auth_pb2.ListUsersRequest(),
        "SetUserDisabled": auth_pb2.SetUserDisabledRequest(user_id=str(uuid.uuid4())),
    }
    service = auth_pb2.DESCRIPTOR.services_by_name["AuthService"]
    assert set(requests) == {m.name for m in service.methods}
    for name, request in requests.items():
        for metadata in ((), (("x-service-token", "wrong"),), (("authorization", "Basic x"),)):
            await expect_status(
                getattr(auth.stub, name)(request, metadata=metadata),
                grpc.StatusCode.UNAUTHENTICATED,
            )


async def test_health_and_reflection_need_no_credentials(auth_server):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="synthetica.auth.v1.AuthService")
        )
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_service_only_rpcs_refuse_users(auth):
    user = await auth.register()
    md = auth.bearer(user.tokens.access_token)
    await expect_status(
        auth.stub.VerifyApiKey(auth_pb2.VerifyApiKeyRequest(key="x"), metadata=md),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect_status(
        auth.stub.LookupUsers(auth_pb2.LookupUsersRequest(emails=[user.user.email]), metadata=md),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    found = await auth.stub.LookupUsers(
        auth_pb2.LookupUsersRequest(emails=[user.user.email]), metadata=auth.service_md
    )
    assert [u.id for u in found.users] == [user.user.id]


@pytest.fixture
async def default_cost_auth(database_url, nats_url, service_token, tmp_path):
    """An auth service on the session's database that hashes at the default Argon2id cost
    (the suite's own auth service hashes cheaply: tests/support.py)."""
    defaults = AuthSettings.model_fields
    server = await start_auth(
        database_url=database_url,
        nats_url=nats_url,
        service_token=service_token,
        storage_url=str(tmp_path),
        **{
            name: defaults[name].default
            for name in (
                "password_hash_time_cost",
                "password_hash_memory_kib",
                "password_hash_parallelism",
            )
        },
    )
    caller = AuthCaller(server.address, service_token)
    yield caller
    await caller.close()
    await server.stop(0)


def _stored_hash(database_url: str, email: str) -> str:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT password_hash FROM auth.users WHERE email = :e"), {"e": email}
        ).scalar_one()
    engine.dispose()
    return stored


async def test_by_default_passwords_cost_rfc_9106s_low_memory_argon2id(
    default_cost_auth, auth, database_url
):
    """3 passes over 64 MiB on 4 lanes; a hash made at another cost (the suite's cheap one)
    still verifies, and one made at the default verifies on a cheaper service."""
    email = unique_email()
    await default_cost_auth.register(email)
    assert _stored_hash(database_url, email).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    cheap = unique_email()
    await auth.register(cheap)
    assert _stored_hash(database_url, cheap).startswith("$argon2id$v=19$m=64,t=1,p=1$")
    for caller, who in ((default_cost_auth, cheap), (auth, email)):
        login = await caller.stub.Login(
            auth_pb2.LoginRequest(email=who, password=PASSWORD), metadata=caller.service_md
        )
        assert login.user.email == who
    wrong = auth.stub.Login(
        auth_pb2.LoginRequest(email=email, password=PASSWORD + "x"), metadata=auth.service_md
    )
    await expect_status(wrong, grpc.StatusCode.UNAUTHENTICATED)


@pytest.mark.parametrize(
    "cost",
    [
        {"password_hash_time_cost": 0},
        {"password_hash_memory_kib": 4},
        {"password_hash_parallelism": 0},
        {"password_hash_parallelism": 8, "password_hash_memory_kib": 32},
        {"password_hash_memory_kib": 8 * 1024 * 1024},
    ],
)
def test_an_impossible_password_cost_is_refused_at_startup(cost):
    with pytest.raises(ValidationError, match="password_hash"):
        AuthSettings(**cost)
