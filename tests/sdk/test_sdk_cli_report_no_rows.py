"""`synthetica report adult -p Gated` when the dataset's newest batch was cancelled (its
generation refused by an approver, or cancelled by whoever asked for it) or failed: such a
batch never gets a report. Before, the CLI and ``batch.report()`` waited ten minutes for one
and then said "not found"; now they say at once which batch it is and that it has none,
with a non-zero exit code. Each role sees what it may: a viewer reads by name, an outsider
learns nothing of the dataset from its id."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from synthetica_client import Client
from synthetica_client.errors import FailedPrecondition
from tests.sdk.conftest import cli, in_thread
from tests.services.training.training_world import small_adult_csv


async def test_report_of_a_cancelled_newest_batch_says_so_at_once(stack, tmp_path):
    owner, editor, viewer, outsider = [await stack.account() for _ in range(4)]

    def trained_in_a_gated_project() -> tuple[str, str]:
        with Client(stack.url, token=owner.token) as c:
            project = c.projects.create("Gated")
            frame = pd.read_csv(io.BytesIO(small_adult_csv(120)))
            dataset = c.datasets.upload(frame, project=project, name="adult", progress=False)
            c.train(dataset, engine="gaussian_copula", seed=1).wait(progress=False)
            return project.id, dataset.id

    project_id, dataset_id = await in_thread(trained_in_a_gated_project)
    await stack.add_member(owner, project_id, editor.email, "EDITOR")
    await stack.add_member(owner, project_id, viewer.email, "VIEWER")
    keys = {a.user_id: await stack.api_key(a) for a in (owner, editor, viewer, outsider)}

    def env(account) -> dict[str, str]:
        return {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": keys[account.user_id]}

    # A READY batch the viewer reads the report of by the dataset's name.
    generate = ("generate", "adult", "-p", "Gated", "--rows", "20", "--json")
    ran = await cli(*generate, env=env(owner), cwd=tmp_path)
    assert ran.code == 0, ran.err
    ran = await cli("report", "adult", "-p", "Gated", "--json", env=env(viewer))
    assert ran.code == 0 and "the newest of dataset 'adult'" in ran.err, ran.err

    def cancelled_request() -> str:
        with Client(stack.url, token=owner.token) as c:
            c.projects.get(project_id).update(approval_required=True)
        with Client(stack.url, token=editor.token) as c:
            model = c.models.newest("adult", project="Gated")
            batch = model.generate(20, wait=False, progress=False)
            assert c.jobs.get(batch.job_id).status.value == "PENDING_APPROVAL"
            c.jobs.cancel(batch.job_id)
            assert c.batches.get(batch.id).status.value == "CANCELLED"
            started = time.monotonic()
            with pytest.raises(FailedPrecondition, match="CANCELLED"):
                c.batches.get(batch.id).report(timeout=60)
            assert time.monotonic() - started < 30  # not the minute of waiting asked for
            return batch.id

    cancelled = await in_thread(cancelled_request)
    for account in (editor, viewer):
        ran = await cli("report", "adult", "-p", "Gated", env=env(account))
        assert ran.code == 1, ran
        assert f"Using batch {cancelled}: the newest of dataset 'adult'" in ran.err
        assert f"batch {cancelled} was CANCELLED: it has no report" in ran.err
    ran = await cli("report", cancelled, env=env(viewer))
    assert ran.code == 1 and "was CANCELLED: it has no report" in ran.err

    # An outsider: neither the name nor the ids lead anywhere, and the name is never said.
    for given in (["adult", "-p", "Gated"], [dataset_id], [cancelled]):
        for command in (["report"], ["generate", "--rows", "5"]):
            ran = await cli(*command, *given, env=env(outsider), cwd=tmp_path)
            assert ran.code == 1 and "Using" not in ran.err, ran.err
            assert "adult" not in ran.err or given[0] == "adult", ran.err
