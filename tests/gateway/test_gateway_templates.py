"""Templates through the GraphQL gateway over real HTTP, as a new user would: built-in
templates to downloads in four formats, a saved two-table schema with a foreign key, the
same seed giving the same bytes, typed errors that point at the field, private templates."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from tests.services.training.training_world import frame
from tests.support import BUILTIN_TEMPLATES, PASSWORD, error_code, graphql, unique_email

pytestmark = pytest.mark.usefixtures("training_worker")

REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { tokens { accessToken } } }"""
CREATE_PROJECT = """
mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }"""
GENERATE = """
mutation($input: GenerateFromTemplateInput!) {
  generateFromTemplate(input: $input) { batch { id status } job { id kind status } }
}"""
JOB = """
query($id: ID!) { job(id: $id) { status error progress { percent message } } }"""
BATCH = """
query($id: ID!, $table: String!) {
  batch(id: $id) { status rowCount templateId tables expiresAt previewRows(n: 3, table: $table) }
}"""
CREATE_TEMPLATE = """
mutation($input: CreateTemplateInput!) {
  createTemplate(input: $input) { id name builtin projectId schema }
}"""
PREVIEW = """
query($input: TemplatePreviewInput!) {
  templatePreview(input: $input) { name columns rows truncated }
}"""
TEMPLATE = "query($id: ID!) { template(id: $id) { id name builtin schema options } }"
SHOP = {
    "tables": [
        {
            "name": "customers",
            "count": 25,
            "fields": [
                {"name": "id", "type": "uuid", "unique": True},
                {"name": "email", "type": "email"},
            ],
        },
        {
            "name": "orders",
            "rows_per_parent": 4,
            "fields": [
                {"name": "id", "type": "int", "distribution": "sequence", "unique": True},
                {
                    "name": "customer_id",
                    "type": "uuid",
                    "foreign_key": {"table": "customers", "field": "id"},
                },
                {"name": "total", "type": "float", "min": 1, "max": 99},
            ],
        },
    ]
}


async def _newcomer(client: httpx.AsyncClient) -> tuple[str, str]:
    """A user registered through GraphQL with a project of their own: (token, project id)."""
    registered = await graphql(
        client, REGISTER, {"input": {"email": unique_email("tpl"), "password": PASSWORD}}
    )
    token = registered["data"]["register"]["tokens"]["accessToken"]
    project = await graphql(client, CREATE_PROJECT, {"input": {"name": "fakes"}}, token=token)
    return token, project["data"]["createProject"]["id"]


