"""What a user may name or run on a database: table names, and one read-only query."""

from __future__ import annotations

import re

from common.errors import InvalidArgument

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
MAX_QUERY_CHARS = 100_000
# Literals, quoted names and comments (in which a ';' ends nothing), or a ';'. A nested block
# comment ends early here, which only shows more text as code (and refuses more), never less.
# An E-string or a dollar quote starts a token: after a name's letter, digit or '$'
# (``name'x\'``, ``a$q$``), PostgreSQL reads a name and a plain string, whose ';' count.
_TOKENS = re.compile(
    r"""(?<![\w$])[eE]'(?:[^'\\]|\\.|'')*'"""
    r"""|'(?:[^']|'')*'"""
    r'''|"(?:[^"]|"")*"'''
    r"""|--[^\n]*"""
    r"""|/\*.*?\*/"""
    r"""|(?<![\w$])\$([A-Za-z_]\w*)?\$.*?\$\1\$"""
    r"""|;""",
    re.DOTALL,
)
READING_STATEMENTS = ("select", "with", "values", "table")


def table_name(value: str, field: str = "table") -> tuple[str | None, str]:
    """``table`` or ``schema.table`` as (schema, table), each a plain SQL identifier; the
    caller quotes them."""
    parts = value.strip().split(".")
    if len(parts) > 2 or not all(IDENTIFIER.match(p) for p in parts):
        raise InvalidArgument(
            "a table is a name or schema.name of letters, digits, _ and $ (at most 63 each)",
            field=field,
            reason="INVALID_TABLE_NAME",
        )
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


def read_only_query(value: str) -> str:
    """One SELECT (or WITH/VALUES/TABLE) statement, a trailing ';' removed. The database runs
    it in a READ ONLY transaction too: this check only gives a clear answer first."""
    query = value.strip()
    if len(query) > MAX_QUERY_CHARS:
        raise _not_read_only(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    query = query.rstrip().removesuffix(";").rstrip()
    if any(token.group(0) == ";" for token in _TOKENS.finditer(query)):
        raise _not_read_only("one statement only: the query holds a ';'")
    code = _TOKENS.sub(" ", query).split()
    if not code or code[0].lower() not in READING_STATEMENTS:
        raise _not_read_only("only a query that reads (SELECT, WITH, VALUES, TABLE) is run")
    return query


def _not_read_only(message: str) -> InvalidArgument:
    return InvalidArgument(message, field="query", reason="QUERY_NOT_READ_ONLY")
