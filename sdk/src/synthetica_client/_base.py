"""What the asynchronous resources share: the objects' base class, argument checks, and
paging. The asynchronous objects do the work; the synchronous ones mirror them
(``_mirror.py``)."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, ParamSpec, TypeVar

from pydantic import PrivateAttr

from synthetica_client._generated.base_model import BaseModel
from synthetica_client.errors import BadUserInput

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient

POLL_SECONDS = 1.0
PAGE = 100

E = TypeVar("E", bound=enum.Enum)
B = TypeVar("B", bound="Bound")
P = ParamSpec("P")
R = TypeVar("R")


def id_of(obj: Any) -> str:
    return obj if isinstance(obj, str) else str(obj.id)


# An id as the server writes it. Python's UUID parser also reads 32 hex digits (an md5 a
# dataset may be named by), braces and "urn:uuid:": those are names.
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def is_uuid(value: str) -> bool:
    return _ID.fullmatch(value) is not None


def enum_of(kind: type[E], value: Any, field: str) -> E:
    try:
        return kind(str(value).upper())
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise BadUserInput(
            f"{field} must be one of {allowed}",
            extensions={"fields": [{"field": field, "message": f"unknown value {value!r}"}]},
        ) from None


def enum_or_none(kind: type[E], value: Any, field: str) -> E | None:
    return enum_of(kind, value, field) if value else None


async def all_pages(
    query: Callable[..., Awaitable[Any]], field: str, limit: int | None, **filters: Any
) -> list[Any]:
    """Every node of a paginated query (``field`` of its answer), page after page, up to
    ``limit``."""
    found: list[Any] = []
    after: str | None = None
    while limit is None or len(found) < limit:
        # No more than ``limit`` asked for: ``newest`` (limit 1) fetches one node, not a page.
        size = PAGE if limit is None else min(PAGE, limit - len(found))
        page = getattr(await query(first=size, after=after, **filters), field)
        found.extend(page.nodes)
        if not page.page_info.has_next_page or not page.nodes:
            break
        after = page.page_info.end_cursor
    return found[:limit] if limit is not None else found


def forward(
    resource: str, method: Callable[Concatenate[Any, P], Awaitable[R]]
) -> Callable[Concatenate[Any, P], Awaitable[R]]:
    """A client method that is one of its resource's, with its parameters and help:
    ``forward("datasets", AsyncDatasets.upload_tables)`` on the client runs
    ``client.datasets.upload_tables``."""
    name = method.__name__

    @functools.wraps(method)
    async def run(self: Any, *args: P.args, **kwargs: P.kwargs) -> R:
        return await getattr(getattr(self, resource), name)(*args, **kwargs)

    return run


class Data(BaseModel):
    """An object's data with the client it came from."""

    _client: Any = PrivateAttr(default=None)

    def _absorb(self, fresh: Any) -> Any:
        """Takes the fields of a newer copy of this object: objects stay current."""
        self.__dict__.update({name: getattr(fresh, name) for name in type(self).model_fields})
        return self


class Bound(Data):
    """An asynchronous object; ``_resource`` names the client's namespace that loads it."""

    _resource: ClassVar[str] = ""

    @classmethod
    def bind(cls: Any, data: Any, client: AsyncClient) -> Any:
        obj = cls.model_validate(data.model_dump(by_alias=True))
        obj._client = client
        return obj

    async def refresh(self: B) -> B:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await getattr(self._client, self._resource).get(self.id))
