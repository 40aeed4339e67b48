"""The evaluation service's own pieces on real PostgreSQL: report rows (idempotent per event,
one outbox event per completion), batch states refused, template schemas checked."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa

from common.db import Database
from common.errors import FailedPrecondition, InvalidArgument, NotFound, ResourceExhausted
from services.evaluation import models as m
from services.evaluation import service
from services.evaluation.evaluator import Evaluator, compute
from services.evaluation.inputs import (
    ConformanceInputs,
    check_batch_ready,
    conformance_schema,
    kind_of,
)
from services.evaluation.report import ReportOptions
from services.evaluation.servicer import options_from_proto
from synthetica.evaluation.v1 import evaluation_pb2
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2


@pytest.fixture(scope="module")
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def new_report(batch_id: str | None = None) -> service.NewReport:
    return service.NewReport(
        batch_id=batch_id or str(uuid.uuid4()),
        owner_id=str(uuid.uuid4()),
        project_id=str(uuid.uuid4()),
        kind=m.FULL,
        trigger=m.EVENT_TRIGGER,
        options={},
    )


def outbox_events(db: Database, batch_id: str) -> list[events_pb2.Event]:
    def read(*, session):
        return [row.payload for row in session.execute(sa.select(m.outbox.c.payload))]

    events = []
    for payload in db.run(read):
        event = events_pb2.Event()
        event.ParseFromString(payload)
        if event.evaluation_completed.batch_id == batch_id:
            events.append(event)
    return events


def test_a_redelivered_event_finds_the_report_it_started(db):
    new, event_id = new_report(), str(uuid.uuid4())
    first = db.run(service.report_for_event, event_id=event_id, new=new)
    again = db.run(service.report_for_event, event_id=event_id, new=new)
    assert again.id == first.id and again.status == m.PENDING
    other = db.run(service.report_for_event, event_id=str(uuid.uuid4()), new=new)
    assert other.id != first.id


def test_completing_a_report_writes_one_event_with_its_scores(db):
    new = new_report()
    report = db.run(service.report_for_event, event_id=str(uuid.uuid4()), new=new)
    db.run(service.start, report_id=report.id)
    done = db.run(
        service.complete,
        report_id=report.id,
        quality_score=0.83,
        privacy_verdict="warn",
        json_key="k.json",
        html_key="k.html",
    )
    assert done.status == m.READY and done.completed_at is not None
    [event] = outbox_events(db, new.batch_id)
    assert event.type == "evaluation.completed" and event.user_id == new.owner_id
    assert event.evaluation_completed.report_id == str(report.id)
    assert event.evaluation_completed.quality_score == pytest.approx(0.83)
    assert event.evaluation_completed.privacy_verdict == "warn"


def test_the_newest_report_is_the_batchs_report(db):
    batch_id = str(uuid.uuid4())
    with pytest.raises(NotFound):
        db.run(service.latest_report, batch_id=batch_id)
    older = db.run(service.report_for_event, event_id=str(uuid.uuid4()), new=new_report(batch_id))
    db.run(service.fail, report_id=older.id, error="no")
    newer = db.run(service.report_for_event, event_id=str(uuid.uuid4()), new=new_report(batch_id))
    assert db.run(service.latest_report, batch_id=batch_id).id == newer.id
    with pytest.raises(NotFound):
        db.run(service.latest_report, batch_id=batch_id, ready_only=True)
    assert not outbox_events(db, batch_id)  # failures publish nothing
    with pytest.raises(InvalidArgument):
        db.run(service.latest_report, batch_id="not-an-id")


def _request(user: str) -> service.NewReport:
    new = new_report()
    return service.NewReport(**{**new.__dict__, "trigger": m.REQUEST_TRIGGER, "requested_by": user})


def test_evaluate_requests_are_limited_per_user_and_in_all(db):
    """A per-user quota and a bounded queue of Evaluate requests."""
    ada, bob = str(uuid.uuid4()), str(uuid.uuid4())

    def ask(user: str, max_queued: int = 1_000) -> m.Report:
        return db.run(
            service.create_request, new=_request(user), max_per_user=2, max_queued=max_queued
        )

    first, _ = ask(ada), ask(ada)
    with pytest.raises(ResourceExhausted) as refused:
        ask(ada)
    assert refused.value.reason == "TOO_MANY_EVALUATIONS"
    ask(bob)  # the quota is per user
    db.run(service.fail, report_id=first.id, error="done")
    ask(ada)  # a finished request no longer counts

    def waiting(*, session) -> int:
        query = sa.select(sa.func.count()).select_from(m.Report)
        return session.scalar(
            query.where(m.Report.trigger == m.REQUEST_TRIGGER, m.Report.status == m.PENDING)
        )

    queued = db.run(waiting)
    with pytest.raises(ResourceExhausted) as full:
        ask(str(uuid.uuid4()), max_queued=queued)
    assert full.value.reason == "EVALUATION_QUEUE_FULL"
    assert db.run(waiting) == queued  # refused requests made no report


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (training_pb2.BATCH_STATUS_GENERATING, "BATCH_GENERATING"),
        (training_pb2.BATCH_STATUS_FAILED, "BATCH_FAILED"),
        (training_pb2.BATCH_STATUS_EXPIRED, "BATCH_EXPIRED"),
    ],
)
def test_a_batch_that_is_not_ready_is_refused(status, reason):
    with pytest.raises(FailedPrecondition) as refused:
        check_batch_ready(training_pb2.Batch(id="b1", status=status))
    assert refused.value.reason == reason and "b1" in refused.value.message
    check_batch_ready(training_pb2.Batch(id="b1", status=training_pb2.BATCH_STATUS_READY))


def test_options_below_the_sample_floor_are_refused():
    request = evaluation_pb2.EvaluateRequest(
        batch_id="b", options=evaluation_pb2.EvaluateOptions(sample_rows=10)
    )
    with pytest.raises(InvalidArgument) as refused:
        options_from_proto(request)
    assert refused.value.violations[0].field == "options.sample_rows"
    given = evaluation_pb2.EvaluateOptions(target_column="income", sample_rows=500)
    options = options_from_proto(evaluation_pb2.EvaluateRequest(batch_id="b", options=given))
    assert options == {"target_column": "income", "sample_rows": 500, "seed": None}


TEMPLATE = {
    "tables": [
        {
            "name": "users",
            "count": 4,
            "fields": [
                {"name": "id", "type": "int", "distribution": "sequence", "unique": True},
                {"name": "age", "type": "int", "min": 18, "max": 90},
                {"name": "plan", "type": "category", "categories": ["free", "pro"]},
                {"name": "email", "type": "email", "null_rate": 0.5},
                {"name": "secret", "type": "int", "hidden": True},
            ],
        },
        {
            "name": "orders",
            "count": 3,
            "fields": [
                {"name": "user_id", "type": "int", "foreign_key": {"table": "users", "field": "id"}}
            ],
        },
    ]
}


def test_a_template_batch_is_checked_against_its_schema_only():
    assert kind_of(training_pb2.Batch(template_id="user")) == m.CONFORMANCE
    assert kind_of(training_pb2.Batch(model_id="m", template_id="")) == m.FULL
    schema = conformance_schema(json.dumps(TEMPLATE))
    assert "secret" not in schema["tables"]["users"]["columns"]
    users = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "age": [20, 30, 95, 40],  # one out of bounds
            "plan": ["free", "pro", "pro", "free"],
            "email": ["a@x.io", None, "c@x.io", None],
        }
    )
    orders = pd.DataFrame({"user_id": [1, 2, 9]})  # 9 is no user
    inputs = ConformanceInputs(tables={"users": users, "orders": orders}, schema=schema)
    outcome = compute(inputs, ReportOptions(), report_id="r", batch_id="b")
    document = json.loads(outcome.report_json)
    assert document["kind"] == "conformance" and outcome.privacy_verdict == ""
    conformance = document["conformance"]
    assert conformance["passed"] is False
    checks = {
        (field["column"], check["check"]): check["conforming_share"]
        for table in conformance["tables"]
        for field in table["fields"]
        for check in field["checks"]
    }
    assert checks[("age", "max")] == pytest.approx(0.75)
    assert checks[("email", "nulls")] == 1.0  # half missing, as the template allows
    [key] = [k for t in conformance["tables"] for k in t["foreign_keys"]]
    assert key["conforming_share"] == pytest.approx(2 / 3)
    assert 0 < outcome.quality_score < 1
    html = outcome.html.decode()
    assert html.startswith("<!DOCTYPE html>") and "orders" in html and "<script" not in html


def test_an_unreadable_template_schema_is_a_clear_error():
    with pytest.raises(FailedPrecondition):
        conformance_schema("{not json")


async def test_an_error_computing_a_report_is_final_at_once():
    """The same inputs fail the same way on every try: the error fails the report (a
    domain error) instead of being retried as a fault."""
    tables = {"t": pd.DataFrame({"code": ["a1", "b2"]})}
    schema = {"tables": {"t": {"columns": {"code": {"type": "string", "regex": "("}}}}}
    report = m.Report(id=uuid.uuid4(), batch_id=uuid.uuid4())
    with pytest.raises(FailedPrecondition) as caught:
        await Evaluator._compute(ConformanceInputs(tables, schema), ReportOptions(), report)
    assert caught.value.reason == "REPORT_FAILED"
    assert "could not be computed" in caught.value.message
