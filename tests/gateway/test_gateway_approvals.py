"""Approval of requests through GraphQL, for every role: with approvalRequired on, an editor's
trainModel, generate and generateFromTemplate wait as PENDING_APPROVAL (listed by
jobs(status: PENDING_APPROVAL)) and run only once an owner or an admin approves them; a
rejected job never runs, also when approvals and rejections race or repeat; owners' own
requests run at once; the requester may cancel a pending request."""

from __future__ import annotations

import asyncio

import pytest

from synthetica.training.v1 import training_pb2
from tests.gateway.team import Team
from tests.support import error_code, graphql, stream_events

pytestmark = pytest.mark.usefixtures("training_worker")

JOB = """
query($id: ID!) {
  job(id: $id) { id status attempts error review { approved reviewerId comment reviewedAt } }
}"""
APPROVE = """
mutation($id: ID!, $comment: String!) {
  approveJob(jobId: $id, comment: $comment) { id status review { approved comment } }
}"""
REJECT = """
mutation($id: ID!, $comment: String!) {
  rejectJob(jobId: $id, comment: $comment) { id status error review { approved comment } }
}"""
PENDING = """
query($project: ID!) {
  jobs(status: PENDING_APPROVAL, projectId: $project) { nodes { id status } }
}"""
TRAIN = """
mutation($input: TrainModelInput!) { trainModel(input: $input) { job { id status } } }"""
TEMPLATE = """
mutation($input: GenerateFromTemplateInput!) {
  generateFromTemplate(input: $input) { batch { id status } job { id status } }
}"""


@pytest.fixture
async def approval_on(client, team):
    assert "errors" not in await team.settings(client, approvalRequired=True)
    yield team
    assert "errors" not in await team.settings(client, approvalRequired=False)


async def _job(client, team: Team, job_id: str, role: str = "owner") -> dict:
    return (await graphql(client, JOB, {"id": job_id}, token=team.tokens[role]))["data"]["job"]


async def _wait(client, team: Team, job_id: str, *statuses: str) -> dict:
    for _ in range(600):
        job = await _job(client, team, job_id)
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.2)
    raise AssertionError(f"job {job_id} stayed {job['status']}")


async def test_an_editors_request_waits_until_an_owner_approves_it(client, approval_on, nats_url):
    team = approval_on
    generated = await team.generate(client, "editor")
    job_id = generated["job"]["id"]
    assert generated["job"]["status"] == "PENDING_APPROVAL"
    listed = await graphql(
        client, PENDING, {"project": team.project_id}, token=team.tokens["viewer"]
    )
    assert {"id": job_id, "status": "PENDING_APPROVAL"} in listed["data"]["jobs"]["nodes"]
    await asyncio.sleep(2)  # time a worker would have needed to pick it up, were it queued
    waiting = await _job(client, team, job_id)
    assert waiting["status"] == "PENDING_APPROVAL" and waiting["attempts"] == 0

    for role, code in (("editor", "FORBIDDEN"), ("viewer", "FORBIDDEN"), ("outsider", "NOT_FOUND")):
        refused = await graphql(
            client, APPROVE, {"id": job_id, "comment": ""}, token=team.tokens[role]
        )
        assert error_code(refused) == code, (role, refused)
    approved = await graphql(
        client, APPROVE, {"id": job_id, "comment": "fine by me"}, token=team.tokens["owner"]
    )
    assert approved["data"]["approveJob"]["review"] == {"approved": True, "comment": "fine by me"}
    done = await _wait(client, team, job_id, "SUCCEEDED", "FAILED", "CANCELLED")
    assert done["status"] == "SUCCEEDED" and done["attempts"] == 1
    assert done["review"]["reviewerId"] == team.users["owner"].id
    again = await graphql(
        client, APPROVE, {"id": job_id, "comment": ""}, token=team.tokens["owner"]
    )
    assert again["data"]["approveJob"]["status"] == "SUCCEEDED"
    late_reject = await graphql(
        client, REJECT, {"id": job_id, "comment": "no"}, token=team.tokens["owner"]
    )
    assert late_reject["errors"][0]["extensions"]["reason"] == "JOB_NOT_PENDING"

    reviewed = [
        e
        for e in await stream_events(nats_url, "synthetica.events.job.reviewed")
        if e.job_reviewed.job_id == job_id
    ]
    assert len(reviewed) == 1 and reviewed[0].user_id == team.users["editor"].id
    asked = [
        e.job_approval_requested
        for e in await stream_events(nats_url, "synthetica.events.job_approval.requested")
        if e.job_approval_requested.job_id == job_id
    ]
    assert len(asked) == 1 and list(asked[0].owner_ids) == [team.users["owner"].id]


