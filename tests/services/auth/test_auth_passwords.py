"""Password policy: common and easily guessed passwords are refused
however they are dressed up (padding, zero-width or full-width characters), and a password
is compared in its NFKC form, so the same password typed on another keyboard still works."""

from __future__ import annotations

import grpc
import pytest

from services.auth import credentials
from synthetica.auth.v1 import auth_pb2
from tests.support import PASSWORD, AuthCaller, unique_email

ZERO_WIDTH_SPACE, ZERO_WIDTH_JOINER = "\u200b", "\u200d"


def full_width(text: str) -> str:
    """The same characters as a full-width (East Asian) keyboard types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "password",
    [
        "qwerty12345",
        "letmein1234",
        "admin123456",
        "password123",
        "Password2024",
        "   qwerty12345   ",
        "\tletmein1234\n",
        f"qwerty{ZERO_WIDTH_SPACE}12345",
        f"{ZERO_WIDTH_JOINER}admin123456{ZERO_WIDTH_SPACE}",
        full_width("qwerty12345"),  # NFKC makes it qwerty12345
        "q w e r t y 1 2 3 4 5",
        "aaaaaaaaaa1",
        "1234567890a",
    ],
)
def test_guessable_passwords_are_refused(password):
    violations = credentials.password_violations(password, email="ada@example.com", min_length=10)
    assert violations, password
    assert violations[0].field == "password"


@pytest.mark.parametrize(
    "password", [PASSWORD, "Tr0ub4dor&3x-plus", "vivid-otter-marble-7", "Zürich-Ölbaum-1987"]
)
def test_strong_passwords_are_accepted(password):
    assert credentials.password_violations(password, email="ada@example.com", min_length=10) == []


def test_padding_does_not_count_towards_the_length():
    assert credentials.password_violations("  Xk7#p  ", email="a@example.com", min_length=10)


@pytest.mark.parametrize("password", ["grace-hopper-77-x", "GraceHopper-7x#q"])
def test_passwords_naming_the_account_are_refused(password):
    violations = credentials.password_violations(
        password, email="grace.hopper@example.com", min_length=10
    )
    assert violations and "name of your email" in violations[0].description


def test_control_characters_are_refused():
    assert credentials.password_violations("vivid-otter\x00-7", email="a@b.com", min_length=10)


@pytest.fixture
async def auth(auth_server, service_token):
    caller = AuthCaller(auth_server.address, service_token)
    yield caller
    await caller.close()


async def test_the_same_password_typed_differently_logs_in(auth):
    """Registered with ASCII; logging in with the full-width form, or with a zero-width
    character pasted along, is the same password."""
    email = unique_email()
    await auth.register(email, password="vivid-otter-marble-7")
    for typed in (
        full_width("vivid-otter-marble-7"),
        f"vivid-otter{ZERO_WIDTH_SPACE}-marble-7",
    ):
        reply = await auth.stub.Login(
            auth_pb2.LoginRequest(email=email, password=typed),
            metadata=(*auth.service_md, ("x-client-ip", "198.18.0.1")),
        )
        assert reply.user.email == email


async def test_a_weak_password_is_refused_at_registration(auth):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await auth.register(unique_email(), password="  letmein1234\u200b")
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "password" in info.value.details()
