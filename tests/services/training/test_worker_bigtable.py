"""Big tables on a real worker: a split above the worker's row cap is learned from a seeded
sample of the cap's size (and the model says so), and a job whose memory estimate is above
the worker's memory fails before it reads anything, naming the numbers and the settings."""

from __future__ import annotations

from google.protobuf import json_format

from synthetica.datasets.v1 import datasets_pb2
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import TrainingWorld, frame, small_adult_csv
from tests.support import start_training_worker

CAP = 300


async def _generated(world: TrainingWorld, user, model_id: str) -> bytes:
    started = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model_id, count=200, seed=4), metadata=user.md
    )
    job = await world.wait_job(user, started.job.id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    return await world.download(user, started.batch.id, training_pb2.EXPORT_FORMAT_CSV)


async def test_a_split_above_the_cap_trains_on_a_seeded_sample_of_the_cap(isolated):
    world, config = isolated
    worker = await start_training_worker(**config, train_max_rows=CAP)
    try:
        user = await world.user()
        dataset_id = await world.dataset(user, small_adult_csv(1_000))
        dataset = (
            await world.datasets.GetDataset(
                datasets_pb2.GetDatasetRequest(dataset_id=dataset_id), metadata=user.md
            )
        ).dataset
        assert dataset.train_row_count > CAP
        models, outputs = [], []
        for seed in (5, 5, 6):
            started = await world.train(user, dataset_id, "gaussian_copula", seed=seed)
            job = await world.wait_job(user, started.job.id)
            assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
            assert (
                f"trained on a seeded sample of {CAP:,} of the split's "
                f"{dataset.train_row_count:,} rows (TRAINING_TRAIN_MAX_ROWS)"
            ) in job.progress.message
            model = (
                await world.training.GetModel(
                    training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
                )
            ).model
            models.append(json_format.MessageToDict(model.metrics))
            outputs.append(await _generated(world, user, model.id))
    finally:
        await worker.stop(0)
    assert [(m["rows"], m["source_rows"]) for m in models] == [(CAP, dataset.train_row_count)] * 3
    # The same seed learns the same sample (so the same model and rows); another seed, another.
    assert outputs[0] == outputs[1]
    assert outputs[2] != outputs[0]
    assert len(frame(outputs[0])) == 200


async def test_a_job_that_will_not_fit_the_workers_memory_fails_at_once(isolated):
    world, config = isolated
    worker = await start_training_worker(**config, worker_memory_mb=500)
    try:
        user = await world.user()
        dataset_id = await world.dataset(user)
        started = await world.train(user, dataset_id, "ctgan", epochs=1, batch_size=40)
        job = await world.wait_job(user, started.job.id, timeout=60)
    finally:
        await worker.stop(0)
    assert job.status == training_pb2.JOB_STATUS_FAILED
    assert job.attempts == 1  # it would fail again anywhere with this memory: not retried
    assert "training ctgan on the split's" in job.error
    assert "more than the worker's 500 MB (TRAINING_WORKER_MEMORY_MB)" in job.error
    assert "lower TRAINING_TRAIN_MAX_ROWS (now 1,000,000)" in job.error
    model = (
        await world.training.GetModel(
            training_pb2.GetModelRequest(model_id=started.model.id), metadata=user.md
        )
    ).model
    assert model.status == training_pb2.MODEL_STATUS_FAILED
