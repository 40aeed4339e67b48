"""Outbound channels: every call carries the request id and a deadline, whether the channel
adds them with interceptors (make_channel) or by wrapping each method (ContextChannel, the
gateway's)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from common.clients import ContextChannel, make_channel
from common.context import request_id_var

METHOD = "/sizing.Echo/Seen"


async def seen(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    """Answers what the server saw: the request id and the seconds left before the deadline."""
    metadata = dict(context.invocation_metadata() or ())
    return f"{metadata.get('x-request-id', '')}|{context.time_remaining()}".encode()


@pytest.fixture
async def address() -> AsyncIterator[str]:
    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "sizing.Echo", {"Seen": grpc.unary_unary_rpc_method_handler(seen)}
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


# The deadline travels as a grpc-timeout header of at most 8 digits, rounded up to its unit,
# and the server's clock starts later than the client's: what it sees may exceed what was
# asked by a fraction of a second (60.0997 s once in CI for 60 s).
SLACK = 0.5


def channels(address: str) -> list[ContextChannel | grpc.aio.Channel]:
    return [
        ContextChannel(address, default_timeout=7.0),
        make_channel(address, default_timeout=7.0),
    ]


async def ask(channel: ContextChannel | grpc.aio.Channel, **kwargs: object) -> tuple[str, float]:
    call = channel.unary_unary(METHOD)
    answer: bytes = await call(b"", **kwargs)
    request_id, remaining = answer.decode().split("|")
    return request_id, float(remaining)


async def test_calls_carry_the_request_id_and_the_default_deadline(address):
    token = request_id_var.set("req-from-the-context")
    try:
        for channel in channels(address):
            request_id, remaining = await ask(channel)
            assert request_id == "req-from-the-context"
            assert 0 < remaining <= 7.0 + SLACK
            await channel.close()
    finally:
        request_id_var.reset(token)


async def test_what_the_caller_gives_wins(address):
    token = request_id_var.set("req-from-the-context")
    try:
        for channel in channels(address):
            request_id, remaining = await ask(
                channel, timeout=60.0, metadata=(("x-request-id", "given"),)
            )
            assert request_id == "given"
            assert 7.0 + SLACK < remaining <= 60.0 + SLACK
            await channel.close()
    finally:
        request_id_var.reset(token)
