"""The project settings, approvals and releases from the ``synthetica`` command line, run as
a child process: an owner turns approval on, approves one editor's request and rejects
another (a comment is required), and is told plainly when a release is not possible."""

from __future__ import annotations

import json

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread


def json_of(ran) -> dict:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


async def test_settings_approve_reject_and_release_from_the_command_line(stack):
    owner, editor = await stack.account(), await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(owner)}
    project = json_of(await cli("projects", "create", "Gated", "--json", env=env))
    await stack.add_member(owner, project["id"], editor.email, "EDITOR")
    shown = await cli("projects", "settings", "Gated", env=env)
    assert "privacy gate OFF, approval not required" in shown.out, shown.err
    changed = json_of(
        await cli(
            "projects", "settings", project["id"], "--privacy-gate", "block",
            "--approval-required", "--json", env=env,
        )
    )  # fmt: skip
    assert changed["privacyGate"] == "BLOCK" and changed["approvalRequired"] is True

    def request() -> tuple[str, str, str]:
        with Client(stack.url, token=editor.token) as c:
            batches = [
                c.generate_from_template("user", rows=10, project=project["id"], wait=False)
                for _ in range(2)
            ]
        return batches[0].job_id, batches[1].job_id, batches[0].id

    first, second, batch_id = await in_thread(request)
    approved = json_of(await cli("jobs", "approve", first, "-m", "ok", "--json", env=env))
    assert approved["status"] in ("QUEUED", "RUNNING", "SUCCEEDED")
    assert approved["review"]["comment"] == "ok"
    silent = await cli("jobs", "reject", second, env=env)
    assert silent.code != 0 and "--comment" in silent.err
    rejected = await cli("jobs", "reject", second, "-m", "too many rows", env=env)
    assert rejected.code == 0 and f"Job {second} is CANCELLED" in rejected.out
    again = await cli("jobs", "approve", second, env=env)
    assert again.code == 1 and again.err.startswith("error: FAILED_PRECONDITION: ")
    # A template batch has no real rows behind it: the gate never holds it, nor releases it.
    refused = await cli("release", batch_id, "--reason", "why not", env=env)
    assert refused.code == 1 and "OWNER_OVERRIDE" in refused.err
