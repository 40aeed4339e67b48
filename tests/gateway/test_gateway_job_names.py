"""Template jobs are named in the jobs list, through the GraphQL gateway over real HTTP: the
built-in's name, the saved template's name (as it was when the job started), or "custom
schema"; other jobs leave it to their model's name."""

from __future__ import annotations

import json

import pytest

from tests.support import PASSWORD, graphql, unique_email

pytestmark = pytest.mark.usefixtures("training_worker")

GENERATE = """
mutation($input: GenerateFromTemplateInput!) {
  generateFromTemplate(input: $input) { job { id name kind } }
}"""
JOBS = "query { jobs(first: 10) { nodes { id name kind } } }"
SCHEMA = {"tables": [{"name": "people", "count": 5, "fields": [{"name": "id", "type": "uuid"}]}]}


async def test_template_jobs_carry_their_templates_name(client):
    registered = await graphql(
        client,
        "mutation($input: RegisterInput!) { register(input: $input) { tokens { accessToken } } }",
        {"input": {"email": unique_email("names"), "password": PASSWORD}},
    )
    token = registered["data"]["register"]["tokens"]["accessToken"]
    created = await graphql(
        client,
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
        {"input": {"name": "names"}},
        token=token,
    )
    project_id = created["data"]["createProject"]["id"]
    saved = await graphql(
        client,
        "mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }",
        {"input": {"name": "Clinic patients", "schema": SCHEMA, "projectId": project_id}},
        token=token,
    )
    sources = [
        ({"builtin": "user"}, "user"),
        ({"templateId": saved["data"]["createTemplate"]["id"]}, "Clinic patients"),
        ({"schemaJson": json.dumps(SCHEMA)}, "custom schema"),
    ]
    started = {}
    for source, name in sources:
        answer = await graphql(
            client,
            GENERATE,
            {"input": {**source, "projectId": project_id, "count": 5, "seed": 1}},
            token=token,
        )
        job = answer["data"]["generateFromTemplate"]["job"]
        assert (job["name"], job["kind"]) == (name, "TEMPLATE"), answer
        started[job["id"]] = name

    listed = (await graphql(client, JOBS, token=token))["data"]["jobs"]["nodes"]
    assert {j["id"]: j["name"] for j in listed} == started
    one = await graphql(
        client,
        "query($id: ID!) { job(id: $id) { name } }",
        {"id": next(iter(started))},
        token=token,
    )
    assert one["data"]["job"]["name"] == "user"