async def test_a_rejected_request_never_runs(client, approval_on, nats_url):
    team = approval_on
    generated = await team.generate(client, "editor")
    job_id, batch_id = generated["job"]["id"], generated["batch"]["id"]
    silent = await graphql(
        client, REJECT, {"id": job_id, "comment": " "}, token=team.tokens["owner"]
    )
    assert error_code(silent) == "BAD_USER_INPUT"
    rejected = await graphql(
        client, REJECT, {"id": job_id, "comment": "use the 2024 data"}, token=team.tokens["owner"]
    )
    job = rejected["data"]["rejectJob"]
    assert job["status"] == "CANCELLED" and "use the 2024 data" in job["error"]
    assert job["review"] == {"approved": False, "comment": "use the 2024 data"}
    approve = await graphql(
        client, APPROVE, {"id": job_id, "comment": ""}, token=team.tokens["owner"]
    )
    assert approve["errors"][0]["extensions"]["reason"] == "JOB_NOT_PENDING"
    repeat = await graphql(
        client, REJECT, {"id": job_id, "comment": "again"}, token=team.tokens["admin"]
    )
    assert repeat["data"]["rejectJob"]["review"]["comment"] == "use the 2024 data"
    await asyncio.sleep(2)
    after = await _job(client, team, job_id)
    assert after["status"] == "CANCELLED" and after["attempts"] == 0
    assert (await team.batch(client, batch_id))["status"] == "CANCELLED"
    # The cancellation says it was a rejection: the requester is told once, by job.reviewed.
    updates = [
        e.job_updated
        for e in await stream_events(nats_url, "synthetica.events.job.updated")
        if e.job_updated.job_id == job_id
    ]
    assert [u.rejected for u in updates if u.job_status == training_pb2.JOB_STATUS_CANCELLED] == [
        True
    ]


async def test_racing_approvals_and_rejections_make_one_decision(client, approval_on):
    team = approval_on
    for _ in range(3):
        job_id = (await team.generate(client, "editor"))["job"]["id"]
        results = await asyncio.gather(
            graphql(client, APPROVE, {"id": job_id, "comment": "a"}, token=team.tokens["owner"]),
            graphql(client, REJECT, {"id": job_id, "comment": "r"}, token=team.tokens["admin"]),
            graphql(client, APPROVE, {"id": job_id, "comment": "b"}, token=team.tokens["admin"]),
        )
        refused = [r for r in results if "errors" in r]
        assert all(r["errors"][0]["extensions"]["reason"] == "JOB_NOT_PENDING" for r in refused)
        final = await _wait(client, team, job_id, "SUCCEEDED", "FAILED", "CANCELLED")
        if final["review"]["approved"]:
            assert len(refused) == 1 and final["status"] == "SUCCEEDED"
            assert final["attempts"] == 1
        else:
            assert len(refused) == 2 and final["status"] == "CANCELLED"
            assert final["attempts"] == 0


async def test_owners_requests_run_at_once_and_pending_ones_can_be_cancelled(client, approval_on):
    team = approval_on
    own = await team.generate(client, "owner")
    assert own["job"]["status"] == "QUEUED"
    trained = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": team.dataset_id, "engine": "gaussian_copula"}},
        token=team.tokens["editor"],
    )
    job_id = trained["data"]["trainModel"]["job"]["id"]
    assert trained["data"]["trainModel"]["job"]["status"] == "PENDING_APPROVAL"
    viewer = await graphql(
        client,
        TRAIN,
        {"input": {"datasetId": team.dataset_id, "engine": "gaussian_copula"}},
        token=team.tokens["viewer"],
    )
    assert error_code(viewer) == "FORBIDDEN"
    cancelled = await graphql(
        client, "mutation($id: ID!) { cancelJob(id: $id) { status } }", {"id": job_id},
        token=team.tokens["editor"],
    )  # fmt: skip
    assert cancelled["data"]["cancelJob"]["status"] == "CANCELLED"
    approve = await graphql(
        client, APPROVE, {"id": job_id, "comment": ""}, token=team.tokens["owner"]
    )
    assert approve["errors"][0]["extensions"]["reason"] == "JOB_NOT_PENDING"
    templated = await graphql(
        client,
        TEMPLATE,
        {"input": {"projectId": team.project_id, "builtin": "user", "count": 20}},
        token=team.tokens["editor"],
    )
    assert templated["data"]["generateFromTemplate"]["job"]["status"] == "PENDING_APPROVAL"
    by_admin = await graphql(
        client,
        APPROVE,
        {"id": templated["data"]["generateFromTemplate"]["job"]["id"], "comment": "ok"},
        token=team.tokens["admin"],
    )
    assert by_admin["data"]["approveJob"]["status"] == "QUEUED"
