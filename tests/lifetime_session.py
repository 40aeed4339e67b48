"""Not collected by a plain `pytest`: tests/test_server_lifetime.py runs it in a pytest of
its own, as a user's test run, to see what becomes of the servers the session's fixtures
start when that run ends or is killed.

It writes what it started to SYNTHETICA_LIFETIME_REPORT (JSON: the pids of PostgreSQL and
NATS, PostgreSQL's data folder, the pytest's other descendants) and, with
SYNTHETICA_LIFETIME_HANG=1, then waits to be killed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psutil
import sqlalchemy as sa


def _listener(port: int) -> psutil.Process:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    raise AssertionError(f"nothing listens on port {port}")


def test_the_session_servers(postgres_server_url: str, nats_url: str):
    engine = sa.create_engine(postgres_server_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    engine.dispose()
    postgres = _listener(sa.make_url(postgres_server_url).port or 0)
    nats = _listener(int(nats_url.rsplit(":", 1)[1]))
    report = {
        "postgres": postgres.pid,
        "postgres_data": postgres.cwd(),
        "nats": nats.pid,
        "descendants": [p.pid for p in psutil.Process().children(recursive=True)],
    }
    Path(os.environ["SYNTHETICA_LIFETIME_REPORT"]).write_text(json.dumps(report))
    while os.environ.get("SYNTHETICA_LIFETIME_HANG") == "1":
        time.sleep(1)
