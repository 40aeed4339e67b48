"""The evaluation service with real auth, datasets and training services, NATS and PostgreSQL:
a generated batch gets its report by itself; Evaluate re-runs it; bad input is refused."""

from __future__ import annotations

import asyncio
import io
import json
import uuid

import grpc
import nats
import pandas as pd
import pytest
import sqlalchemy as sa

from common.clients import make_channel
from synthetica.datasets.v1 import datasets_pb2
from synthetica.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from synthetica.training.v1 import training_pb2
from tests.services.training.training_world import small_adult_csv
from tests.support import field_violations, stream_events

READY = evaluation_pb2.REPORT_STATUS_READY
FINISHED = (READY, evaluation_pb2.REPORT_STATUS_FAILED)


def adult_with_a_constant_column(rows: int = 600) -> bytes:
    frame = pd.read_csv(io.BytesIO(small_adult_csv(rows)))
    return frame.assign(source="census").to_csv(index=False).encode()


@pytest.fixture
async def evaluation(evaluation_server):
    channel = make_channel(evaluation_server.address)
    yield evaluation_pb2_grpc.EvaluationServiceStub(channel)
    await channel.close()


async def generated_batch(world, user, *, count: int = 400) -> tuple[str, str]:
    """(dataset id, batch id) of a READY batch generated from a model of a fresh dataset."""
    dataset_id = await world.dataset(user, adult_with_a_constant_column())
    model_id = await world.trained_model(user, dataset_id, seed=1)
    generated = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model_id, count=count, seed=2), metadata=user.md
    )
    job = await world.wait_job(user, generated.job.id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error
    return dataset_id, generated.batch.id


async def finished_report(
    evaluation, user, batch_id: str, *, not_id: str = "", timeout: float = 180
) -> evaluation_pb2.Report:
    """The batch's newest report once it is finished (and is not report `not_id`)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            report = (
                await evaluation.GetReport(
                    evaluation_pb2.GetReportRequest(batch_id=batch_id), metadata=user.md
                )
            ).report
            if report.status in FINISHED and report.id != not_id:
                return report
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.NOT_FOUND, exc
        assert asyncio.get_running_loop().time() < deadline, "no finished report in time"
        await asyncio.sleep(0.5)


async def download(evaluation, user, batch_id: str, fmt: int) -> bytes:
    stream = evaluation.DownloadReport(
        evaluation_pb2.DownloadReportRequest(batch_id=batch_id, format=fmt), metadata=user.md
    )
    return b"".join([part.chunk async for part in stream])


async def test_a_generated_batch_gets_its_report_by_itself(world, evaluation, nats_url):
    user = await world.user()
    _, batch_id = await generated_batch(world, user)

    report = await finished_report(evaluation, user, batch_id)
    assert report.status == READY, report.error
    assert report.trigger == "batch.generated"
    assert report.kind == evaluation_pb2.REPORT_KIND_FULL
    assert 0.0 < report.quality_score <= 1.0
    assert report.privacy_verdict != evaluation_pb2.PRIVACY_VERDICT_UNSPECIFIED
    document = json.loads(report.report_json)
    assert document["batch_id"] == batch_id
    assert document["sample_sizes"]["synthetic_rows"] == 400
    assert document["utility"]["target_column"] == "income"  # the last varying categorical
    assert {"quality", "fidelity", "privacy", "charts"} <= set(document)

    html = (await download(evaluation, user, batch_id, evaluation_pb2.REPORT_FORMAT_HTML)).decode()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    downloaded = json.loads(
        await download(evaluation, user, batch_id, evaluation_pb2.REPORT_FORMAT_JSON)
    )
    assert downloaded["report_id"] == report.id

    completed = [
        e
        for e in await stream_events(nats_url, "synthetica.events.evaluation.completed")
        if e.evaluation_completed.batch_id == batch_id
    ]
    assert len(completed) == 1
    assert completed[0].user_id == user.id
    assert completed[0].evaluation_completed.report_id == report.id
    assert completed[0].evaluation_completed.quality_score == pytest.approx(report.quality_score)


async def test_a_redelivered_event_makes_no_second_report(
    world, evaluation, nats_url, database_url
):
    user = await world.user()
    _, batch_id = await generated_batch(world, user)
    first = await finished_report(evaluation, user, batch_id)
    [event] = [
        e
        for e in await stream_events(nats_url, "synthetica.events.batch.generated")
        if e.batch_generated.batch_id == batch_id
    ]
    # The same event again, as a redelivery (a new message id gets past de-duplication).
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.publish("synthetica.events.batch.generated", event.SerializeToString())
    await until_consumed(js)
    await nc.close()

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("select count(*) from evaluation.reports where batch_id = :b"),
            {"b": batch_id},
        ).scalar_one()
    engine.dispose()
    assert count == 1
    report = await finished_report(evaluation, user, batch_id)
    assert report.id == first.id


async def until_consumed(js, timeout: float = 60) -> None:
    """Waits until the evaluation consumer has acked every batch.generated event."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        info = await js.consumer_info("EVENTS", "evaluation")
        if info.num_pending == 0 and info.num_ack_pending == 0:
            return
        assert asyncio.get_running_loop().time() < deadline, info
        await asyncio.sleep(0.3)


async def test_evaluate_reruns_with_the_target_and_sample_size_asked(world, evaluation):
    user = await world.user()
    _, batch_id = await generated_batch(world, user)
    automatic = await finished_report(evaluation, user, batch_id)

    response = await evaluation.Evaluate(
        evaluation_pb2.EvaluateRequest(
            batch_id=batch_id,
            options=evaluation_pb2.EvaluateOptions(target_column="workclass", sample_rows=150),
        ),
        metadata=user.md,
    )
    assert response.report.status == evaluation_pb2.REPORT_STATUS_PENDING
    assert response.report.trigger == "request"
    report = await finished_report(evaluation, user, batch_id, not_id=automatic.id)
    assert report.id == response.report.id and report.status == READY, report.error
    document = json.loads(report.report_json)
    assert document["utility"]["target_column"] == "workclass"
    assert document["sample_sizes"]["quality_synthetic_rows"] == 150
    assert report.options.target_column == "workclass"


async def _refused(call, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    assert raised.value.code() == code, raised.value.details()
    return raised.value


async def test_bad_requests_get_clear_errors_and_change_nothing(world, evaluation):
    owner, stranger = await world.user(), await world.user()
    dataset_id, batch_id = await generated_batch(world, owner)
    automatic = await finished_report(evaluation, owner, batch_id)

    def evaluate(user, batch: str = batch_id, **options: object):
        return evaluation.Evaluate(
            evaluation_pb2.EvaluateRequest(
                batch_id=batch, options=evaluation_pb2.EvaluateOptions(**options)
            ),
            metadata=user.md,
        )

    missing = await _refused(
        evaluate(owner, target_column="salary"), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert list(field_violations(missing)) == ["target_column"]
    assert "salary" in missing.details()
    constant = await _refused(
        evaluate(owner, target_column="source"), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert list(field_violations(constant)) == ["target_column"]
    assert "constant" in constant.details()
    small = await _refused(evaluate(owner, sample_rows=5), grpc.StatusCode.INVALID_ARGUMENT)
    assert list(field_violations(small)) == ["options.sample_rows"]
    malformed = await _refused(evaluate(owner, batch="nope"), grpc.StatusCode.INVALID_ARGUMENT)
    assert list(field_violations(malformed)) == ["batch_id"]
    await _refused(evaluate(owner, batch=str(uuid.uuid4())), grpc.StatusCode.NOT_FOUND)

    # Another user's batch: its report can be neither read, downloaded nor re-run.
    for call in (
        evaluate(stranger),
        evaluation.GetReport(
            evaluation_pb2.GetReportRequest(batch_id=batch_id), metadata=stranger.md
        ),
        download(evaluation, stranger, batch_id, evaluation_pb2.REPORT_FORMAT_HTML),
    ):
        error = await _refused_any(call)
        assert error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)

    # None of the refusals made a report: the automatic one is still the batch's report.
    assert (await finished_report(evaluation, owner, batch_id)).id == automatic.id

    await world.datasets.DeleteDataset(
        datasets_pb2.DeleteDatasetRequest(dataset_id=dataset_id), metadata=owner.md
    )
    # Refused as deleted at once; then the batch itself goes (dataset.deleted, see
    # tests/gateway/test_gateway_dataset_deletion.py).
    deleted = await _refused_any(evaluate(owner))
    assert deleted.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND)
    assert "deleted" in deleted.details() or "not found" in deleted.details()


async def _refused_any(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    return raised.value


async def test_only_an_editor_can_replace_a_batchs_report_and_within_a_quota(world, evaluation):
    """A viewer cannot replace the batch's official report (one once lowered its quality
    from 0.970 to 0.790); an editor can, within a quota."""
    owner, viewer, editor = await world.user(), await world.user(), await world.user()
    _, batch_id = await generated_batch(world, owner)
    batch = (
        await world.training.GetBatch(
            training_pb2.GetBatchRequest(batch_id=batch_id), metadata=owner.md
        )
    ).batch
    await world.add_member(owner, batch.project_id, viewer.email, datasets_pb2.PROJECT_ROLE_VIEWER)
    await world.add_member(owner, batch.project_id, editor.email, datasets_pb2.PROJECT_ROLE_EDITOR)
    official = await finished_report(evaluation, owner, batch_id)

    def evaluate(user):
        options = evaluation_pb2.EvaluateOptions(target_column="workclass", sample_rows=100)
        return evaluation.Evaluate(
            evaluation_pb2.EvaluateRequest(batch_id=batch_id, options=options), metadata=user.md
        )

    refused = await _refused(evaluate(viewer), grpc.StatusCode.PERMISSION_DENIED)
    assert "editor" in refused.details()
    # The viewer still reads the report, and it is still the official one.
    seen = await finished_report(evaluation, viewer, batch_id)
    assert seen.id == official.id and seen.quality_score == official.quality_score

    # An editor may, twice at once; a third request waits for one of them to finish.
    await evaluate(editor)
    second = (await evaluate(editor)).report
    over = await _refused(evaluate(editor), grpc.StatusCode.RESOURCE_EXHAUSTED)
    assert "limit 2" in over.details()
    report = await finished_report(evaluation, editor, batch_id, not_id=official.id)
    while report.id != second.id:
        report = await finished_report(evaluation, editor, batch_id, not_id=report.id)
    assert report.status == READY and report.trigger == "request", report.error
    assert report.options.target_column == "workclass"


@pytest.mark.parametrize("builtin", ["user", "healthcare_ehr"])
async def test_a_builtin_template_batch_gets_its_conformance_report_at_once(
    world, evaluation, builtin
):
    """Bounds such as "today-90y" are read as the generator read them, so
    the report is made at its first try and every date bound holds."""
    user = await world.user()
    project_id = await world.project(user)
    started = await world.training.GenerateFromTemplate(
        training_pb2.GenerateFromTemplateRequest(
            builtin=builtin, project_id=project_id, count=200, seed=3
        ),
        metadata=user.md,
        timeout=120,  # the API checks the template with a dry run: slow on a busy machine
    )
    job = await world.wait_job(user, started.job.id)
    assert job.status == training_pb2.JOB_STATUS_SUCCEEDED, job.error

    report = await finished_report(evaluation, user, started.batch.id)
    assert report.status == READY, report.error
    assert report.kind == evaluation_pb2.REPORT_KIND_CONFORMANCE
    bounds = [
        (table["table"], field["column"], check["check"], check["passed"])
        for table in json.loads(report.report_json)["conformance"]["tables"]
        for field in table["fields"]
        for check in field["checks"]
        if check["check"] in ("min", "max")
    ]
    assert bounds and all(passed for *_, passed in bounds), bounds
