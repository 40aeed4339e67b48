"""One account's backlog of jobs is bounded, so it cannot queue thousands ahead of everyone
else: at most TRAINING_MAX_CONCURRENT_JOBS_PER_USER (4) jobs queued, running or waiting for
approval at once; the next is RATE_LIMITED (TOO_MANY_JOBS) and changes nothing, another
account is not refused, and a job that ends frees its place. Requests wait for approval here
(PENDING_APPROVAL counts), so no worker can finish them while the test counts."""

from __future__ import annotations

from tests.gateway.test_gateway_datasets import create_project, new_user
from tests.support import error_code, graphql

LIMIT = 4
TEMPLATE = """mutation($p: ID!) {
  generateFromTemplate(input: {builtin: "user", projectId: $p, count: 10}) { job { id status } }
}"""
APPROVAL = """mutation($p: ID!) {
  updateProject(input: {id: $p, approvalRequired: true}) { approvalRequired }
}"""
ADD_EDITOR = """mutation($p: ID!, $e: String!) {
  addProjectMember(projectId: $p, email: $e, role: EDITOR) { role }
}"""
REJECT = 'mutation($id: ID!) { rejectJob(jobId: $id, comment: "not now") { id status } }'
JOBS = "query($p: ID!) { jobs(projectId: $p) { nodes { id status } } }"


async def test_one_account_queues_at_most_its_limit_and_others_are_not_refused(client):
    owner = await new_user(client)
    editor, other = await new_user(client), await new_user(client)
    project_id = await create_project(client, owner)
    assert "errors" not in await graphql(client, APPROVAL, {"p": project_id}, token=owner["token"])
    added = await graphql(
        client, ADD_EDITOR, {"p": project_id, "e": editor["email"]}, token=owner["token"]
    )
    assert "errors" not in added, added

    requested = [
        (await graphql(client, TEMPLATE, {"p": project_id}, token=editor["token"]))["data"][
            "generateFromTemplate"
        ]["job"]
        for _ in range(LIMIT)
    ]
    assert [job["status"] for job in requested] == ["PENDING_APPROVAL"] * LIMIT
    refused = await graphql(client, TEMPLATE, {"p": project_id}, token=editor["token"])
    assert error_code(refused) == "RATE_LIMITED"
    error = refused["errors"][0]
    assert error["extensions"]["reason"] == "TOO_MANY_JOBS"
    assert f"you already have {LIMIT} jobs queued or running (limit {LIMIT})" in error["message"]
    listed = await graphql(client, JOBS, {"p": project_id}, token=owner["token"])
    assert len(listed["data"]["jobs"]["nodes"]) == LIMIT  # the refused request left no job

    # Another account, in its own project, is not held back by the first one's backlog.
    theirs = await create_project(client, other)
    accepted = await graphql(client, TEMPLATE, {"p": theirs}, token=other["token"])
    assert "errors" not in accepted, accepted

    # A job that ends (here: rejected) gives its place back.
    rejected = await graphql(client, REJECT, {"id": requested[0]["id"]}, token=owner["token"])
    assert rejected["data"]["rejectJob"]["status"] == "CANCELLED"
    again = await graphql(client, TEMPLATE, {"p": project_id}, token=editor["token"])
    assert again["data"]["generateFromTemplate"]["job"]["status"] == "PENDING_APPROVAL"
