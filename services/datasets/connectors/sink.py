"""Exporting a batch's Parquet file into a PostgreSQL table with COPY.

One transaction: the table is created (CREATE, refused when it exists) or its columns are
checked against the batch's (APPEND), each Parquet batch is sent as CSV through
``COPY ... FROM STDIN`` (memory holds one batch), and the rows COPY reports and the rows the
table gained are both compared with the file's before the commit; any difference rolls
everything back.
"""

from __future__ import annotations

import io
import ipaddress
from dataclasses import dataclass

import psycopg2
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from psycopg2 import sql

from common.errors import DomainError, FailedPrecondition, NotFound
from services.datasets.connectors import connect
from services.datasets.enums import ExportMode
from services.datasets.ingest.parquet_io import iter_batches, open_parquet, plain_schema

COPY_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class ExportJob:
    """What a child process needs to export (plain data: it crosses the process boundary)."""

    url: str
    address: str
    connect_seconds: int
    statement_seconds: int
    parquet_path: str
    schema: str | None
    table: str
    mode: ExportMode


@dataclass(frozen=True)
class Refused:
    """A domain error from the child (they do not pickle): its class name, reason, message."""

    kind: str
    reason: str
    message: str


def run_export(job: ExportJob) -> int | Refused:
    """Connects and exports; runs in a child process."""
    target = connect.Target(
        sa.make_url(job.url), ipaddress.ip_address(job.address), job.connect_seconds
    )
    db = connect.engine(target, job.statement_seconds)
    try:
        try:
            raw = db.raw_connection()
        except sa.exc.DBAPIError as exc:
            raise connect.classify(exc, target) from None
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", (f"{job.statement_seconds}s",))
            return export_parquet(
                raw,
                parquet_path=job.parquet_path,
                schema=job.schema,
                table=job.table,
                mode=job.mode,
            )
        except psycopg2.Error as exc:
            raise FailedPrecondition(
                f"the database refused the export: {connect.server_message(exc)}",
                reason="EXPORT_FAILED",
            ) from None
        finally:
            raw.close()
    except DomainError as exc:
        return Refused(type(exc).__name__, exc.reason, exc.message)
    finally:
        db.dispose()


def _pg_type(data_type: pa.DataType) -> str:
    if pa.types.is_boolean(data_type):
        return "boolean"
    if pa.types.is_integer(data_type):
        return "bigint"
    if pa.types.is_floating(data_type):
        return "double precision"
    if pa.types.is_timestamp(data_type):
        return "timestamp"
    if pa.types.is_date(data_type):
        return "date"
    return "text"


def export_parquet(
    raw_connection, *, parquet_path: str, schema: str | None, table: str, mode: ExportMode
) -> int:
    """Writes the file's rows into ``schema.table``; returns the rows written. The caller
    opened ``raw_connection`` (a psycopg2 connection) and closes it."""
    parquet = open_parquet(parquet_path)
    columns = plain_schema(parquet)
    expected = parquet.metadata.num_rows
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    names = sql.SQL(", ").join(sql.Identifier(n) for n in columns.names)
    try:
        with raw_connection.cursor() as cursor:
            existing = _columns(cursor, schema, table)
            if mode == ExportMode.CREATE:
                if existing:
                    raise FailedPrecondition(
                        f"the table {table!r} exists; export with APPEND to add rows to it",
                        reason="TABLE_EXISTS",
                    )
                cursor.execute(_create(target, columns))
            else:
                _check_columns(existing, columns.names, table)
            before = _count(cursor, target)
            copied = 0
            copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(target, names)
            for batch in iter_batches(parquet, COPY_BATCH_ROWS):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
                buffer.seek(0)
                cursor.copy_expert(copy, buffer)
                copied += cursor.rowcount
            gained = _count(cursor, target) - before
            if not copied == gained == expected:
                raise FailedPrecondition(
                    f"{expected:,} rows to write, but COPY wrote {copied:,} and the table "
                    f"gained {gained:,}: nothing was written",
                    reason="ROW_COUNT_MISMATCH",
                )
        raw_connection.commit()
    except BaseException:
        raw_connection.rollback()
        raise
    return expected


def _columns(cursor, schema: str | None, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = coalesce(%s, current_schema()) AND table_name = %s"
        " ORDER BY ordinal_position",
        (schema, table),
    )
    return [row[0] for row in cursor.fetchall()]


def _create(target: sql.Composable, columns: pa.Schema) -> sql.Composed:
    definitions = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(_pg_type(f.type))) for f in columns
    )
    return sql.SQL("CREATE TABLE {} ({})").format(target, definitions)


def _check_columns(existing: list[str], wanted: list[str], table: str) -> None:
    if not existing:
        raise NotFound(
            f"no table {table!r} (or no right to see it); export with CREATE to make it",
            reason="TABLE_NOT_FOUND",
        )
    if sorted(existing) != sorted(wanted):
        missing = sorted(set(wanted) - set(existing))
        extra = sorted(set(existing) - set(wanted))
        raise FailedPrecondition(
            f"the table's columns differ from the batch's: missing {missing}, not in the "
            f"batch {extra}",
            reason="COLUMNS_MISMATCH",
        )


def _count(cursor, target: sql.Composable) -> int:
    cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(target))
    return int(cursor.fetchone()[0])
