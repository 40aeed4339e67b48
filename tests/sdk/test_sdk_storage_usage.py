"""``client.storage_usage()``: the bytes an account's own projects hold, and its quota; an
editor's upload into someone else's project counts against that project's owner."""

from __future__ import annotations

import json

import httpx

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread
from tests.support import graphql

ADD_EDITOR = """mutation($p: ID!, $e: String!) {
  addProjectMember(projectId: $p, email: $e, role: EDITOR) { role }
}"""

CSV = b"id,amount\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(2000))


async def test_usage_follows_uploads_and_deletes_and_the_project_owner(stack, tmp_path):
    owner, editor = await stack.account(), await stack.account()
    path = tmp_path / "amounts.csv"
    path.write_bytes(CSV)

    def create() -> str:
        with Client(stack.url, token=owner.token) as o:
            return o.projects.create("Quota").id

    project_id = await in_thread(create)
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        added = await graphql(
            http, ADD_EDITOR, {"p": project_id, "e": editor.email}, token=owner.token
        )
    assert "errors" not in added, added

    def scenario() -> list[tuple[float, float | None]]:
        seen = []
        with Client(stack.url, token=owner.token) as o, Client(stack.url, token=editor.token) as e:
            seen.append(astuple(o.storage_usage()))
            dataset = e.datasets.upload(str(path), project=project_id, progress=False)
            seen.append(astuple(o.storage_usage()))
            seen.append(astuple(e.storage_usage()))
            dataset.delete()
            seen.append(astuple(o.storage_usage()))
        return seen

    quota = 20 * 1024**3
    assert await in_thread(scenario) == [(0, quota), (len(CSV), quota), (0, quota), (0, quota)]


def astuple(usage) -> tuple[float, float | None]:
    return usage.used_bytes, usage.quota_bytes


async def test_whoami_shows_the_storage_line(stack):
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("whoami", env=env)
    assert ran.code == 0, ran.err
    # A new account stores nothing yet; the stack's quota is the default, 20 GiB.
    assert ran.out.strip().splitlines()[1] == "Storage: 0 bytes of 20.0 GiB used (0%)"
    ran = await cli("whoami", "--json", env=env)
    assert json.loads(ran.out)["storage"] == {"usedBytes": 0, "quotaBytes": 20 * 1024**3}