async def _generate(client: httpx.AsyncClient, token: str, **input: object) -> str:
    """Runs generateFromTemplate to its end; returns the batch id."""
    started = await graphql(client, GENERATE, {"input": input}, token=token)
    assert "errors" not in started, started
    payload = started["data"]["generateFromTemplate"]
    assert payload["job"]["kind"] == "TEMPLATE"
    for _ in range(1200):
        job = (await graphql(client, JOB, {"id": payload["job"]["id"]}, token=token))["data"]
        if job["job"]["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        await asyncio.sleep(0.3)
    assert job["job"]["status"] == "SUCCEEDED", job
    assert job["job"]["progress"]["percent"] == 100
    return payload["batch"]["id"]


async def _download(
    client: httpx.AsyncClient, token: str, batch_id: str, fmt: str, **params: str
) -> bytes:
    response = await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": fmt, **params},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.content


async def test_a_new_user_generates_builtin_rows_and_downloads_them(client):
    token, project_id = await _newcomer(client)
    listed = await graphql(
        client,
        "{ templates { nodes { id builtin schema } pageInfo { hasNextPage } } }",
        token=token,
    )
    builtins = {t["id"]: t for t in listed["data"]["templates"]["nodes"] if t["builtin"]}
    assert set(builtins) == set(BUILTIN_TEMPLATES)
    assert builtins["user"]["schema"]["tables"][0]["name"] == "users"

    batch_id = await _generate(
        client, token, builtin="user", projectId=project_id, count=400, seed=9, format="CSV"
    )
    batch = (await graphql(client, BATCH, {"id": batch_id, "table": ""}, token=token))["data"]
    assert batch["batch"]["status"] == "READY" and batch["batch"]["rowCount"] == 400
    assert batch["batch"]["templateId"] == "user" and batch["batch"]["tables"] == ["users"]
    assert batch["batch"]["expiresAt"]
    assert len(batch["batch"]["previewRows"]) == 3

    csv = frame(await _download(client, token, batch_id, "csv"))
    assert len(csv) == 400 and csv["id"].is_unique
    assert csv["email"][0] == batch["batch"]["previewRows"][0]["email"]
    jsonl = (await _download(client, token, batch_id, "jsonl")).decode().splitlines()
    assert len(jsonl) == 400 and json.loads(jsonl[0])["email"] == csv["email"][0]
    parquet = pq.read_table(io.BytesIO(await _download(client, token, batch_id, "parquet")))
    assert parquet.num_rows == 400 and parquet.column_names == list(csv.columns)
    sql = (await _download(client, token, batch_id, "sql")).decode()
    assert 'CREATE TABLE "users"' in sql and sql.count("INSERT INTO") >= 1


async def test_a_saved_two_table_schema_keeps_every_child_pointing_at_a_parent(client):
    token, project_id = await _newcomer(client)
    saved = await graphql(
        client,
        CREATE_TEMPLATE,
        {"input": {"name": "shop", "schema": SHOP, "projectId": project_id}},
        token=token,
    )
    template = saved["data"]["createTemplate"]
    assert template["projectId"] == project_id and not template["builtin"]
    assert template["schema"]["tables"][1]["name"] == "orders"

    batch_id = await _generate(
        client, token, templateId=template["id"], projectId=project_id, count=1
    )
    batch = (await graphql(client, BATCH, {"id": batch_id, "table": "orders"}, token=token))["data"]
    assert batch["batch"]["tables"] == ["customers", "orders"]
    assert batch["batch"]["rowCount"] == 25 + 100
    assert set(batch["batch"]["previewRows"][0]) == {"id", "customer_id", "total"}

    customers = frame(await _download(client, token, batch_id, "csv", table="customers"))
    orders = frame(await _download(client, token, batch_id, "csv", table="orders"))
    assert len(customers) == 25 and len(orders) == 100
    assert orders["customer_id"].isin(customers["id"]).all()

    link = await graphql(
        client,
        'mutation($id: ID!) { createBatchDownloadUrl(batchId: $id, table: "orders") { url } }',
        {"id": batch_id},
        token=token,
    )
    anonymous = await client.get(link["data"]["createBatchDownloadUrl"]["url"])
    assert anonymous.status_code == 200
    assert frame(anonymous.content).equals(orders)
    missing = await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": "csv", "table": "invoices"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert missing.status_code == 400 and "customers, orders" in missing.text


async def test_the_same_seed_gives_the_same_bytes(client):
    token, project_id = await _newcomer(client)
    request = {"schemaJson": json.dumps(SHOP), "projectId": project_id, "count": 1, "seed": 77}
    first = await _generate(client, token, **request)
    second = await _generate(client, token, **request)
    for table in ("customers", "orders"):
        assert await _download(client, token, first, "csv", table=table) == await _download(
            client, token, second, "csv", table=table
        )


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"schema": {"tables": [{"name": "t", "fields": [{"name": "x", "type": "banana"}]}]}},
         "schema.tables[0].fields[0].type"),
        ({"schema": {"tables": [{"name": "t", "fields": [
            {"name": "c", "type": "category", "categories": list("abcdefghij"), "unique": True}
         ]}]}, "count": 1_000_000}, "schema.tables[0].fields[0].unique"),
        ({"schema": {"tables": [{"name": "t", "fields": [
            {"name": "a", "type": "int", "derive": "b"}, {"name": "b", "type": "int", "derive": "a"}
         ]}]}}, "schema.tables[0].fields[0].derive"),
        ({"schema": {"tables": [{"name": "t", "fields": [
            {"name": "s", "type": "string", "regex": "[a-z]{1000000000}"}
         ]}]}}, "schema.tables[0].fields[0].regex"),
        ({"builtin": "user", "count": 0}, "count"),
        ({"builtin": "user", "schemaJson": "{}"}, "source"),
        ({"schema": {"tables": []}, "schemaJson": "{}"}, "schema"),
        ({}, "source"),
        ({"builtin": "finance_transactions", "options": {"fraud_rate": 7}}, "options.fraud_rate"),
    ],
)  # fmt: skip
async def test_bad_input_is_a_typed_error_pointing_at_the_field(client, input, field):
    token, project_id = await _newcomer(client)
    result = await graphql(
        client, GENERATE, {"input": {"projectId": project_id, "count": 10, **input}}, token=token
    )
    assert error_code(result) == "BAD_USER_INPUT", result
    fields = {f["field"]: f["message"] for f in result["errors"][0]["extensions"]["fields"]}
    assert field in fields, fields
    jobs = await graphql(client, "{ jobs { nodes { id } } }", token=token)
    assert jobs["data"]["jobs"]["nodes"] == []


