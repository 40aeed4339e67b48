"""Storage through fsspec: a local folder and a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import pytest

from common.errors import InvalidArgument
from common.storage import Storage
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
