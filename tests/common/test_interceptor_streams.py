"""A client that goes away in the middle of a streamed answer (a download cancelled, a
deadline passed) leaves the server's logs clean: the interceptors' scopes end in the call's
own task, not later in the event loop's finalizer, where resetting the request id and the
span raised errors that nobody retrieved."""

from __future__ import annotations

import asyncio
import gc
import logging

import grpc

from common.grpc_server import create_server

CHUNK = b"x" * (1 << 20)


async def _forever(request: bytes, context: grpc.aio.ServicerContext):
    while True:
        yield CHUNK  # more than the client reads: the server waits on flow control


def _register(server: grpc.aio.Server) -> None:
    handler = grpc.unary_stream_rpc_method_handler(
        _forever, request_deserializer=bytes, response_serializer=bytes
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("test.Streams", {"Forever": handler}),)
    )


async def test_a_stream_the_client_cancels_ends_without_errors_in_the_log(caplog):
    server = create_server(
        host="127.0.0.1", port=0, service_names=[], register=_register, authenticator=None
    )
    await server.start()
    caplog.set_level(logging.WARNING)
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            method = channel.unary_stream(
                "/test.Streams/Forever", request_serializer=bytes, response_deserializer=bytes
            )
            for _ in range(3):
                call = method(b"")
                received = 0
                async for chunk in call:
                    received += len(chunk)
                    if received >= 2 * len(CHUNK):
                        break
                call.cancel()
            await asyncio.sleep(0.5)
        gc.collect()
        await asyncio.sleep(0.5)
    finally:
        await server.stop(0)
    problems = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR or "different Context" in r.getMessage()
    ]
    assert problems == []
