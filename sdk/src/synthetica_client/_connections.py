"""Database connections: ``client.connections`` and ``Connection`` objects (test, import a
table or a query into a dataset), asynchronous and synchronous. Exporting a batch is
``batch.export_to(connection, table, mode=...)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthetica_client._base import Bound, all_pages, id_of
from synthetica_client._datasets import AsyncDataset, Dataset
from synthetica_client._generated.fragments import ConnectionFields
from synthetica_client._mirror import Mirror, Namespace, blocking, mirrors
from synthetica_client.errors import BadUserInput

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient
    from synthetica_client._projects import ProjectRef

# A connection as the methods take it: its id or the object (of either client).
ConnectionRef = str | ConnectionFields


@dataclass(frozen=True)
class ConnectionTest:
    """``ok``, or why not: ``error_code`` (AUTH_FAILED, UNREACHABLE, TIMEOUT,
    ADDRESS_REFUSED, DATABASE_NOT_FOUND, CONNECT_FAILED) and a message."""

    ok: bool
    error_code: str | None
    message: str


class AsyncConnection(Bound, ConnectionFields):
    _resource = "connections"

    async def test(self) -> ConnectionTest:
        """Connects once (a short timeout) and says whether that worked."""
        answer = (await self._client._t.test_connection(id=self.id)).test_connection
        code = answer.error_code.value if answer.error_code else None
        return ConnectionTest(ok=answer.ok, error_code=code, message=answer.message)

    async def import_table(self, table: str, *, name: str = "") -> AsyncDataset:
        """A new dataset of this connection's project from ``table`` (or ``schema.table``),
        with the source's column types."""
        return await self._import(name=name or table, table=table)

    async def import_query(self, query: str, *, name: str) -> AsyncDataset:
        """A new dataset from one read-only query (SELECT, WITH, VALUES or TABLE)."""
        return await self._import(name=name, query=query)

    async def _import(self, **fields: Any) -> AsyncDataset:
        result = await self._client._t.import_dataset(
            connection_id=self.id, project_id=self.project_id, **fields
        )
        return AsyncDataset.bind(result.import_dataset, self._client)

    async def delete(self) -> None:
        await self._client._t.delete_connection(id=self.id)


class AsyncConnections:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def create(self, project: ProjectRef, name: str, url: str) -> AsyncConnection:
        """Saves ``url`` (an SQLAlchemy URL; ``postgresql://user:password@host/db``): its
        password is encrypted on the server and never shown again."""
        project_id = (await self._c.projects.get(project)).id
        result = await self._c._t.create_connection(project_id=project_id, name=name, url=url)
        return AsyncConnection.bind(result.create_connection, self._c)

    async def list(self, project: ProjectRef, *, limit: int | None = None) -> list[AsyncConnection]:
        project_id = (await self._c.projects.get(project)).id
        found = await all_pages(self._c._t.connections, "connections", limit, project_id=project_id)
        return [AsyncConnection.bind(c, self._c) for c in found]

    async def get(self, connection: ConnectionRef, project: ProjectRef) -> AsyncConnection:
        """One of the project's connections, by id or name."""
        if isinstance(connection, AsyncConnection):
            return connection
        wanted = connection if isinstance(connection, str) else id_of(connection)
        for found in await self.list(project):
            if wanted in (found.id, found.name):
                return found
        raise BadUserInput(f"the project has no connection {wanted!r}")


@mirrors(AsyncConnection)
class Connection(Mirror, ConnectionFields):
    test = blocking(AsyncConnection.test, ConnectionTest)
    import_table = blocking(AsyncConnection.import_table, Dataset)
    import_query = blocking(AsyncConnection.import_query, Dataset)
    delete = blocking(AsyncConnection.delete, type(None))


class Connections(Namespace):
    create = blocking(AsyncConnections.create, Connection)
    list = blocking(AsyncConnections.list, list[Connection])
    get = blocking(AsyncConnections.get, Connection)
