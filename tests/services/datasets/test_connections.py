"""Database connections through gRPC against a real PostgreSQL server: a source database of
its own with least-privilege roles (see connection_world), hostile URLs and queries, every
role, and an export of a real batch."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import grpc
import pytest
import sqlalchemy as sa

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2, training_pb2_grpc
from tests.services.datasets.conftest import DatasetsCaller, datasets_caller
from tests.support import error_reason as _reason

pytestmark = pytest.mark.asyncio(loop_scope="session")

P = datasets_pb2


@pytest.fixture
async def cs(conn_server, auth_server, service_token) -> AsyncIterator[DatasetsCaller]:
    async with datasets_caller(conn_server, auth_server, service_token) as caller:
        yield caller


async def _connection(cs: DatasetsCaller, md, project_id: str, url: str, name: str = "src"):
    response = await cs.stub.CreateConnection(
        P.CreateConnectionRequest(project_id=project_id, name=name, url=url), metadata=md
    )
    return response.connection


async def _refused(call, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    assert info.value.code() == code, info.value.details()
    return info.value


async def test_credentials_are_sealed_masked_and_each_role_gets_its_rights(
    cs, source_db, database_url
):
    owner, editor, viewer, stranger = [await cs.user() for _ in range(4)]
    project = await cs.project(owner.md)
    await cs.add(owner.md, project.id, editor, P.PROJECT_ROLE_EDITOR)
    await cs.add(owner.md, project.id, viewer, P.PROJECT_ROLE_VIEWER)
    url = source_db.url(source_db.reader)
    saved = await _connection(cs, editor.md, project.id, url)

    assert saved.masked_url == (
        f"postgresql+psycopg2://{source_db.reader}@127.0.0.1:{source_db.port}/{source_db.database}"
    )
    listed = await cs.stub.ListConnections(
        P.ListConnectionsRequest(project_id=project.id), metadata=viewer.md
    )
    assert [c.id for c in listed.connections] == [saved.id]
    assert source_db.password not in str(listed)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT sealed_url, masked_url FROM datasets.connections WHERE id = :id"),
            {"id": saved.id},
        ).one()
    engine.dispose()
    assert source_db.password.encode() not in bytes(stored.sealed_url)

    request = P.CreateConnectionRequest(project_id=project.id, name="v", url=url)
    error = await _refused(
        cs.stub.CreateConnection(request, metadata=viewer.md), grpc.StatusCode.PERMISSION_DENIED
    )
    await _refused(
        cs.stub.TestConnection(P.TestConnectionRequest(connection_id=saved.id), metadata=viewer.md),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await _refused(
        cs.stub.CreateConnection(request, metadata=stranger.md), grpc.StatusCode.NOT_FOUND
    )
    for call in (
        cs.stub.ListConnections(
            P.ListConnectionsRequest(project_id=project.id), metadata=stranger.md
        ),
        cs.stub.TestConnection(
            P.TestConnectionRequest(connection_id=saved.id), metadata=stranger.md
        ),
        cs.stub.ImportDataset(
            P.ImportDatasetRequest(connection_id=saved.id, table="people"), metadata=stranger.md
        ),
        cs.stub.DeleteConnection(
            P.DeleteConnectionRequest(connection_id=saved.id), metadata=stranger.md
        ),
    ):
        error = await _refused(call, grpc.StatusCode.NOT_FOUND)
        assert _reason(error) in ("CONNECTION_NOT_FOUND", "PROJECT_NOT_FOUND")
    await cs.stub.DeleteConnection(
        P.DeleteConnectionRequest(connection_id=saved.id), metadata=owner.md
    )
    listed = await cs.stub.ListConnections(
        P.ListConnectionsRequest(project_id=project.id), metadata=owner.md
    )
    assert list(listed.connections) == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite:////etc/passwd", "CONNECTION_URL_INVALID"),
        ("postgresql:///postgres?host=/var/run/postgresql", "CONNECTION_URL_INVALID"),
        ("postgresql://u:p@db.example.com/x?passfile=/etc/shadow", "CONNECTION_URL_INVALID"),
        ("postgresql://u:p@db.example.com/host=10.0.0.1", "CONNECTION_URL_INVALID"),
        ("mysql://u:p@db.example.com/x", "CONNECTION_DRIVER_MISSING"),
        ("postgresql://u:p@169.254.169.254/x", "ADDRESS_REFUSED"),
        ("postgresql://u:p@[::ffff:169.254.169.254]/x", "ADDRESS_REFUSED"),
        ("postgresql://u:p@10.1.2.3/x", "ADDRESS_REFUSED"),
    ],
)
async def test_urls_that_would_reach_the_server_itself_are_refused(cs, url, reason):
    owner = await cs.user()
    project = await cs.project(owner.md)
    error = await _refused(
        _connection(cs, owner.md, project.id, url), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert _reason(error) == reason
    assert "p@" not in error.details()


async def test_loopback_and_names_resolving_to_it_need_the_allow_list(ds, source_db):
    """The session's datasets service has no allow-list: localhost is a private address."""
    owner = await ds.user()
    project = await ds.project(owner.md)
    for host in ("127.0.0.1", "localhost"):
        url = f"postgresql://{source_db.reader}:{source_db.password}@{host}:{source_db.port}/x"
        error = await _refused(
            ds.stub.CreateConnection(
                P.CreateConnectionRequest(project_id=project.id, name=host, url=url),
                metadata=owner.md,
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        )
        assert _reason(error) == "ADDRESS_REFUSED"
        assert source_db.password not in error.details()


async def _test(cs, md, project_id: str, url: str, name: str) -> P.TestConnectionResponse:
    saved = await _connection(cs, md, project_id, url, name)
    return await cs.stub.TestConnection(
        P.TestConnectionRequest(connection_id=saved.id), metadata=md, timeout=30
    )


async def test_connection_tests_say_what_is_wrong_without_the_password(cs, source_db):
    owner = await cs.user()
    project = await cs.project(owner.md)
    ok = await _test(cs, owner.md, project.id, source_db.url(source_db.reader), "ok")
    assert ok.ok, ok.message

    wrong = await _test(cs, owner.md, project.id, source_db.url(source_db.reader, "nope-123"), "pw")
    assert (wrong.ok, wrong.error_code) == (False, P.CONNECTION_ERROR_CODE_AUTH_FAILED)
    assert "nope-123" not in wrong.message and source_db.password not in wrong.message

    missing = source_db.url(source_db.reader).rsplit("/", 1)[0] + "/no_such_db"
    answer = await _test(cs, owner.md, project.id, missing, "db")
    assert answer.error_code in (
        P.CONNECTION_ERROR_CODE_DATABASE_NOT_FOUND,
        P.CONNECTION_ERROR_CODE_AUTH_FAILED,  # no CONNECT right tells nothing more
    )

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    answer = await _test(cs, owner.md, project.id, source_db.url("u", "p", port=port), "closed")
    assert answer.error_code == P.CONNECTION_ERROR_CODE_UNREACHABLE, answer.message

    silent = socket.socket()  # accepts connections (the kernel does) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        url = source_db.url("u", "p", port=silent.getsockname()[1])
        answer = await _test(cs, owner.md, project.id, url, "silent")
    finally:
        silent.close()
    assert answer.error_code == P.CONNECTION_ERROR_CODE_TIMEOUT, answer.message
    assert answer.message.endswith("did not answer within 2 seconds")


async def test_a_table_imports_with_its_own_column_types(cs, source_db):
    owner = await cs.user()
    project = await cs.project(owner.md)
    saved = await _connection(cs, owner.md, project.id, source_db.url(source_db.reader))
    response = await cs.stub.ImportDataset(
        P.ImportDatasetRequest(
            connection_id=saved.id, project_id=project.id, table="public.people", wait_seconds=120
        ),
        metadata=owner.md,
        timeout=180,
    )
    dataset = response.dataset
    assert dataset.status == P.DATASET_STATUS_READY, dataset.error
    assert dataset.row_count == 300
    preview = await cs.stub.PreviewRows(
        P.PreviewRowsRequest(dataset_id=dataset.id, limit=2), metadata=owner.md
    )
    first = dict(zip(preview.columns, json.loads(preview.rows_json[0]), strict=True))
    assert first["zip"] == "00007" and first["score"] == 0.25 and first["active"] is False
    assert str(first["seen"]).startswith("2024-05-01T11:00")  # 12:00+02 in UTC


@pytest.mark.parametrize(
    ("request_fields", "reason"),
    [
        ({"query": "DELETE FROM people"}, "QUERY_NOT_READ_ONLY"),
        ({"query": "SELECT 1; DROP TABLE people"}, "QUERY_NOT_READ_ONLY"),
        (
            {"query": "WITH d AS (DELETE FROM people RETURNING *) SELECT * FROM d"},
            "SOURCE_QUERY_FAILED",
        ),
        ({"query": "SELECT * FROM secrets"}, "SOURCE_QUERY_FAILED"),
        ({"table": 'people"; DROP TABLE people; --'}, "INVALID_TABLE_NAME"),
        ({"query": "SELECT g FROM generate_series(1, 5000) g"}, "TOO_MANY_ROWS"),
    ],
)
async def test_imports_that_write_reach_too_far_or_exceed_the_caps_are_refused(
    cs, source_db, request_fields, reason
):
    owner = await cs.user()
    project = await cs.project(owner.md)
    saved = await _connection(cs, owner.md, project.id, source_db.url(source_db.reader))
    error = await _refused(
        cs.stub.ImportDataset(
            P.ImportDatasetRequest(connection_id=saved.id, name="x", **request_fields),
            metadata=owner.md,
            timeout=60,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert _reason(error) == reason, error.details()
    assert source_db.password not in error.details()
    listed = await cs.stub.ListDatasets(
        P.ListDatasetsRequest(project_id=project.id), metadata=owner.md
    )
    assert list(listed.datasets) == []
    engine = sa.create_engine(source_db.admin_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar_one() == 300
    engine.dispose()


async def _template_batch(training_addr: str, md, project_id: str) -> str:
    channel = make_channel(training_addr)
    stub = training_pb2_grpc.TrainingServiceStub(channel)
    started = await stub.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(
            builtin="user", project_id=project_id, count=120, seed=5
        ),
        metadata=md,
        timeout=120,
    )
    request = training_pb2.GetJobRequest(job_id=started.job.id)
    for _ in range(600):
        job = (await stub.GetJob(request, metadata=md)).job
        if job.status in (training_pb2.JOB_STATUS_SUCCEEDED, training_pb2.JOB_STATUS_FAILED):
            break
        await asyncio.sleep(0.3)
    await channel.close()
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    return started.batch.id


async def test_a_batch_exports_into_a_table_created_then_appended(
    cs, source_db, training_api, training_worker
):
    owner, viewer, other = await cs.user(), await cs.user(), await cs.user()
    project = await cs.project(owner.md)
    await cs.add(owner.md, project.id, viewer, P.PROJECT_ROLE_VIEWER)
    saved = await _connection(cs, owner.md, project.id, source_db.url(source_db.writer))
    batch_id = await _template_batch(training_api.address, owner.md, project.id)

    def export(md, mode, table="out.synthetic", batch=batch_id):
        request = P.ExportBatchRequest(
            batch_id=batch, connection_id=saved.id, table=table, mode=mode
        )
        return cs.stub.ExportBatch(request, metadata=md, timeout=120)

    created = await export(owner.md, P.EXPORT_MODE_CREATE)
    assert (created.row_count, created.table) == (120, "out.synthetic")
    error = await _refused(
        export(owner.md, P.EXPORT_MODE_CREATE), grpc.StatusCode.FAILED_PRECONDITION
    )
    assert _reason(error) == "TABLE_EXISTS"
    appended = await export(owner.md, P.EXPORT_MODE_APPEND)
    assert appended.row_count == 120
    await _refused(export(viewer.md, P.EXPORT_MODE_APPEND), grpc.StatusCode.PERMISSION_DENIED)
    error = await _refused(
        export(owner.md, P.EXPORT_MODE_APPEND, "out.nothing"), grpc.StatusCode.NOT_FOUND
    )
    assert _reason(error) == "TABLE_NOT_FOUND"
    error = await _refused(
        export(owner.md, P.EXPORT_MODE_CREATE, 'out.x"; DROP TABLE people; --'),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert _reason(error) == "INVALID_TABLE_NAME"
    error = await _refused(
        export(owner.md, P.EXPORT_MODE_CREATE, "public.t"), grpc.StatusCode.FAILED_PRECONDITION
    )
    assert _reason(error) == "EXPORT_FAILED" and "permission denied" in error.details()
    other_project = await cs.project(other.md)
    other_batch = await _template_batch(training_api.address, other.md, other_project.id)
    await _refused(
        export(owner.md, P.EXPORT_MODE_APPEND, batch=other_batch), grpc.StatusCode.NOT_FOUND
    )

    engine = sa.create_engine(source_db.admin_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM out.synthetic")).mappings().all()
        conn.execute(sa.text("CREATE TABLE out.other (a text)"))
        conn.execute(sa.text(f"ALTER TABLE out.other OWNER TO {source_db.writer}"))
        conn.commit()
    engine.dispose()
    assert len(rows) == 240
    assert rows[0]["email"] and "@" in rows[0]["email"]
    error = await _refused(
        export(owner.md, P.EXPORT_MODE_APPEND, "out.other"), grpc.StatusCode.FAILED_PRECONDITION
    )
    assert _reason(error) == "COLUMNS_MISMATCH"


@pytest.mark.parametrize(
    "query",
    [
        # PostgreSQL reads a$q$ and name'x\' as an identifier and a plain string: the ';'
        # after them end statements, so COMMIT ends the READ ONLY transaction.
        "SELECT 1 AS a$q$; COMMIT; CREATE TABLE out.written (v int); SELECT 1 AS b$q$",
        "SELECT name'x\\'; COMMIT; CREATE TABLE out.written (v int); SELECT name'y'",
    ],
)
async def test_a_query_cannot_hide_more_statements_in_what_looks_like_a_literal(
    cs, source_db, query
):
    owner = await cs.user()
    project = await cs.project(owner.md)
    saved = await _connection(cs, owner.md, project.id, source_db.url(source_db.writer))
    error = await _refused(
        cs.stub.ImportDataset(
            P.ImportDatasetRequest(connection_id=saved.id, name="x", query=query),
            metadata=owner.md,
            timeout=60,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    engine = sa.create_engine(source_db.admin_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('out.written')")).scalar_one() is None
    engine.dispose()
    assert _reason(error) == "QUERY_NOT_READ_ONLY", error.details()
