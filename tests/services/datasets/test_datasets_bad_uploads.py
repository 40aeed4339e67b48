"""Every bad upload the issue names, through the real service: each gets a clear error that
names the problem (with the line where there is one), stores nothing, and the service
keeps working."""

from __future__ import annotations

import gzip
from collections.abc import Awaitable

import grpc
import pytest

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.datasets.v1 import datasets_pb2_grpc
from tests.support import error_reason as _reason
from tests.support import start_datasets

GOOD = b"a,b\n1,x\n2,y\n"


def _gzip_truncated() -> bytes:
    packed = gzip.compress(b"a,b\n" + b"".join(f"{i},v{i}\n".encode() for i in range(20000)))
    return packed[: len(packed) // 2]


BAD_FILES = [
    pytest.param(b"", "data.csv", "EMPTY_FILE", None, id="empty"),
    pytest.param(b"name,age,city\n", "data.csv", "HEADER_ONLY", 1, id="header-only"),
    pytest.param(bytes(range(256)) * 40, "data.csv", "BINARY_CONTENT", None, id="binary"),
    pytest.param(
        b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>",
        "page.csv",
        "HTML_CONTENT",
        None,
        id="html",
    ),
    pytest.param(
        b"a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n",
        "data.csv",
        "INCONSISTENT_COLUMNS",
        4,
        id="inconsistent-columns",
    ),
    pytest.param(
        (",".join(f"c{i}" for i in range(10_000)) + "\n").encode() * 2,
        "wide.csv",
        "TOO_MANY_COLUMNS",
        1,
        id="10000-columns",
    ),
    pytest.param(
        b"a,b\n1,2\n3," + b"x" * (50 * 1024 * 1024) + b"\n",
        "long.csv",
        "LINE_TOO_LONG",
        3,
        id="50MB-line",
    ),
    pytest.param(_gzip_truncated(), "data.csv.gz", "TRUNCATED_GZIP", None, id="truncated-gzip"),
    pytest.param(
        b"name,city\nana,Paris\nbob,K\xf6ln\n",
        "data.csv",
        "INVALID_ENCODING",
        3,
        id="invalid-utf8-declared-utf8",
    ),
    # These were INTERNAL "ingestion failed unexpectedly".
    pytest.param(
        b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        "deep.jsonl",
        "JSON_TOO_DEEP",
        1,
        id="100000-deep-json",
    ),
    pytest.param(
        b'{"a": 1}\n{"a": ' + b"9" * 5000 + b"}\n",
        "big.jsonl",
        "NUMBER_TOO_LONG",
        2,
        id="5000-digit-integer",
    ),
]


async def _refused(upload: Awaitable[object]) -> grpc.aio.AioRpcError:
    """The INVALID_ARGUMENT error an upload is refused with."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await upload
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return info.value


@pytest.mark.parametrize(("data", "file_name", "reason", "line"), BAD_FILES)
async def test_bad_file_is_refused_and_nothing_is_stored(
    ds, storage_files, data, file_name, reason, line
):
    user = await ds.user()
    project = await ds.project(user.md)
    options = {"encoding": "utf-8"} if reason == "INVALID_ENCODING" else {}
    error = await _refused(ds.upload(user.md, project.id, data, file_name=file_name, **options))
    assert _reason(error) == reason, error.details()
    if line is not None:
        assert error.details().startswith(f"line {line}:"), error.details()
    listed = await ds.stub.ListDatasets(
        pb.ListDatasetsRequest(project_id=project.id), metadata=user.md
    )
    # The failed dataset stays listed with its reason, and has no files.
    (failed,) = listed.datasets
    assert failed.status == pb.DATASET_STATUS_FAILED
    assert failed.error_code == reason and failed.error == error.details()
    assert not [p for p in storage_files() if failed.id in str(p)]
    # The service is still healthy: the next upload works.
    assert (await ds.upload(user.md, project.id, GOOD)).status == pb.DATASET_STATUS_READY


@pytest.mark.parametrize("file_name", ["../../etc/passwd", "<script>alert(1)</script>.csv"])
async def test_dangerous_file_names_are_refused_before_storing(ds, storage_files, file_name):
    user = await ds.user()
    project = await ds.project(user.md)
    before = storage_files()
    error = await _refused(ds.upload(user.md, project.id, GOOD, file_name=file_name))
    assert _reason(error) == "INVALID_FILENAME"
    assert "not allowed" in error.details()
    assert storage_files() == before
    listed = await ds.stub.ListDatasets(
        pb.ListDatasetsRequest(project_id=project.id), metadata=user.md
    )
    assert not listed.datasets


async def test_bad_options_name_the_option(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    error = await _refused(
        ds.upload(user.md, project.id, GOOD, delimiter=";;", holdout_fraction=2.0)
    )
    assert "options.delimiter" in error.details()


async def test_file_over_the_size_limit(ds, datasets_config, tmp_path):
    server = await start_datasets(
        **datasets_config, storage_url=str(tmp_path), max_upload_bytes=10_000
    )
    channel = make_channel(server.address)
    ds.stub = datasets_pb2_grpc.DatasetsServiceStub(channel)
    try:
        user = await ds.user()
        project = await ds.project(user.md)
        big = b"a,b\n" + b"1,2\n" * 5000
        error = await _refused(ds.upload(user.md, project.id, big, chunk_bytes=1024))
        assert _reason(error) == "TOO_LARGE"
        assert "10,000 bytes" in error.details()
        assert not list(tmp_path.rglob("*.*")) and not list(tmp_path.rglob("upload"))
        listed = await ds.stub.ListDatasets(
            pb.ListDatasetsRequest(project_id=project.id), metadata=user.md
        )
        assert not listed.datasets
        # Still serving: a file under the limit is accepted.
        accepted = await ds.upload(user.md, project.id, GOOD, wait_seconds=0)
        assert accepted.status == pb.DATASET_STATUS_INGESTING
    finally:
        await channel.close()
        await server.stop(0)


@pytest.mark.parametrize("encoding", ["hex", "rot13", "base64", "klingon"])
async def test_an_encoding_option_that_is_no_character_encoding_is_refused_by_name(
    ds, storage_files, encoding
):
    user = await ds.user()
    project = await ds.project(user.md)
    before = storage_files()
    error = await _refused(ds.upload(user.md, project.id, GOOD, encoding=encoding))
    assert _reason(error) == "INVALID_ENCODING"
    assert "options.encoding" in error.details() and repr(encoding) in error.details()
    assert storage_files() == before


async def test_utf16_is_read_and_declared_utf16_on_other_bytes_is_a_typed_error(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    text = "name,city\nana,Zürich\nbob,Köln\n"
    dataset = await ds.upload(user.md, project.id, text.encode("utf-16"))
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    assert dataset.detected.encoding == "utf-16"
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await ds.upload(user.md, project.id, text.encode(), encoding="utf-16")
    assert _reason(info.value) == "INVALID_ENCODING" and "utf-16" in info.value.details()
