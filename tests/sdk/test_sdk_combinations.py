"""Combinations the real rows rule out (lunch on a Saturday in plotly's `tips`), read from a
notebook and from the shell: generation never writes one unless asked to, and the report
counts the synthetic rows that have one, as a user counts them."""

from __future__ import annotations

import re

import pandas as pd

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread


def _weekend_lunches(rows: pd.DataFrame) -> int:
    return int((rows["day"].isin(["Sat", "Sun"]) & (rows["time"] == "Lunch")).sum())


async def test_the_report_counts_the_rows_with_a_ruled_out_combination_in_the_sdk_and_the_cli(
    stack, tmp_path
):
    from plotly.data import tips

    account = await stack.account()
    csv = tmp_path / "tips.csv"
    tips().to_csv(csv, index=False)

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(csv, project=c.projects.create("Tips"), progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            free = model.generate(rows=500, seed=4, progress=False)
            # Both columns fixed by the user: the rows are what was asked for.
            asked = model.generate(
                rows=50, seed=5, conditions={"day": "Sun", "time": "Lunch"}, progress=False
            )
            checks = {}
            for name, batch in (("free", free), ("asked", asked)):
                checks[name] = [
                    (p.description, sorted(p.combinations), p.violation_count, p.holdout_share)
                    for p in batch.report().impossible_combinations
                ]
            return {"asked": asked.id, "rows": free.to_pandas(), "checks": checks}

    result = await in_thread(notebook)
    assert _weekend_lunches(result["rows"]) == 0
    combinations = ["Sat, Lunch", "Sun, Lunch"]
    assert result["checks"]["free"] == [("day & time", combinations, 0, 0.0)]
    assert result["checks"]["asked"] == [("day & time", combinations, 50, 0.0)]

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("report", result["asked"], env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(r"ruled out day & time \(Sun, Lunch; Sat, Lunch\)\s+50 rows", ran.out), ran.out
