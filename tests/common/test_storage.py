"""Storage through fsspec: a local folder and a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import boto3
import pytest
from moto.server import ThreadedMotoServer

from common.errors import InvalidArgument
from common.storage import Storage
from tools.embedded import free_port


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="synthetica")
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
