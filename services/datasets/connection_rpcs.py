"""DatasetsService's connection RPCs: saving a project's database connections, testing them,
importing a table or a query into a new dataset, and exporting a batch into a table.

The datasets service runs imports and exports, not training: it owns the connections, so
their credentials are decrypted only here and never cross a service boundary. An export
reads the batch through the training client on behalf of the caller, as evaluation does, so
training decides whether the caller may read that batch.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa

from common.addresses import AddressPolicy, SecretBox
from common.db import Database
from common.errors import DomainError, FailedPrecondition, InvalidArgument, NotFound
from common.pagination import page_of
from common.storage import Storage
from services.datasets import connections, convert, files, models, service
from services.datasets.connectors import connect, sink, source, sql, urls
from services.datasets.enums import ExportMode
from services.datasets.ingest import IngestError, IngestOptions
from services.datasets.ingest_quota import check_ingesting, counted
from services.datasets.member_rpcs import calling_user
from services.datasets.settings import DatasetsSettings
from services.datasets.tables import default_table_name
from services.training.client import TrainingClient
from synthetica.datasets.v1 import datasets_pb2

T = TypeVar("T")

ERRORS: dict[str, type[DomainError]] = {
    "NotFound": NotFound,
    "FailedPrecondition": FailedPrecondition,
    "ConnectFailed": connect.ConnectFailed,
}
EXPORT_MODES = {
    datasets_pb2.EXPORT_MODE_CREATE: ExportMode.CREATE,
    datasets_pb2.EXPORT_MODE_APPEND: ExportMode.APPEND,
}


@dataclass(frozen=True)
class ConnectorTools:
    policy: AddressPolicy
    secrets: SecretBox
    training: TrainingClient
    # Connecting, importing and exporting block on the database for up to minutes: they get
    # threads of their own, so they never hold up the service's other calls.
    threads: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(8, thread_name_prefix="connectors")
    )

    # Exports run in processes started fresh (spawn): the service sets a psycopg2 wait
    # callback (common.db), under which COPY is refused ("copy_expert cannot be used with an
    # asynchronous callback"); a forked child would inherit it.
    processes: ProcessPoolExecutor = field(
        default_factory=lambda: ProcessPoolExecutor(2, mp_context=get_context("spawn"))
    )

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.threads, fn, *args)

    async def export(self, job: sink.ExportJob) -> int:
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(self.processes, sink.run_export, job)
        if isinstance(outcome, sink.Refused):
            raise ERRORS[outcome.kind](outcome.message, reason=outcome.reason)
        return outcome

    async def close(self) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
        self.processes.shutdown(wait=False, cancel_futures=True)


class ConnectionRpcs:
    """The connections part of DatasetsServicer, which provides these attributes."""

    db: Database
    storage: Storage
    settings: DatasetsSettings
    connectors: ConnectorTools

    async def _target(self, connection: models.Connection) -> connect.Target:
        url = urls.parse_url(self.connectors.secrets.open(connection.sealed_url))
        return await connect.check_address(
            self.connectors.policy, url, self.settings.connection_timeout_seconds
        )

    async def CreateConnection(
        self, request: datasets_pb2.CreateConnectionRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.CreateConnectionResponse:
        user = calling_user()
        await self.db.call(
            service.require_role,
            project_id=request.project_id,
            user_id=user.user_id,
            required=models.EDITOR,
        )
        url = urls.parse_url(request.url)
        try:
            await connect.check_address(self.connectors.policy, url, 0)
        except connect.ConnectFailed as exc:
            raise InvalidArgument(exc.message, field="url", reason=exc.reason) from None
        saved = await self.db.call(
            connections.create_connection,
            user_id=user.user_id,
            project_id=request.project_id,
            name=request.name,
            dialect=url.get_backend_name(),
            masked_url=urls.masked(url),
            sealed_url=self.connectors.secrets.seal(url.render_as_string(hide_password=False)),
            max_per_project=self.settings.max_connections_per_project,
        )
        return datasets_pb2.CreateConnectionResponse(connection=convert.connection_to_proto(saved))

    async def ListConnections(
        self, request: datasets_pb2.ListConnectionsRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ListConnectionsResponse:
        rows, next_token = await self.db.call(
            connections.list_connections,
            user_id=calling_user().user_id,
            project_id=request.project_id,
            **page_of(request),
        )
        return datasets_pb2.ListConnectionsResponse(
            connections=[convert.connection_to_proto(c) for c in rows], next_page_token=next_token
        )

    async def DeleteConnection(
        self, request: datasets_pb2.DeleteConnectionRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.DeleteConnectionResponse:
        await self.db.call(
            connections.delete_connection,
            user_id=calling_user().user_id,
            connection_id=request.connection_id,
        )
        return datasets_pb2.DeleteConnectionResponse()

    async def TestConnection(
        self, request: datasets_pb2.TestConnectionRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.TestConnectionResponse:
        saved = await self.db.call(
            connections.get_connection,
            user_id=calling_user().user_id,
            connection_id=request.connection_id,
        )
        try:
            target = await self._target(saved)
            await self.connectors.run(connect.probe, target)
        except connect.ConnectFailed as exc:
            return datasets_pb2.TestConnectionResponse(
                ok=False,
                error_code=datasets_pb2.ConnectionErrorCode.Value(
                    "CONNECTION_ERROR_CODE_" + exc.reason
                ),
                message=exc.message,
            )
        return datasets_pb2.TestConnectionResponse(ok=True)

    # --- import -------------------------------------------------------------------------

    async def ImportDataset(
        self, request: datasets_pb2.ImportDatasetRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ImportDatasetResponse:
        user = calling_user()
        saved = await self.db.call(
            connections.get_connection, user_id=user.user_id, connection_id=request.connection_id
        )
        project_id = request.project_id or str(saved.project_id)
        if project_id != str(saved.project_id):
            raise InvalidArgument("a connection imports into its own project", field="project_id")
        statement, table_name = _statement(request)
        name = service.validate_name(request.name or table_name or "query", "name")
        target = await self._target(saved)
        dataset_id = str(uuid.uuid4())
        limit = self.settings.max_ingesting_per_user
        await self.db.call(check_ingesting, user_id=user.user_id, limit=limit)
        try:
            await self.connectors.run(self._stream_import, target, statement, dataset_id)
            dataset = await self.db.call(
                counted(service.create_dataset),
                max_ingesting=limit,
                user_id=user.user_id,
                project_id=project_id,
                dataset_id=dataset_id,
                name=name,
                file_name="",
                options=self._import_options(),
                size_bytes=await asyncio.to_thread(self.storage.size, files.upload_key(dataset_id)),
                table_name=default_table_name("", table_name or name),
            )
        except BaseException:
            await asyncio.to_thread(files.remove_all, self.storage, dataset_id)
            raise
        dataset = await self._ingest_new(dataset, self._import_options(), request.wait_seconds)
        return datasets_pb2.ImportDatasetResponse(dataset=convert.dataset_to_proto(dataset))

    def _import_options(self) -> IngestOptions:
        return IngestOptions(
            format="parquet",
            typed_source=True,
            holdout_fraction=self.settings.default_holdout_fraction,
        )

    def _stream_import(
        self, target: connect.Target, statement: sa.Executable, dataset_id: str
    ) -> None:
        db = connect.engine(target, self.settings.connection_statement_timeout_seconds)
        try:
            connection = db.connect()
        except sa.exc.DBAPIError as exc:
            db.dispose()
            raise connect.classify(exc, target) from None
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    _read_only(connection, self.settings.connection_statement_timeout_seconds)
                source.stream_rows(
                    connection,
                    statement,
                    fs=self.storage.fs,
                    out_path=self.storage.path(files.upload_key(dataset_id)),
                    limits=self.settings.ingest_limits(),
                    batch_rows=self.settings.import_batch_rows,
                )
        except IngestError as exc:
            raise InvalidArgument(exc.message, field="query", reason=exc.code.upper()) from None
        except sa.exc.DBAPIError as exc:
            raise InvalidArgument(
                f"the database refused the import: {connect.server_message(exc)}",
                field="query",
                reason="SOURCE_QUERY_FAILED",
            ) from None
        finally:
            connection.close()
            db.dispose()

    # --- export -------------------------------------------------------------------------

    async def ExportBatch(
        self, request: datasets_pb2.ExportBatchRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.ExportBatchResponse:
        user = calling_user()
        mode = EXPORT_MODES.get(request.mode)
        if mode is None:
            raise InvalidArgument(
                "mode must be CREATE or APPEND", field="mode", reason="EXPORT_MODE_REQUIRED"
            )
        schema, table = sql.table_name(request.table)
        saved = await self.db.call(
            connections.get_connection, user_id=user.user_id, connection_id=request.connection_id
        )
        if saved.dialect != "postgresql":
            raise FailedPrecondition(
                "batches export to PostgreSQL only", reason="EXPORT_UNSUPPORTED"
            )
        batch = await self.connectors.training.get_batch(request.batch_id, on_behalf_of=user)
        if batch.project_id != str(saved.project_id):
            raise FailedPrecondition(
                "the batch is not in the connection's project", reason="BATCH_OTHER_PROJECT"
            )
        target = await self._target(saved)
        with tempfile.NamedTemporaryFile(suffix=".parquet") as spool:
            await self.connectors.training.download_parquet(
                request.batch_id, spool, on_behalf_of=user, table=request.batch_table
            )
            spool.flush()
            job = sink.ExportJob(
                url=target.url.render_as_string(hide_password=False),
                address=str(target.address),
                connect_seconds=target.timeout_seconds,
                statement_seconds=self.settings.connection_statement_timeout_seconds,
                parquet_path=spool.name,
                schema=schema,
                table=table,
                mode=mode,
            )
            rows = await self.connectors.export(job)
        shown = f"{schema}.{table}" if schema else table
        return datasets_pb2.ExportBatchResponse(row_count=rows, table=shown)


def _statement(request: datasets_pb2.ImportDatasetRequest) -> tuple[sa.Executable, str]:
    """The statement to run, and the table's name (empty for a query)."""
    if bool(request.table) == bool(request.query):
        raise InvalidArgument("give a table or a query (one of them)", field="table")
    if request.query:
        # Colons escaped: text() would read ':name' as a parameter, even in a literal.
        return sa.text(sql.read_only_query(request.query).replace(":", "\\:")), ""
    schema, table = sql.table_name(request.table)
    return sa.select(sa.text("*")).select_from(sa.table(table, schema=schema)), table


def _read_only(connection: sa.Connection, timeout_seconds: int) -> None:
    """The transaction reads only, and each statement stops after ``timeout_seconds``."""
    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    connection.execute(
        sa.text("SELECT set_config('statement_timeout', :value, true)"),
        {"value": f"{timeout_seconds}s"},
    )
