"""The datasets service over real gRPC, PostgreSQL, NATS and a storage folder: projects,
members and roles, the Adult upload end to end, reading splits, metadata, deletes, events."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest

from common.context import Principal
from common.errors import NotFound, PermissionDenied
from services.datasets.client import DatasetsClient
from services.datasets.settings import DatasetsSettings
from synthetica.datasets.v1 import datasets_pb2 as pb
from tests import adult
from tests.corpus import shared_tables
from tests.support import stream_events

ADULT_ROWS = 32_561


async def expect_status(awaitable, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await awaitable
    assert info.value.code() == code, info.value.details()
    return info.value


@pytest.fixture(scope="module")
def adult_bytes(adult_path) -> bytes:
    return adult_path.read_bytes()


async def events_for(nats_url: str, event_type: str, dataset_id: str) -> list:
    for _ in range(50):
        found = [
            e
            for e in await stream_events(nats_url, f"synthetica.events.{event_type}")
            if dataset_id in str(e)
        ]
        if found:
            return found
        await asyncio.sleep(0.1)
    return []


async def test_adult_upload_with_no_options(ds, adult_bytes, nats_url, storage_files):
    user = await ds.user()
    user_id, md = user.id, user.md
    project = await ds.project(md)
    assert project.my_role == pb.PROJECT_ROLE_OWNER

    dataset = await ds.upload(md, project.id, adult_bytes, file_name="adult-train.csv")

    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    assert dataset.row_count == ADULT_ROWS
    assert len(dataset.metadata.columns) == len(adult.COLUMNS)
    assert dataset.train_row_count + dataset.holdout_row_count == ADULT_ROWS
    assert 0.17 < dataset.holdout_row_count / ADULT_ROWS < 0.23
    types = [c.data_type for c in dataset.metadata.columns]
    assert types[0] == "int64" and types[1] == "string"  # age, workclass
    sdtypes = [c.sdtype for c in dataset.metadata.columns]
    assert sdtypes[0] == "numerical" and sdtypes[1] == "categorical"
    assert dataset.detected.delimiter == "," and not dataset.detected.has_header
    assert dataset.created_by == user_id and dataset.file_name == "adult-train.csv"

    stats = json.loads(
        (
            await ds.stub.GetDatasetStats(
                pb.GetDatasetStatsRequest(dataset_id=dataset.id), metadata=md
            )
        ).stats_json
    )
    workclass = stats["columns"][1]
    assert workclass["nulls"] > 1000  # "?" became null
    assert stats["columns"][0]["numeric"]["min"] == 17
    assert len(stats["correlation"]["columns"]) >= 2

    preview = await ds.stub.PreviewRows(
        pb.PreviewRowsRequest(dataset_id=dataset.id, limit=3), metadata=md
    )
    assert len(preview.rows_json) == 3
    first = json.loads(preview.rows_json[0])
    assert first[0] == 39 and first[1] == "State-gov"  # padding stripped, numbers typed

    names = {p.name for p in storage_files() if dataset.id in str(p)}
    assert names == {"data.parquet", "split.parquet"}  # upload removed
    uploaded = await events_for(nats_url, "dataset.uploaded", dataset.id)
    assert uploaded[0].dataset_uploaded.row_count == ADULT_ROWS
    assert uploaded[0].project_id == project.id and uploaded[0].user_id == user_id


async def test_the_preview_shows_dates_as_the_file_wrote_them(ds):
    """A monthly column ("1960-01") is stored as a timestamp; its preview shows the month."""
    user = await ds.user()
    project = await ds.project(user.md)
    monthly = shared_tables()["monthly-car-sales"].read_bytes()
    dataset = await ds.upload(user.md, project.id, monthly)
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    preview = await ds.stub.PreviewRows(
        pb.PreviewRowsRequest(dataset_id=dataset.id, limit=2, offset=1), metadata=user.md
    )
    assert [json.loads(row) for row in preview.rows_json] == [["1960-02", 8728], ["1960-03", 12026]]


async def test_read_splits_through_the_client(ds, datasets_server, service_token):
    user = await ds.user()
    user_id, md = user.id, user.md
    project = await ds.project(md)
    csv = b"id,score,city\n" + b"".join(f"{i},{i * 0.5},c{i % 7}\n".encode() for i in range(500))
    dataset = await ds.upload(md, project.id, csv, holdout_fraction=0.3, seed=7)
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error

    client = DatasetsClient(
        DatasetsSettings(
            database_url="unused",
            service_token=service_token,
            datasets_addr=datasets_server.address,
        ),
        service_name="training",
    )
    owner = Principal(user_id=user_id, role="member")
    try:
        train = await client.read_dataset(dataset.id, "train", on_behalf_of=owner)
        holdout = await client.read_dataset(dataset.id, "holdout", on_behalf_of=owner)
        everything = await client.read_dataset(dataset.id, "all", on_behalf_of=owner)
        assert train.num_rows == dataset.train_row_count
        assert holdout.num_rows == dataset.holdout_row_count
        assert train.num_rows + holdout.num_rows == everything.num_rows == 500
        assert set(train.column("id").to_pylist()).isdisjoint(holdout.column("id").to_pylist())
        assert everything.schema.names == ["id", "score", "city"]
        assert (await client.get_dataset(dataset.id, on_behalf_of=owner)).row_count == 500
        assert await client.check_access(project.id, user_id, "owner") == "owner"

        stranger = await ds.user()
        with pytest.raises(NotFound):
            await client.read_dataset(
                dataset.id, "train", on_behalf_of=Principal(user_id=stranger.id, role="member")
            )
        with pytest.raises(NotFound):
            await client.check_access(project.id, stranger.id, "viewer")
        viewer = await ds.user()
        await ds.add(md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
        assert await client.check_access(project.id, viewer.id, "viewer") == "viewer"
        with pytest.raises(PermissionDenied):
            await client.check_access(project.id, viewer.id, "editor")
    finally:
        await client.close()


async def test_roles_viewer_reads_editor_uploads_stranger_sees_nothing(ds):
    owner, viewer, editor, stranger = [await ds.user() for _ in range(4)]
    project = await ds.project(owner.md)
    await ds.add(owner.md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
    await ds.add(owner.md, project.id, editor, pb.PROJECT_ROLE_EDITOR)
    members = await ds.stub.ListProjectMembers(
        pb.ListProjectMembersRequest(project_id=project.id), metadata=viewer.md
    )
    assert {(m.email, m.role) for m in members.members} == {
        (owner.email, pb.PROJECT_ROLE_OWNER),
        (viewer.email, pb.PROJECT_ROLE_VIEWER),
        (editor.email, pb.PROJECT_ROLE_EDITOR),
    }

    dataset = await ds.upload(editor.md, project.id, b"a,b\n1,x\n2,y\n3,z\n")
    assert dataset.status == pb.DATASET_STATUS_READY
    got = await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=viewer.md)
    assert got.dataset.row_count == 3
    listed = await ds.stub.ListProjects(pb.ListProjectsRequest(), metadata=viewer.md)
    assert [p.my_role for p in listed.projects if p.id == project.id] == [pb.PROJECT_ROLE_VIEWER]

    await expect_status(
        ds.upload(viewer.md, project.id, b"a\n1\n"), grpc.StatusCode.PERMISSION_DENIED
    )
    await expect_status(
        ds.stub.DeleteDataset(pb.DeleteDatasetRequest(dataset_id=dataset.id), metadata=viewer.md),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect_status(
        ds.stub.AddProjectMember(
            pb.AddProjectMemberRequest(
                project_id=project.id, email=stranger.email, role=pb.PROJECT_ROLE_VIEWER
            ),
            metadata=editor.md,
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect_status(
        ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=stranger.md),
        grpc.StatusCode.NOT_FOUND,
    )
    await expect_status(
        ds.stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=stranger.md),
        grpc.StatusCode.NOT_FOUND,
    )
    # The last owner cannot be demoted; a viewer may leave, and then sees nothing.
    await expect_status(
        ds.stub.ChangeMemberRole(
            pb.ChangeMemberRoleRequest(
                project_id=project.id, user_id=owner.id, role=pb.PROJECT_ROLE_VIEWER
            ),
            metadata=owner.md,
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    await ds.stub.RemoveProjectMember(
        pb.RemoveProjectMemberRequest(project_id=project.id, user_id=viewer.id),
        metadata=viewer.md,
    )
    await expect_status(
        ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=viewer.md),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_check_project_access_is_for_services_only(ds, service_token):
    user = await ds.user()
    user_id, md = user.id, user.md
    project = await ds.project(md)
    request = pb.CheckProjectAccessRequest(
        project_id=project.id, user_id=user_id, required_role=pb.PROJECT_ROLE_EDITOR
    )
    await expect_status(
        ds.stub.CheckProjectAccess(request, metadata=md), grpc.StatusCode.PERMISSION_DENIED
    )
    service_md = (("x-service-token", service_token), ("x-service-name", "training"))
    answer = await ds.stub.CheckProjectAccess(request, metadata=service_md)
    assert answer.allowed and answer.role == pb.PROJECT_ROLE_OWNER


async def test_fix_a_column_type_and_errors_name_the_column(ds):
    md = (await ds.user()).md
    project = await ds.project(md)
    csv = b"code,amount,when\n" + b"".join(
        f"{i % 3},{i * 1.5},2024-01-{i % 28 + 1:02d}\n".encode() for i in range(60)
    )
    dataset = await ds.upload(md, project.id, csv)
    # Three whole-number codes in 60 rows: typed categorical by default, a number on request.
    assert dataset.metadata.columns[0].sdtype == "categorical"

    fixed = await ds.stub.UpdateDatasetMetadata(
        pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset.id,
            metadata=pb.DatasetMetadata(
                columns=[pb.ColumnMetadata(name="code", sdtype="numerical")]
            ),
        ),
        metadata=md,
    )
    assert fixed.dataset.metadata.columns[0].sdtype == "numerical"
    again = await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=md)
    assert again.dataset.metadata.columns[0].sdtype == "numerical"

    error = await expect_status(
        ds.stub.UpdateDatasetMetadata(
            pb.UpdateDatasetMetadataRequest(
                dataset_id=dataset.id,
                metadata=pb.DatasetMetadata(
                    columns=[pb.ColumnMetadata(name="when", sdtype="numerical")]
                ),
            ),
            metadata=md,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "'when'" in error.details() and "dates and times" in error.details()
    error = await expect_status(
        ds.stub.UpdateDatasetMetadata(
            pb.UpdateDatasetMetadataRequest(
                dataset_id=dataset.id,
                metadata=pb.DatasetMetadata(columns=[pb.ColumnMetadata(name="nope", sdtype="id")]),
            ),
            metadata=md,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "'nope'" in error.details() and "unknown column" in error.details()


async def test_upload_returns_at_once_then_becomes_ready(ds):
    md = (await ds.user()).md
    project = await ds.project(md)
    dataset = await ds.upload(md, project.id, b"x,y\n1,2\n3,4\n", wait_seconds=0)
    assert dataset.status == pb.DATASET_STATUS_INGESTING
    for _ in range(300):
        got = (
            await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=md)
        ).dataset
        if got.status != pb.DATASET_STATUS_INGESTING:
            break
        await asyncio.sleep(0.1)
    assert got.status == pb.DATASET_STATUS_READY and got.row_count == 2


async def test_delete_dataset_and_project_remove_files_and_emit_events(ds, nats_url, storage_files):
    md = (await ds.user()).md
    project = await ds.project(md)
    first = await ds.upload(md, project.id, b"a,b\n1,2\n3,4\n")
    second = await ds.upload(md, project.id, b"a,b\n5,6\n7,8\n")
    assert any(first.id in str(p) for p in storage_files())

    await ds.stub.DeleteDataset(pb.DeleteDatasetRequest(dataset_id=first.id), metadata=md)
    assert not any(first.id in str(p) for p in storage_files())
    await expect_status(
        ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=first.id), metadata=md),
        grpc.StatusCode.NOT_FOUND,
    )
    await ds.stub.DeleteProject(pb.DeleteProjectRequest(project_id=project.id), metadata=md)
    assert not any(second.id in str(p) for p in storage_files())
    await expect_status(
        ds.stub.GetProject(pb.GetProjectRequest(project_id=project.id), metadata=md),
        grpc.StatusCode.NOT_FOUND,
    )
    for dataset in (first, second):
        deleted = await events_for(nats_url, "dataset.deleted", dataset.id)
        assert deleted and deleted[0].dataset_deleted.dataset_id == dataset.id