async def test_a_private_template_is_not_found_by_a_stranger(client):
    owner, _ = await _newcomer(client)
    stranger, stranger_project = await _newcomer(client)
    saved = await graphql(
        client,
        CREATE_TEMPLATE,
        {"input": {"name": "mine", "schemaJson": json.dumps(SHOP)}},
        token=owner,
    )
    template_id = saved["data"]["createTemplate"]["id"]
    assert (await graphql(client, TEMPLATE, {"id": template_id}, token=owner))["data"]
    for query, variables in (
        (TEMPLATE, {"id": template_id}),
        (
            GENERATE,
            {"input": {"templateId": template_id, "projectId": stranger_project, "count": 3}},
        ),
        ("mutation($id: ID!) { deleteTemplate(id: $id) }", {"id": template_id}),
    ):
        assert error_code(await graphql(client, query, variables, token=stranger)) == "NOT_FOUND"
    deleted = await graphql(
        client, "mutation($id: ID!) { deleteTemplate(id: $id) }", {"id": template_id}, token=owner
    )
    assert deleted["data"]["deleteTemplate"] is True
    gone = await graphql(client, TEMPLATE, {"id": template_id}, token=owner)
    assert error_code(gone) == "NOT_FOUND"


def _types(row: dict) -> dict:
    return {k: type(v).__name__ for k, v in row.items() if v is not None}


async def test_a_preview_shows_rows_like_a_jobs_at_once(client):
    token, project_id = await _newcomer(client)
    for builtin in ("user", "ecommerce_transaction"):
        input = {"builtin": builtin, "rows": 5, "seed": 3}
        preview = await graphql(client, PREVIEW, {"input": input}, token=token)
        [table] = preview["data"]["templatePreview"]
        assert len(table["rows"]) == 5 and not table["truncated"]
        assert list(table["rows"][0]) == table["columns"]
        again = await graphql(client, PREVIEW, {"input": input}, token=token)
        assert again["data"]["templatePreview"][0]["rows"] == table["rows"]
        other = {**input, "seed": 4}
        other = await graphql(client, PREVIEW, {"input": other}, token=token)
        assert other["data"]["templatePreview"][0]["rows"] != table["rows"]
        # The job's rows have the same columns, and values of the same JSON types.
        batch_id = await _generate(
            client, token, builtin=builtin, projectId=project_id, count=40, seed=3
        )
        lines = (await _download(client, token, batch_id, "jsonl")).decode().splitlines()
        made = json.loads(lines[0])
        assert list(made) == table["columns"]
        assert _types(made).items() <= {kv for row in table["rows"] for kv in _types(row).items()}

    preview = await graphql(client, PREVIEW, {"input": {"schema": SHOP, "rows": 3}}, token=token)
    customers, orders = preview["data"]["templatePreview"]
    assert (customers["name"], orders["name"]) == ("customers", "orders")
    assert len(customers["rows"]) == len(orders["rows"]) == 3
    assert set(orders["rows"][0]) == {"id", "customer_id", "total"}
    assert all(1 <= row["total"] <= 99 for row in orders["rows"])
    # Previews make no jobs: only the two generations are there.
    jobs = await graphql(client, "{ jobs { nodes { id } } }", token=token)
    assert len(jobs["data"]["jobs"]["nodes"]) == 2


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"builtin": "user", "rows": 0}, "rows"),
        ({"builtin": "user", "rows": 51}, "rows"),
        ({"builtin": "tomatoes"}, "builtin"),
        ({"schema": {"tables": [{"name": "t", "fields": [{"name": "x", "type": "banana"}]}]}},
         "schema.tables[0].fields[0].type"),
        ({"schema": {"tables": [{"name": "t", "fields": [
            {"name": "s", "type": "string", "regex": "[a-z]{1000000000}"}
         ]}]}}, "schema.tables[0].fields[0].regex"),
        ({"builtin": "user", "schemaJson": "{}"}, "source"),
        ({"builtin": "finance_transactions", "options": {"fraud_rate": 7}}, "options.fraud_rate"),
    ],
)  # fmt: skip
async def test_a_bad_preview_is_a_typed_error_pointing_at_the_field(client, input, field):
    token, _ = await _newcomer(client)
    result = await graphql(client, PREVIEW, {"input": input}, token=token)
    assert error_code(result) == "BAD_USER_INPUT", result
    fields = {f["field"]: f["message"] for f in result["errors"][0]["extensions"]["fields"]}
    assert field in fields, fields


