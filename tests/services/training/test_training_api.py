"""The training API: bad input gets a clear error and creates no job; users see only what
their projects hold; per-user limits."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import struct_pb2

from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import TrainingWorld, small_adult_csv
from tests.support import AuthCaller, field_violations, start_training


async def test_engines_are_listed_with_their_parameters(world):
    user = await world.user()
    response = await world.training.ListEngines(training_pb2.ListEnginesRequest(), metadata=user.md)
    engines = {e.name: e for e in response.engines}
    assert set(engines) == {
        "gaussian_copula", "ctgan", "tvae", "copulagan", "tabular_argn", "hma", "par"
    }  # fmt: skip
    capabilities = training_pb2.EngineCapability
    assert list(engines["hma"].capabilities) == [capabilities.ENGINE_CAPABILITY_RELATIONAL]
    assert list(engines["ctgan"].capabilities) == [capabilities.ENGINE_CAPABILITY_SINGLE_TABLE]
    assert set(engines["tabular_argn"].capabilities) == {
        capabilities.ENGINE_CAPABILITY_SINGLE_TABLE,
        capabilities.ENGINE_CAPABILITY_RELATIONAL,
        capabilities.ENGINE_CAPABILITY_SEQUENTIAL,
        capabilities.ENGINE_CAPABILITY_DIFFERENTIAL_PRIVACY,
    }
    ctgan = {p.name: p for p in engines["ctgan"].parameters}
    assert ctgan["epochs"].default.number_value == 300
    assert ctgan["options.pac"].default.number_value == 10
    assert engines["tabular_argn"].license == "Apache-2.0"


@pytest.mark.parametrize(
    ("engine", "params", "field"),
    [
        ("no_such_engine", {}, "engine"),
        ("ctgan", {"epochs": 0}, "params.epochs"),
        ("ctgan", {"epochs": -3}, "params.epochs"),
        ("ctgan", {"batch_size": 7}, "params.batch_size"),
        ("gaussian_copula", {"time_budget_seconds": 0}, "params.time_budget_seconds"),
        ("gaussian_copula", {"epochs": 5}, "params.epochs"),
        ("gaussian_copula", {"batch_size": 100}, "params.batch_size"),
        ("hma", {"batch_size": 100}, "params.batch_size"),
        # Engines of linked tables or sequences only, given one plain table.
        ("hma", {}, "engine"),
        ("par", {}, "engine"),
    ],
)
async def test_bad_training_input_is_refused_and_creates_no_job(world, engine, params, field):
    user = await world.user()
    dataset_id = await world.dataset(user, small_adult_csv(60))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(user, dataset_id, engine=engine, **params)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert next(iter(field_violations(caught.value))) == field
    assert await world.jobs(user) == []


async def test_unknown_engine_options_are_refused(world):
    user = await world.user()
    dataset_id = await world.dataset(user, small_adult_csv(60))
    options = struct_pb2.Struct()
    options.update({"warp_speed": 9})
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(user, dataset_id, engine="ctgan", options=options)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert next(iter(field_violations(caught.value))) == "params.options.warp_speed"


async def test_a_deleted_or_foreign_dataset_cannot_be_trained_on(world):
    owner, stranger = await world.user(), await world.user()
    dataset_id = await world.dataset(owner, small_adult_csv(60))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(stranger, dataset_id)
    assert caught.value.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)

    await world.datasets.DeleteDataset(
        datasets_pb2.DeleteDatasetRequest(dataset_id=dataset_id), metadata=owner.md
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(owner, dataset_id)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert await world.jobs(owner) == [] and await world.jobs(stranger) == []


async def test_a_dataset_still_ingesting_cannot_be_trained_on(world):
    user = await world.user()
    project_id = await world.project(user)
    header = datasets_pb2.UploadHeader(
        project_id=project_id, name="big", file_name="adult.csv", wait_seconds=0
    )
    payload = small_adult_csv(30000, columns=None)

    async def messages():
        yield datasets_pb2.UploadDatasetRequest(header=header)
        for start in range(0, len(payload), 1 << 20):
            yield datasets_pb2.UploadDatasetRequest(chunk=payload[start : start + (1 << 20)])

    upload = await world.datasets.UploadDataset(messages(), metadata=user.md, timeout=120)
    assert upload.dataset.status == datasets_pb2.DATASET_STATUS_INGESTING
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(user, upload.dataset.id)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "still being ingested" in caught.value.details()
    assert await world.jobs(user) == []


async def test_a_viewer_reads_but_cannot_train_and_a_stranger_sees_nothing(isolated):
    # An API with no worker: the job stays queued, so the owner's cancel at the end cannot
    # meet a job the session's worker already finished.
    world, _ = isolated
    owner, viewer, stranger = await world.user(), await world.user(), await world.user()
    project_id = await world.project(owner)
    await world.add_member(owner, project_id, viewer.email, datasets_pb2.PROJECT_ROLE_VIEWER)
    dataset_id = await world.dataset(owner, small_adult_csv(60), project_id=project_id)
    started = await world.train(owner, dataset_id)

    seen = await world.training.GetModel(
        training_pb2.GetModelRequest(model_id=started.model.id), metadata=viewer.md
    )
    assert seen.model.id == started.model.id
    assert seen.model.name == "gaussian_copula on adult"  # the default: engine and dataset
    listed = await world.training.ListJobs(
        training_pb2.ListJobsRequest(project_id=project_id), metadata=viewer.md
    )
    assert [j.id for j in listed.jobs] == [started.job.id]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.train(viewer, dataset_id)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.CancelJob(
            training_pb2.CancelJobRequest(job_id=started.job.id), metadata=viewer.md
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED

    calls = [
        world.training.GetModel(
            training_pb2.GetModelRequest(model_id=started.model.id), metadata=stranger.md
        ),
        world.training.GetJob(
            training_pb2.GetJobRequest(job_id=started.job.id), metadata=stranger.md
        ),
        world.training.CancelJob(
            training_pb2.CancelJobRequest(job_id=started.job.id), metadata=stranger.md
        ),
        world.training.Generate(
            training_pb2.GenerateRequest(model_id=started.model.id, count=10),
            metadata=stranger.md,
        ),
        world.training.ListModels(
            training_pb2.ListModelsRequest(project_id=project_id), metadata=stranger.md
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    mine = await world.training.ListModels(training_pb2.ListModelsRequest(), metadata=stranger.md)
    assert list(mine.models) == []
    # The jobs list's batched look-up leaves another project's model out, as if it did not exist.
    batched = training_pb2.BatchGetModelsRequest(model_ids=[started.model.id])
    theirs = await world.training.BatchGetModels(batched, metadata=stranger.md)
    assert list(theirs.models) == []
    ours = await world.training.BatchGetModels(batched, metadata=owner.md)
    assert [x.id for x in ours.models] == [started.model.id]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.BatchGetModels(
            training_pb2.BatchGetModelsRequest(model_ids=["not-an-id"]), metadata=owner.md
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    cancelled = await world.training.CancelJob(
        training_pb2.CancelJobRequest(job_id=started.job.id), metadata=owner.md
    )
    assert cancelled.job.status == training_pb2.JOB_STATUS_CANCELLED


async def test_generating_from_a_model_that_is_not_ready_is_refused(isolated):
    world, _ = isolated  # no worker: the job is still queued when it is cancelled
    user = await world.user()
    dataset_id = await world.dataset(user, small_adult_csv(60))
    started = await world.train(user, dataset_id)
    await world.training.CancelJob(
        training_pb2.CancelJobRequest(job_id=started.job.id), metadata=user.md
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.Generate(
            training_pb2.GenerateRequest(model_id=started.model.id, count=10), metadata=user.md
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "cancelled" in caught.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.CancelJob(
            training_pb2.CancelJobRequest(job_id=started.job.id), metadata=user.md
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert len(await world.jobs(user)) == 1


async def test_concurrent_jobs_per_user_are_limited(
    own_training_config, service_token, auth_server, datasets_server
):
    # An API of its own (database and NATS) with no worker, so queued jobs stay queued.
    api = await start_training(**own_training_config, max_concurrent_jobs_per_user=2)
    auth = AuthCaller(auth_server.address, service_token)
    world = TrainingWorld(api.address, datasets_server.address, auth)
    try:
        user = await world.user()
        dataset_id = await world.dataset(user, small_adult_csv(60))
        first = await world.train(user, dataset_id)
        await world.train(user, dataset_id)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await world.train(user, dataset_id)
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "limit 2" in caught.value.details()
        assert len(await world.jobs(user)) == 2

        await world.training.CancelJob(
            training_pb2.CancelJobRequest(job_id=first.job.id), metadata=user.md
        )
        await world.train(user, dataset_id)
        other = await world.user()
        await world.train(other, await world.dataset(other, small_adult_csv(60)))
    finally:
        await world.close()
        await auth.close()
        await api.stop(0)
