"""``synthetica jobs ls`` names template jobs by their template (the built-in's name here),
as the dashboard's jobs list does, from a real stack through the command line."""

from __future__ import annotations

import json

from tests.sdk.conftest import cli


async def test_jobs_ls_names_template_jobs(stack, tmp_path):
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    assert (await cli("projects", "create", "Names", env=env)).code == 0
    out = str(tmp_path / "people.csv")
    ran = await cli("templates", "generate", "user", "--rows", "5", "-o", out, env=env)
    assert ran.code == 0, ran.err
    listed = json.loads((await cli("jobs", "ls", "--kind", "TEMPLATE", "--json", env=env)).out)
    assert [(j["kind"], j["name"]) for j in listed] == [("TEMPLATE", "user")]
    lines = (await cli("jobs", "ls", "--kind", "TEMPLATE", env=env)).out.splitlines()
    header = next(line.split() for line in lines if line.split()[:1] == ["id"])
    row = next(line.split() for line in lines if listed[0]["id"] in line)
    assert header[:3] == ["id", "kind", "name"] and row[1:3] == ["TEMPLATE", "user"]
