"""Combinations the real rows rule out (lunch on a Saturday in plotly's `tips`), read from a
notebook and from the shell: generation never writes one, conditions asking for one are
refused at once, and the report counts the synthetic rows that have one, as a user counts
them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from synthetica_client import Client
from synthetica_client.errors import BadUserInput
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
            # Both columns fixed to a ruled-out combination: every row would break the
            # condition or the rule, so the request is refused before any job starts.
            with pytest.raises(BadUserInput) as refused:
                model.generate(
                    rows=50, seed=5, conditions={"day": "Sun", "time": "Lunch"}, progress=False
                )
            checks = [
                (p.description, sorted(p.combinations), p.violation_count, p.holdout_share)
                for p in free.report().impossible_combinations
            ]
            verdict = free.report().combination_verdict
            return {
                "verdict": (verdict.verdict.value, verdict.rows, verdict.summary),
                "batch": free.id,
                "model": model.id,
                "rows": free.to_pandas(),
                "checks": checks,
                "refused": refused.value,
            }

    result = await in_thread(notebook)
    assert _weekend_lunches(result["rows"]) == 0
    combinations = ["Sat, Lunch", "Sun, Lunch"]
    assert result["checks"] == [("day & time", combinations, 0, 0.0)]
    assert "conditions.time" in str(result["refused"].extensions)
    assert "ruled out: Sun, Lunch; Sat, Lunch" in str(result["refused"])
    assert result["verdict"][:2] == ("PASS", 0), result["verdict"]
    assert result["verdict"][2].startswith("pass: 0 of 500 synthetic rows"), result["verdict"]

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    lunch = '{"day": "Sat", "time": "Lunch"}'
    ran = await cli("generate", result["model"], "--rows", "50", "--conditions", lunch, env=env)
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: "), ran.err
    assert re.search(r"day 'Sat' and time 'Lunch' never occur together", ran.err), ran.err
    shown = await cli("report", result["batch"], env=env)
    assert shown.code == 0, shown.err
    assert re.search(r"combinations verdict\W+PASS: 0 rows \(0\.00%\)", shown.out), shown.out
