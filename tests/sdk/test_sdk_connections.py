"""Database connections from the SDK: save one, test it, import a table, export a batch."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from synthetica_client import Client
from tests.sdk.conftest import Stack, cli, in_thread
from tests.support import AuthCaller, start_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def conn_stack(
    auth_server, conn_server, training_api, training_worker, service_token
) -> AsyncIterator[Stack]:
    async with start_gateway(
        auth_server, conn_server, training_api, service_token=service_token
    ) as url:
        auth = AuthCaller(auth_server.address, service_token)
        yield Stack(url, auth)
        await auth.close()


async def test_a_connection_tests_imports_and_receives_an_export(conn_stack, source_db):
    account = await conn_stack.account()

    def work() -> tuple:
        with Client(conn_stack.url, token=account.token) as c:
            project = c.projects.create("Warehouse")
            source = c.connections.create(project, "source", source_db.url(source_db.reader))
            wrong = c.connections.create(
                project, "wrong", source_db.url(source_db.reader, "wrong-secret")
            )
            sink = c.connections.create(project, "sink", source_db.url(source_db.writer))
            dataset = source.import_table("people")
            batch = c.generate_from_template("user", rows=50, seed=2, project=project)
            written = batch.export_to(sink, "out.sdk_users", mode="create")
            listed = [x.name for x in c.connections.list(project)]
            return source, source.test(), wrong.test(), dataset, written, listed

    source, ok, refused, dataset, written, listed = await in_thread(work)
    assert source.masked_url.endswith(f"@127.0.0.1:{source_db.port}/{source_db.database}")
    assert ok.ok and ok.error_code is None
    assert (refused.ok, refused.error_code) == (False, "AUTH_FAILED")
    assert "wrong-secret" not in refused.message
    assert (dataset.name, dataset.row_count) == ("people", 300)
    assert written == 50
    assert sorted(listed) == ["sink", "source", "wrong"]
    engine = sa.create_engine(source_db.admin_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM out.sdk_users")).scalar_one() == 50
    engine.dispose()


async def test_the_command_line_adds_tests_and_imports(conn_stack, source_db):
    account = await conn_stack.account()
    key = await conn_stack.api_key(account)
    env = {"SYNTHETICA_URL": conn_stack.url, "SYNTHETICA_API_KEY": key}
    assert (await cli("projects", "create", "Shop", env=env)).code == 0
    url = source_db.url(source_db.reader)
    added = await cli("connections", "add", "src", url, "-p", "Shop", env=env)
    assert added.code == 0, added.err
    assert source_db.password not in added.out and "src" in added.out
    bad = source_db.url(source_db.reader, "nope-nope")
    assert (await cli("connections", "add", "bad", bad, "-p", "Shop", env=env)).code == 0

    assert (await cli("connections", "test", "src", "-p", "Shop", env=env)).out.strip() == "ok"
    failed = await cli("connections", "test", "bad", "-p", "Shop", env=env)
    assert failed.code == 1 and "AUTH_FAILED" in failed.out and "nope-nope" not in failed.out
    imported = await cli(
        "connections",
        "import",
        "src",
        "-p",
        "Shop",
        "--query",
        "SELECT id, zip FROM people",
        "--name",
        "zips",
        env=env,
    )
    assert imported.code == 0, imported.err
    assert "Imported 300 rows into zips" in imported.out