async def test_a_preview_needs_a_user_who_may_read_the_template(client):
    owner, _ = await _newcomer(client)
    stranger, _ = await _newcomer(client)
    saved = await graphql(
        client, CREATE_TEMPLATE, {"input": {"name": "mine", "schema": SHOP}}, token=owner
    )
    input = {"templateId": saved["data"]["createTemplate"]["id"], "rows": 2}
    mine = await graphql(client, PREVIEW, {"input": input}, token=owner)
    assert [t["name"] for t in mine["data"]["templatePreview"]] == ["customers", "orders"]
    theirs = await graphql(client, PREVIEW, {"input": input}, token=stranger)
    assert error_code(theirs) == "NOT_FOUND"
    anonymous = await graphql(client, PREVIEW, {"input": {"builtin": "user"}})
    assert error_code(anonymous) == "UNAUTHENTICATED"


@pytest.mark.slow
async def test_a_million_user_rows_through_graphql(client):
    token, project_id = await _newcomer(client)
    batch_id = await _generate(client, token, builtin="user", projectId=project_id, count=1_000_000)
    lines = 0
    async with client.stream(
        "GET",
        f"/downloads/batches/{batch_id}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    ) as response:
        assert response.status_code == 200
        async for chunk in response.aiter_bytes():
            lines += chunk.count(b"\n")
    assert lines == 1_000_001  # the header and one line per user


FORMULAS = {
    "tables": [
        {
            "name": "cells",
            "fields": [
                {"name": "id", "type": "int", "distribution": "sequence"},
                {
                    "name": "cell",
                    "type": "category",
                    "categories": ["=1+1", "@SUM(A1)", "+cmd", "-2", "plain"],
                },
            ],
        }
    ]
}
LINK = """
mutation($id: ID!, $guard: Boolean!) {
  createBatchDownloadUrl(batchId: $id, csvFormulaGuard: $guard) { url }
}"""


def _cells(data: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == ["id", "cell"]
    return {row[1] for row in rows[1:]}


async def test_csv_downloads_guard_formulas_unless_asked_not_to(client):
    """On by default for CSV, over HTTP and through GraphQL's signed links."""
    token, project_id = await _newcomer(client)
    batch = await _generate(
        client, token, schemaJson=json.dumps(FORMULAS), projectId=project_id, count=200, seed=3
    )
    guarded = {"'=1+1", "'@SUM(A1)", "'+cmd", "'-2", "plain"}
    raw = {"=1+1", "@SUM(A1)", "+cmd", "-2", "plain"}
    assert _cells(await _download(client, token, batch, "csv")) == guarded
    opted_out = await _download(client, token, batch, "csv", csv_formula_guard="false")
    assert _cells(opted_out) == raw
    for guard, expected in ((True, guarded), (False, raw)):
        link = await graphql(client, LINK, {"id": batch, "guard": guard}, token=token)
        anonymous = await client.get(link["data"]["createBatchDownloadUrl"]["url"])
        assert anonymous.status_code == 200, anonymous.text
        assert _cells(anonymous.content) == expected


async def test_a_batch_whose_files_are_missing_answers_failed_precondition(client, training_config):
    """Files gone from storage (lost, deleted by hand) are a typed
    FAILED_PRECONDITION for downloads and previews, not a 500."""
    token, project_id = await _newcomer(client)
    batch_id = await _generate(client, token, builtin="user", projectId=project_id, count=20)
    shutil.rmtree(Path(str(training_config["storage_url"])) / "batches" / batch_id)

    response = await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "FAILED_PRECONDITION"
    assert response.json()["error"]["reason"] == "BATCH_FILES_MISSING"
    preview = await graphql(client, BATCH, {"id": batch_id, "table": ""}, token=token)
    assert error_code(preview) == "FAILED_PRECONDITION"
    assert preview["errors"][0]["extensions"]["reason"] == "BATCH_FILES_MISSING"
