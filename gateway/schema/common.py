"""Types shared by every domain of the schema."""

from __future__ import annotations

import functools
import operator
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Generic, Self, TypeVar, cast

import strawberry
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition
from strawberry.types.field import StrawberryField

from gateway.context import Context
from gateway.errors import ApiError, rpc_errors
from synthetica.auth.v1 import auth_pb2

T = TypeVar("T")

MAX_PAGE = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Connection(Generic[T]):
    """A page of a list. Pass ``pageInfo.endCursor`` as ``after`` to get the next page."""

    nodes: list[T]
    page_info: PageInfo


def connection(nodes: list[T], next_token: str) -> Connection[T]:
    return Connection(
        nodes=nodes,
        page_info=PageInfo(has_next_page=bool(next_token), end_cursor=next_token or None),
    )


async def call(
    info: Info[Context, None],
    rpc: Callable[..., Awaitable[Any]],
    request: Message,
    *,
    anonymous: bool = False,
    timeout: float | None = None,
) -> Any:
    """One call of a service for a resolver: with the caller's credentials (``anonymous``:
    the gateway's, for signing in), gRPC errors raised as GraphQL errors. ``timeout``
    replaces the channel's default deadline for a call that may run long."""
    ctx = info.context
    metadata = ctx.anonymous_metadata if anonymous else ctx.user_metadata
    extra = {"timeout": timeout} if timeout is not None else {}
    with rpc_errors():
        return await rpc(request, metadata=metadata, **extra)


async def fetched(
    info: Info[Context, None],
    rpc: Callable[..., Awaitable[Any]],
    request: Message,
    field: str,
    node: Callable[[Any], T],
    **options: Any,
) -> T:
    """A call's answer as one GraphQL object: the answer's ``field`` made a ``node``
    (``options``: as ``call`` takes them)."""
    response = await call(info, rpc, request, **options)
    return node(getattr(response, field))


async def done(
    info: Info[Context, None], rpc: Callable[..., Awaitable[Any]], request: Message, **options: Any
) -> bool:
    """A call whose answer is only that it worked (a delete, a logout): True, or its error."""
    await call(info, rpc, request, **options)
    return True


def page(first: int, after: str | None) -> dict[str, Any]:
    """A list request's paging fields from a connection's arguments (``first`` capped). A
    ``first`` below 1 is refused by its own name: the services read 0 as "the default page"
    (50 nodes came back for ``first: 0``) and named a negative one ``page_size``."""
    if first < 1:
        raise ApiError(
            f"first must be at least 1 (got {first})",
            code="BAD_USER_INPUT",
            fields=[{"field": "first", "message": "must be at least 1"}],
        )
    return {"page_size": min(first, MAX_PAGE), "page_token": after or ""}


async def listed(
    info: Info[Context, None],
    rpc: Callable[..., Awaitable[Any]],
    request: Message,
    field: str,
    node: Callable[[Any], T],
) -> Connection[T]:
    """A list call as a connection: the answer's ``field``, each item made a ``node``."""
    response = await call(info, rpc, request)
    return connection([node(item) for item in getattr(response, field)], response.next_page_token)


async def caller(info: Info[Context, None]) -> tuple[str, str]:
    """The signed-in caller's user id and role ("admin" or "member"), for signed links."""
    me = (await call(info, info.context.clients.auth.GetMe, auth_pb2.GetMeRequest())).user
    return me.id, "admin" if me.role == auth_pb2.USER_ROLE_ADMIN else "member"


def optional(message: Message, field: str) -> Any:
    """An optional scalar field of a proto message, None when unset."""
    return getattr(message, field) if message.HasField(field) else None


