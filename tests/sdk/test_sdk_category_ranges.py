"""The range a number keeps within each value of a category column (no 6 kg Adelie penguin),
read from a notebook and from the shell: a batch of a model trained now keeps every range,
and the report's verdict says so."""

from __future__ import annotations

import re

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread
from tests.services.training.faithful_world import FIXTURES


async def test_the_report_gives_the_ranges_and_their_verdict_in_the_sdk_and_the_cli(stack):
    account = await stack.account()

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            project = c.projects.create("Penguins")
            ds = c.datasets.upload(FIXTURES / "penguins.csv", project=project, progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            batch = model.generate(rows=500, seed=4, progress=False)
            report = batch.report()
            return {
                "batch": batch.id,
                "ranges": [
                    (r.number, r.category, r.value, r.low, r.high, r.violation_count)
                    for r in report.category_ranges
                ],
                "verdict": report.range_verdict,
            }

    result = await in_thread(notebook)
    masses = {r[2]: r for r in result["ranges"] if r[:2] == ("body_mass_g", "species")}
    assert "Gentoo" in masses, result["ranges"]
    assert all(r[5] == 0 for r in result["ranges"]), result["ranges"]
    verdict = result["verdict"]
    assert (verdict.verdict.value, verdict.rows) == ("PASS", 0), verdict
    assert verdict.summary.startswith("pass: 0 of 500 synthetic rows"), verdict

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    shown = await cli("report", result["batch"], env=env)
    assert shown.code == 0, shown.err
    assert re.search(r"ranges verdict\W+PASS: 0 rows \(0\.00%\)", shown.out), shown.out
    assert "outside " not in shown.out  # a range is listed only where rows break it
