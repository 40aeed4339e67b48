"""The datasets service storing in S3 (moto's real S3 API server on loopback): upload,
ingestion in the worker process, reading splits back, and deletion of every object."""

from __future__ import annotations

import io

import boto3
import grpc
import pyarrow as pa
import pytest
from moto.server import ThreadedMotoServer

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2 as pb
from synthetica.datasets.v1 import datasets_pb2_grpc
from tests.support import start_datasets
from tools.embedded import free_port

BUCKET = "synthetica-datasets"


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def keys(client, dataset_id: str) -> set[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"tenant/datasets/{dataset_id}/")
    return {o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", [])}


async def test_upload_read_and_delete_on_s3(s3, ds, datasets_config):
    endpoint, client = s3
    server = await start_datasets(
        **datasets_config,
        storage_url=f"s3://{BUCKET}/tenant",
        storage_options={"endpoint_url": endpoint, "key": "x", "secret": "x"},
    )
    channel = make_channel(server.address)
    ds.stub = datasets_pb2_grpc.DatasetsServiceStub(channel)
    try:
        user = await ds.user()
        project = await ds.project(user.md)
        csv = b"id,value\n" + b"".join(f"{i},{i * 2}\n".encode() for i in range(1000))
        dataset = await ds.upload(user.md, project.id, csv, chunk_bytes=1000)
        assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
        assert keys(client, dataset.id) == {"data.parquet", "split.parquet"}

        stream = ds.stub.ReadDataset(
            pb.ReadDatasetRequest(dataset_id=dataset.id, split=pb.DATASET_SPLIT_ALL),
            metadata=user.md,
        )
        buffer = io.BytesIO(b"".join([r.arrow_ipc_chunk async for r in stream]))
        table = pa.ipc.open_stream(buffer).read_all()
        assert table.column("value").to_pylist() == [i * 2 for i in range(1000)]

        with pytest.raises(grpc.aio.AioRpcError):
            await ds.upload(user.md, project.id, b"a,b\n1,2\n3\n")
        listed = await ds.stub.ListDatasets(
            pb.ListDatasetsRequest(project_id=project.id), metadata=user.md
        )
        failed = [d for d in listed.datasets if d.status == pb.DATASET_STATUS_FAILED]
        assert len(failed) == 1 and keys(client, failed[0].id) == set()

        await ds.stub.DeleteDataset(
            pb.DeleteDatasetRequest(dataset_id=dataset.id), metadata=user.md
        )
        assert keys(client, dataset.id) == set()
    finally:
        await channel.close()
        await server.stop(0)
