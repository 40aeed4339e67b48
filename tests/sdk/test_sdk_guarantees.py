"""The privacy gate and approvals through the synchronous SDK, as an owner and an editor
would use them from notebooks: project settings, a request waiting for approval, a batch the
gate holds from to_pandas and download until an owner releases it."""

from __future__ import annotations

import time

import pytest

from synthetica_client import Client
from synthetica_client.errors import FailedPrecondition, Forbidden
from tests import adult
from tests.gateway.team import publish_verdict
from tests.sdk.conftest import in_thread


@pytest.mark.timeout(600)
async def test_an_editors_request_is_approved_and_a_failed_batch_released(
    stack, tmp_path, nats_url
):
    owner, editor = await stack.account(), await stack.account()
    data = tmp_path / "adult.csv"
    data.write_bytes(adult.small_csv(300))

    def set_up() -> tuple[str, str]:
        with Client(stack.url, token=owner.token) as c:
            project = c.projects.create("Gated")
            model = c.train(c.datasets.upload(data, project=project, progress=False),
                            engine="gaussian_copula", seed=2).wait(progress=False)  # fmt: skip
            updated = project.update(approval_required=True, privacy_gate="owner_override")
            assert updated.approval_required is True
            assert updated.privacy_gate.value == "OWNER_OVERRIDE"
            return project.id, model.id

    project_id, model_id = await in_thread(set_up)
    await stack.add_member(owner, project_id, editor.email, "EDITOR")

    def request() -> tuple[str, str]:
        with Client(stack.url, token=editor.token) as c:
            batch = c.models.get(model_id).generate(rows=100, seed=4, wait=False)
            job = c.jobs.get(batch.job_id)
            assert job.status.value == "PENDING_APPROVAL"
            assert [j.id for j in c.jobs.list(status="pending_approval", project=project_id)] == [
                job.id
            ]
            with pytest.raises(Forbidden):
                job.approve("I approve of myself")
            with pytest.raises(Forbidden):
                c.projects.update(project_id, approval_required=False)
            return batch.id, job.id

    batch_id, job_id = await in_thread(request)

    def approve() -> None:
        with Client(stack.url, token=owner.token) as c:
            approved = c.jobs.get(job_id).approve("go ahead")
            assert approved.review.approved is True and approved.review.comment == "go ahead"
            assert c.batches.get(batch_id).wait(progress=False).status.value == "READY"

    await in_thread(approve)
    await publish_verdict(nats_url, batch_id, "fail", owner.user_id)

    def held() -> None:
        with Client(stack.url, token=editor.token) as c:
            for _ in range(100):
                batch = c.batches.get(batch_id)
                if batch.gate.state.value == "BLOCKED":
                    break
                time.sleep(0.2)
            assert batch.gate.state.value == "BLOCKED" and batch.gate.can_release is False
            with pytest.raises(FailedPrecondition, match="privacy"):
                batch.to_pandas()
            with pytest.raises(FailedPrecondition):
                batch.download(tmp_path / "held.csv")
            with pytest.raises(Forbidden):
                batch.release("editors cannot")

    await in_thread(held)

    def release() -> int:
        with Client(stack.url, token=owner.token) as c:
            released = c.batches.get(batch_id).release("reviewed with the DPO")
            assert released.gate.state.value == "RELEASED"
            assert released.gate.reason == "reviewed with the DPO"
            assert released.gate.released_by == owner.user_id
        with Client(stack.url, token=editor.token) as c:
            return len(c.batches.get(batch_id).to_pandas())

    assert await in_thread(release) == 100
