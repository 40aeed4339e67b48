"""Which database URLs a connection may hold, and how they are shown.

Any SQLAlchemy URL whose driver is installed, as long as it names a network host: a
file-based database (sqlite), a Unix socket (``postgresql:///db?host=/var/run/...``) or a
host-less URL would read the server's own files or reach the server's own database. Query
options are refused but for a few harmless ones: libpq's ``host``, ``hostaddr``,
``passfile``, ``sslkey``, ``service``, ``options`` and the like would redirect the
connection, read server files or change session settings.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from common.errors import InvalidArgument

MAX_URL_CHARS = 2048
# Options that only choose how (or whether) TLS is used, or name the client.
ALLOWED_OPTIONS = {"sslmode", "application_name"}
SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433, "oracle": 1521}
# A database name is a name, never a connection string or a path that a driver expands.
DATABASE_NAME = re.compile(r"^[\w$. -]{1,128}$")


def _invalid(message: str, reason: str = "CONNECTION_URL_INVALID") -> InvalidArgument:
    return InvalidArgument(message, field="url", reason=reason)


def parse_url(raw: str) -> sa.URL:
    """The URL, checked, with ``postgresql://`` meaning psycopg2 and the port made explicit.
    Error messages never repeat the URL (it holds the password)."""
    raw = raw.strip()
    if not raw:
        raise _invalid("url is required")
    if len(raw) > MAX_URL_CHARS:
        raise _invalid(f"url is longer than {MAX_URL_CHARS} characters")
    try:
        url = sa.make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise _invalid(
            "url is not a database URL (dialect+driver://user:password@host/db)"
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    _check_driver(url)
    dialect = url.get_backend_name()
    if dialect == "sqlite" or not url.host or url.host.startswith("/"):
        raise _invalid("url must name a network host (file and socket databases are refused)")
    for option, value in url.query.items():
        if option not in ALLOWED_OPTIONS:
            raise _invalid(f"url option {option!r} is not allowed (only {sorted(ALLOWED_OPTIONS)})")
        if option == "sslmode" and value not in SSL_MODES:
            raise _invalid(f"sslmode must be one of {sorted(SSL_MODES)}")
    if url.database is not None and not DATABASE_NAME.match(url.database):
        raise _invalid("the database name may hold letters, digits, _ $ . - and spaces")
    port = url.port or DEFAULT_PORTS.get(dialect)
    if port is None:
        raise _invalid(f"url needs a port for {dialect}")
    return url.set(port=port)


def _check_driver(url: sa.URL) -> None:
    try:
        url.get_dialect().import_dbapi()
    except NoSuchModuleError as exc:
        raise _invalid(f"unknown database dialect {url.drivername!r}") from exc
    except ImportError as exc:
        raise _invalid(
            f"the driver of {url.drivername!r} is not installed on the server",
            reason="CONNECTION_DRIVER_MISSING",
        ) from exc


def masked(url: sa.URL) -> str:
    """What anyone is shown: no password, no options (``postgresql+psycopg2://u@h:5432/db``)."""
    shown = sa.URL.create(
        url.drivername, username=url.username, host=url.host, port=url.port, database=url.database
    )
    return shown.render_as_string(hide_password=False)
