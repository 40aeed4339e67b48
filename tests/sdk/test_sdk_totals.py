"""A total of other columns and a column naming the largest of them (plotly's Montreal
election: `total` = `Coderre` + `Bergeron` + `Joly`, and the `winner` has the most votes),
read from a notebook and from the shell: generation keeps both unless asked to perturb rows,
and the report counts the synthetic rows that break each, as a user counts them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread

VOTES = ["Coderre", "Bergeron", "Joly"]
TOTAL = "total = Coderre + Bergeron + Joly"
WINNER = "winner = the largest of Coderre, Bergeron, Joly"


def _not_adding_up(rows: pd.DataFrame) -> int:
    return int((rows["total"] != rows[VOTES].sum(axis=1)).sum())


def _losing_winners(rows: pd.DataFrame) -> int:
    votes = rows[VOTES].to_numpy()
    named = rows["winner"].map({name: i for i, name in enumerate(VOTES)}).to_numpy()
    return int((votes[np.arange(len(rows)), named] < votes.max(axis=1)).sum())


async def test_the_report_counts_the_rows_that_do_not_add_up_or_name_a_loser_in_the_sdk_and_cli(
    stack, tmp_path
):
    from plotly.data import election

    account = await stack.account()
    csv = tmp_path / "election.csv"
    election().to_csv(csv, index=False)

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(csv, project=c.projects.create("Election"), progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            free = model.generate(rows=500, seed=4, progress=False)
            # Anomalies, asked for: a perturbed vote or total no longer adds up, and a
            # perturbed vote or winner may name a loser.
            odd = model.generate(rows=200, seed=5, anomalies=0.3, progress=False)
            checks = {}
            for name, batch in (("free", free), ("odd", odd)):
                report = batch.report()
                checks[name] = (
                    [(t.description, t.parts, t.violation_count) for t in report.totals],
                    [(x.description, x.columns, x.violation_count) for x in report.leaders],
                )
            rows = {"free": free.to_pandas(), "odd": odd.to_pandas()}
            return {"odd": odd.id, "rows": rows, "checks": checks}

    result = await in_thread(notebook)
    free, odd = result["rows"]["free"], result["rows"]["odd"]
    assert _not_adding_up(free) == 0 and _losing_winners(free) == 0
    assert result["checks"]["free"] == ([(TOTAL, VOTES, 0)], [(WINNER, VOTES, 0)])
    broken_totals, losers = _not_adding_up(odd), _losing_winners(odd)
    assert broken_totals > 0 and losers > 0
    assert result["checks"]["odd"] == ([(TOTAL, VOTES, broken_totals)], [(WINNER, VOTES, losers)])

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("report", result["odd"], env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"total {re.escape(TOTAL)}\s+{broken_totals} rows do not add up", ran.out), (
        ran.out
    )
    leader = r"leader winner \(largest of Coderre, Bergeron, Joly\)"
    assert re.search(rf"{leader}\s+{losers} rows name another", ran.out), ran.out
