"""Storage through fsspec: a local folder and a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import threading

import pytest

from common.errors import InvalidArgument
from common.storage import Storage
from services.training.templates import jobs, plan
from tools.embedded import moto_s3


@pytest.fixture(scope="module")
def s3_endpoint():
    server, endpoint = moto_s3("synthetica")
    yield endpoint
    server.stop()


def round_trip(storage: Storage) -> None:
    with storage.open("datasets/abc/raw.csv", "wb") as out:
        out.write(b"a,b\n1,2\n")
    assert storage.exists("datasets/abc/raw.csv")
    assert storage.size("datasets/abc/raw.csv") == 8
    with storage.open("datasets/abc/raw.csv") as f:
        assert f.read() == b"a,b\n1,2\n"
    storage.delete("datasets/abc")
    assert not storage.exists("datasets/abc/raw.csv")


def test_local_folder(tmp_path):
    round_trip(Storage(str(tmp_path / "store")))


def test_s3(s3_endpoint):
    storage = Storage(
        "s3://synthetica/prefix",
        {"endpoint_url": s3_endpoint, "key": "test", "secret": "test"},
    )
    round_trip(storage)


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "a/../../b", "a\x00b"])
def test_keys_cannot_escape_the_root(tmp_path, key):
    with pytest.raises(InvalidArgument):
        Storage(str(tmp_path)).path(key)


def test_a_file_uploaded_and_downloaded_comes_back_whole(tmp_path):
    storage = Storage(str(tmp_path / "store"))
    local = tmp_path / "model.tar.gz"
    local.write_bytes(bytes(range(256)) * 12_289)  # three copy chunks and a bit
    storage.upload_file(local, "models/m1/job/1/model.tar.gz")
    back = tmp_path / "back.tar.gz"
    storage.download_file("models/m1/job/1/model.tar.gz", back)
    assert back.read_bytes() == local.read_bytes()


@pytest.fixture(params=["local", "s3"])
def either(request, tmp_path) -> Storage:
    if request.param == "local":
        return Storage(str(tmp_path / "store"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return Storage(
        f"s3://synthetica/{tmp_path.name}",
        {"endpoint_url": endpoint, "key": "test", "secret": "test"},
    )


def test_a_folders_size_is_its_files_bytes_and_what_a_template_job_counts_as_written(either):
    """The storage quota charges a batch by what its writer counted while writing, then by its
    folder's size: both are the bytes stored, on a local folder and on S3."""
    assert either.folder_size("batches/none") == 0
    written = jobs.Written()
    jobs.write_batch(
        either,
        plan("user", count=3_000, seed=1),
        prefix="batches/b1/j1/1",
        chunk_rows=1_000,
        on_progress=lambda update: None,
        cancel=threading.Event(),
        written=written,
    )
    with either.open("batches/b1/other.bin", "wb") as out:
        out.write(b"x" * 1000)
    stored = either.size(jobs.table_key("batches/b1/j1/1", 0))
    assert stored > 0
    assert written.bytes == stored
    assert either.folder_size("batches/b1/j1/1") == stored
    assert either.folder_size("batches/b1") == stored + 1000
