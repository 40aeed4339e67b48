"""A source database on the session's PostgreSQL server for the connection tests: its own
database, a reader role with CONNECT and SELECT on one table, and a writer role that may
create tables in one schema, both with passwords (checked with scram-sha-256 for them)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


@dataclass(frozen=True)
class SourceDb:
    host: str
    port: int
    database: str
    reader: str
    writer: str
    password: str
    admin_url: str

    def url(self, role: str, password: str | None = None, port: int | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{role}:{secret}@{self.host}:{port or self.port}/{self.database}"


def create_source(server_url: str) -> SourceDb:
    suffix = uuid.uuid4().hex[:8]
    database, reader, writer = f"src_{suffix}", f"reader_{suffix}", f"writer_{suffix}"
    password = "pw-" + secrets.token_hex(8)
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        for role in (reader, writer):
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
            conn.execute(sa.text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
        hba = Path(conn.execute(sa.text("SHOW hba_file")).scalar_one())
        rule = f"host all {reader},{writer} 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(rule + hba.read_text())
        conn.execute(sa.text("SELECT pg_reload_conf()"))
    admin.dispose()
    url = sa.make_url(server_url).set(database=database)
    source = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with source.connect() as conn:
        conn.execute(sa.text(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {reader}"))
        conn.execute(
            sa.text(
                "CREATE TABLE people (id integer, name text, zip varchar(10), score numeric,"
                " born date, seen timestamptz, active boolean)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO people SELECT g, 'person ' || g, lpad((g * 7)::text, 5, '0'),"
                " g / 4.0, date '1990-01-01' + g, timestamptz '2024-05-01 12:00+02' + g * "
                "interval '1 hour', g % 2 = 0 FROM generate_series(1, 300) g"
            )
        )
        conn.execute(sa.text("CREATE TABLE secrets (v text)"))
        conn.execute(sa.text(f"GRANT SELECT ON people TO {reader}"))
        conn.execute(sa.text(f"CREATE SCHEMA out AUTHORIZATION {writer}"))
    source.dispose()
    return SourceDb(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        database=database,
        reader=reader,
        writer=writer,
        password=password,
        admin_url=url.render_as_string(hide_password=False),
    )
