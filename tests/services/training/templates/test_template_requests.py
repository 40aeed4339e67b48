"""Template requests refused before any job or saved template: each bad schema, count, locale,
option or name is named by its field in the INVALID_ARGUMENT, and nothing is created."""

from __future__ import annotations

import json

import grpc
import pytest
from google.protobuf import struct_pb2

from synthetica.training.v1 import training_pb2
from tests.support import field_violations

pytestmark = pytest.mark.usefixtures("training_worker")


def _schema(*fields: dict, count: int | None = None) -> dict:
    table: dict = {"name": "t", "fields": [{"name": "id", "type": "int"}, *fields]}
    if count is not None:
        table["count"] = count
    return {"tables": [table]}


CYCLE = _schema(
    {"name": "a", "type": "int", "derive": "b + 1"}, {"name": "b", "type": "int", "derive": "a + 1"}
)
DANGLING = _schema({"name": "p", "type": "int", "foreign_key": {"table": "parents", "field": "id"}})
# A schema that once made the API allocate ~13 GB.
REGEX_BOMB = {
    "tables": [
        {"name": "t", "fields": [{"name": "s", "type": "string", "regex": "[a-z]{1000000000}"}]}
    ]
}
WIDE = {
    "tables": [{"name": "t", "fields": [{"name": f"f{i}", "type": "int"} for i in range(10_000)]}]
}


@pytest.mark.parametrize(
    ("request_fields", "field", "message"),
    [
        ({"schema_json": json.dumps(_schema({"name": "x", "type": "banana"}))},
         "schema.tables[0].fields[1].type", "unknown type 'banana'"),
        ({"schema_json": json.dumps(_schema(
            {"name": "c", "type": "category", "categories": list("abcdefghij"), "unique": True}
        )), "count": 1_000_000},
         "schema.tables[0].fields[1].unique", "1000000 unique values requested but only 10"),
        ({"schema_json": json.dumps(_schema({"name": "x", "type": "int", "min": 9, "max": 1}))},
         "schema.tables[0].fields[1].max", "greater than max"),
        ({"schema_json": json.dumps(CYCLE)}, "schema.tables[0].fields[1].derive", "cycle"),
        ({"schema_json": json.dumps(DANGLING)},
         "schema.tables[0].fields[1].foreign_key.table", "no table named 'parents'"),
        ({"schema_json": json.dumps(WIDE)}, "schema.tables", "10000 fields; the limit is 1000"),
        ({"schema_json": "{not json"}, "schema", "invalid JSON"),
        ({"schema_json": json.dumps(REGEX_BOMB)}, "schema.tables[0].fields[0].regex",
         "repeats 1,000,000,000 times; the limit is 10,000"),
        ({"builtin": "user", "count": 0}, "count", "positive"),
        ({"builtin": "user", "count": 10_000_001}, "count", "limit is 10000000"),
        ({"builtin": "user", "locale": "xx_XX"}, "locale", "unsupported locale"),
        ({"builtin": "nope"}, "builtin", "unknown template 'nope'"),
        ({}, "source", "templateId, a builtin template or a schema"),
        ({"builtin": "user", "project_id": ""}, "project_id", "required"),
        ({"builtin": "user", "format": 42}, "format", "unknown format"),
    ],
)  # fmt: skip
async def test_bad_input_points_at_the_field_and_creates_no_job(
    world, request_fields, field, message
):
    user = await world.user()
    request = {"project_id": await world.project(user), "count": 100, **request_fields}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.GenerateFromTemplate(
            training_pb2.GenerateFromTemplateRequest(**request), metadata=user.md
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = field_violations(caught.value)
    assert field in violations, violations
    assert message in violations[field]
    assert await world.jobs(user) == []


async def test_options_of_a_builtin_are_checked(world):
    user = await world.user()
    project_id = await world.project(user)
    options = struct_pb2.Struct()
    options.update({"fraud_rate": 3})
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.GenerateFromTemplate(
            training_pb2.GenerateFromTemplateRequest(
                builtin="finance_transactions", project_id=project_id, count=10, options=options
            ),
            metadata=user.md,
        )
    assert "options.fraud_rate" in field_violations(caught.value)


async def test_create_template_refuses_a_bad_schema_and_saves_nothing(world):
    user = await world.user()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.CreateTemplate(
            training_pb2.CreateTemplateRequest(name="bad", schema_json=json.dumps(CYCLE)),
            metadata=user.md,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "schema.tables[0].fields[1].derive" in field_violations(caught.value)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.CreateTemplate(
            training_pb2.CreateTemplateRequest(name="bomb", schema_json=json.dumps(REGEX_BOMB)),
            metadata=user.md,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "limit is 10,000" in field_violations(caught.value)["schema.tables[0].fields[0].regex"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await world.training.CreateTemplate(
            training_pb2.CreateTemplateRequest(name="", schema_json=json.dumps(_schema())),
            metadata=user.md,
        )
    assert "name" in field_violations(caught.value)
    listed = await world.training.ListTemplates(
        training_pb2.ListTemplatesRequest(), metadata=user.md
    )
    assert all(t.builtin for t in listed.templates)
    assert {t.id for t in listed.templates} >= {"user", "healthcare_ehr", "robotics_sensors"}
