"""Text that cannot be stored is refused on the way in.

PostgreSQL's text cannot hold NUL (U+0000), a valid character in a protobuf string: a project,
dataset or API key name, a description, a profile or a comment holding one reached the
database and failed there, answered as an internal error (after an upload's whole file had
streamed, for a dataset name). Rather than each validator remembering it, one server
interceptor looks at every string of every request message (each message of a client stream
too) and refuses one with NUL as INVALID_ARGUMENT naming the field (``columns[2].name``).
Bytes fields (uploaded files) are data, not text, and pass untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from common.errors import InvalidArgument
from common.interceptors import HandlerInterceptor, rewrap

NUL = "\x00"


def nul_field(message: Message, prefix: str = "") -> str | None:
    """The path of the first string field of ``message`` (nested messages, lists and maps
    included) that holds NUL; None when there is none."""
    for field, value in message.ListFields():
        path = prefix + field.name
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            found = _in_map(value, path, entry.fields_by_name["value"])
        elif field.is_repeated:
            found = next(
                (
                    hit
                    for i, item in enumerate(value)
                    if (hit := _in_value(field, item, f"{path}[{i}]")) is not None
                ),
                None,
            )
        else:
            found = _in_value(field, value, path)
        if found is not None:
            return found
    return None


def _in_map(items: Any, path: str, value_field: FieldDescriptor) -> str | None:
    for key, item in items.items():
        where = f"{path}[{key!r}]"
        if isinstance(key, str) and NUL in key:
            return where
        if (hit := _in_value(value_field, item, where)) is not None:
            return hit
    return None


def _in_value(field: FieldDescriptor, value: Any, path: str) -> str | None:
    if field.type == FieldDescriptor.TYPE_STRING:
        return path if NUL in value else None
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return nul_field(value, path + ".")
    return None


def check_request(message: Any) -> None:
    """Raises InvalidArgument when a string of ``message`` holds NUL."""
    if isinstance(message, Message) and (path := nul_field(message)) is not None:
        raise InvalidArgument(
            f"{path} must not contain NUL characters (U+0000)", field=path, reason="NUL_IN_TEXT"
        )


async def _checked_stream(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for message in requests:
        check_request(message)
        yield message


def _checked(inner: Callable, *, streaming: bool) -> Callable:
    def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if streaming:
            return inner(_checked_stream(request), context)
        check_request(request)
        return inner(request, context)

    return call


class RequestTextInterceptor(HandlerInterceptor):
    """Refuses requests with NUL in a string field (see the module's docstring). Placed
    inside the error interceptor, which turns the refusal into its status."""

    def wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        return rewrap(handler, lambda inner, streams, _: _checked(inner, streaming=streams))