def dt(message: Message, field: str) -> datetime | None:
    """The timestamp field of a proto message as an aware datetime, None when unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def from_message(cls: type[T], message: Message, **given: Any) -> T:
    """A GraphQL object of ``cls`` from a proto message: the fields ``given``, and every other
    field the message's field of the same name, as ``optional`` and ``dt`` read it (a repeated
    one as a list). An enum or a nested message has no one reading, so it must be given."""
    for name, read in _readers(cls, message.DESCRIPTOR):
        if name not in given:
            given[name] = read(message)
    return cls(**given)


Reader = Callable[[Message], Any]
M = TypeVar("M", bound=Message)


class FromProto(Generic[M]):
    """A GraphQL object whose every field is its proto ``M``'s field of the same name, as
    ``from_message`` reads it."""

    @classmethod
    def from_proto(cls, message: M) -> Self:
        return from_message(cls, message)


@functools.cache
def _readers(cls: type, descriptor: Descriptor) -> tuple[tuple[str, Reader], ...]:
    """How to read each field of ``cls`` from a message of ``descriptor``, worked out once
    per pair: a dataset's answer makes a dozen objects, and finding the same fields in the
    type and the message each time was a tenth of the gateway's work for it."""
    fields = descriptor.fields_by_name
    return tuple(
        (field.python_name, _reader(fields.get(field.python_name), descriptor, cls, field))
        for field in get_object_definition(cls, strict=True).fields
        if field.init
    )


def _reader(
    field: FieldDescriptor | None, descriptor: Descriptor, cls: type, target: StrawberryField
) -> Reader:
    where = f"{cls.__name__}.{target.python_name}"
    if field is None:
        return _must_be_given(f"{where} must be given: the {descriptor.name} has no such field")
    name = field.name
    if field.message_type is not None and field.message_type.full_name == _TIMESTAMP:
        return lambda message: dt(message, name)
    if field.message_type is not None or field.enum_type is not None:
        return _must_be_given(f"{where} must be given: there is no one reading of it")
    if field.is_repeated:
        return lambda message: list(getattr(message, name))
    if field.has_presence:
        return lambda message: optional(message, name)
    return operator.attrgetter(name)


def _must_be_given(error: str) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        raise TypeError(error)

    return read


_TIMESTAMP = "google.protobuf.Timestamp"


def from_document(cls: type[T], document: dict[str, Any], **given: Any) -> T:
    """A GraphQL object of ``cls`` from a JSON document (a report's parts): the fields
    ``given``, and every other field the document's key of the same name, read by the field's
    type: an optional scalar or JSON as it is (None when absent), an int or bool as one (0 or
    false when absent), a str as it is (it must be there), a list of scalars item by item. Any
    other field has no one reading, so it must be given."""
    for name, read in _document_readers(cls):
        if name not in given:
            given[name] = read(document)
    return cls(**given)


class FromDocument:
    """A GraphQL object whose every field is its document's key of the same name, as
    ``from_document`` reads it."""

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Self:
        return from_document(cls, document)


def each(document: dict[str, Any], key: str, node: Callable[[dict[str, Any]], T]) -> list[T]:
    """The document's list ``key`` (empty when absent), each item made a ``node``."""
    return [node(item) for item in document.get(key) or []]


DocumentReader = Callable[[dict[str, Any]], Any]
_SCALARS: tuple[type, ...] = (bool, int, float, str)


@functools.cache
def _document_readers(cls: type) -> tuple[tuple[str, DocumentReader], ...]:
    return tuple(
        (field.python_name, _document_reader(cls, field))
        for field in get_object_definition(cls, strict=True).fields
        if field.init
    )


def _document_reader(cls: type, field: StrawberryField) -> DocumentReader:
    name, kind = field.python_name, field.type
    if isinstance(kind, StrawberryOptional) and (kind.of_type in _SCALARS or kind.of_type is JSON):
        return lambda document: document.get(name)
    if isinstance(kind, StrawberryList) and kind.of_type in _SCALARS:
        item = kind.of_type
        return lambda document: [item(value) for value in document.get(name) or []]
    if kind is str:
        return operator.itemgetter(name)
    if kind in (bool, int, float):
        number = cast("type[int]", kind)
        return lambda document: number(document.get(name, number()))
    return _must_be_given(f"{cls.__name__}.{name} must be given: there is no one reading of it")


E = TypeVar("E", bound=Enum)


def from_proto_enum(enum: type[E], value: int) -> E | None:
    """The GraphQL enum member of a proto enum value. Every GraphQL enum here has the proto's
    numbers as its values (``JobStatus.RUNNING = training_pb2.JOB_STATUS_RUNNING``), so this is
    the one mapping; None for UNSPECIFIED or a value a newer service added."""
    try:
        return enum(value)
    except ValueError:
        return None
