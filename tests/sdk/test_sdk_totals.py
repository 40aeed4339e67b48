"""A total of other columns and a column naming the largest of them (plotly's Montreal
election: `total` = `Coderre` + `Bergeron` + `Joly`, and the `winner` has the most votes),
read from a notebook and from the shell: generation keeps both unless asked to perturb rows,
and the report counts the synthetic rows that break each, as a user counts them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tests.sdk.conftest import cli

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
    stack, two_batches, tmp_path
):
    from plotly.data import election

    csv = tmp_path / "election.csv"
    election().to_csv(csv, index=False)
    # Anomalies, asked for: a perturbed vote or total no longer adds up, and a perturbed vote
    # or winner may name a loser.
    made = await two_batches(csv, "Election")
    checks = {
        name: (
            [(t.description, t.parts, t.violation_count) for t in report.totals],
            [(x.description, x.columns, x.violation_count) for x in report.leaders],
        )
        for name, report in made.reports.items()
    }
    free, odd = made.rows["free"], made.rows["odd"]
    assert _not_adding_up(free) == 0 and _losing_winners(free) == 0
    assert checks["free"] == ([(TOTAL, VOTES, 0)], [(WINNER, VOTES, 0)])
    broken_totals, losers = _not_adding_up(odd), _losing_winners(odd)
    assert broken_totals > 0 and losers > 0
    assert checks["odd"] == ([(TOTAL, VOTES, broken_totals)], [(WINNER, VOTES, losers)])

    key = await stack.api_key(made.account)
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    ran = await cli("report", made.odd_id, env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"total {re.escape(TOTAL)}\s+{broken_totals} rows do not add up", ran.out), (
        ran.out
    )
    leader = r"leader winner \(largest of Coderre, Bergeron, Joly\)"
    assert re.search(rf"{leader}\s+{losers} rows name another", ran.out), ran.out
